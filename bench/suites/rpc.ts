import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { startServer } from '../../electron/server/http';
import { wsProtocols } from '../../shared/protocol';
import { median, type Suite } from '../harness';

/** Calls per measurement: enough for a stable median on a 2-core machine, short enough for CI. */
const CALLS = 2_000;

function repo(dir: string): string {
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  return dir;
}

/**
 * The cost of the contract's transport: a tasks.get answered over browser mode's WebSocket
 * (JSON, auth'd socket, dispatcher) against the same call made on the dispatcher directly.
 */
const suite: Suite = {
  name: 'rpc',
  async run() {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
    const staticDir = mkdtempSync(join(tmpdir(), 'switchyard-bench-static-'));
    writeFileSync(join(staticDir, 'index.html'), '');
    const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
    const server = await startServer({ core, staticDir, port: 0 });
    try {
      const project = await core.projects.add(repo(mkdtempSync(join(tmpdir(), 'switchyard-bench-repo-'))));
      const task = core.tasks.create({
        projectId: project.id,
        title: 'bench',
        prompt: '',
        status: 'backlog',
        priority: 'normal',
        phase: null,
      });

      const direct: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const start = performance.now();
        await core.dispatch('tasks.get', { id: task.id });
        direct.push(performance.now() - start);
      }

      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, wsProtocols(server.token), {
        headers: { origin: `http://127.0.0.1:${server.port}` },
      });
      await new Promise((resolve) => ws.once('open', resolve));
      const wire: number[] = [];
      for (let i = 0; i < CALLS; i++) {
        const start = performance.now();
        await new Promise<void>((resolve) => {
          ws.once('message', () => resolve());
          ws.send(JSON.stringify({ kind: 'call', id: i, method: 'tasks.get', input: { id: task.id } }));
        });
        wire.push(performance.now() - start);
      }
      ws.close();
      return [
        {
          name: 'rpc.tasks.get over WebSocket (median)',
          value: median(wire) * 1000,
          unit: 'µs',
          baseline: 'same call on the dispatcher',
          baselineValue: median(direct) * 1000,
          better: 'lower',
        },
      ];
    } finally {
      await server.close();
      await core.dispose();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(staticDir, { recursive: true, force: true });
    }
  },
};

export default suite;
