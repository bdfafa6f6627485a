// The session host process across restarts of the core: how long a new core takes to take back 20
// live sessions (agents waiting at their prompt) with their screens, and how many output lines a SIGKILL of the core loses (the
// host writes the transcript, so none should be).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { createCore, type Core } from '../../electron/core/app';
import type { ClientContext } from '../../electron/core/clientContext';
import { memoryLogger } from '../../electron/core/log';
import { stopHost } from '../../electron/core/sessions/hostSupervisor';
import { addCommandTasks } from '../../tests/fixtures/commandTasks';
import type { Suite } from '../harness';

/** Live sessions taken back in the re-attach row, as the issue states. */
const SESSIONS = 20;
/** Agents killed with their core in the loss row. */
const KILLED_AGENTS = 3;
/** How long the agents print with no core before one starts again (ms). */
const ORPHANED_MS = 1_000;

const root = join(import.meta.dirname, '..', '..');
const NUMBERED_LINES = join(root, 'tests', 'fixtures', 'numbered-lines.mjs');
const CORE_PROCESS = join(root, 'tests', 'fixtures', 'core-process.ts');

/** An agent that fills its screen once and then waits at its prompt, as most agents do most of the time. */
const QUIET_AGENT = ['/bin/sh', '-c', 'i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo "line $i of a quiet agent"; done; exec sleep 600'];

/** A data folder whose project has `count` ready tasks running `command` (numbered lines without end by default). */
async function prepare(work: string, count: number, command = [process.execPath, NUMBERED_LINES]): Promise<{ dataDir: string; repo: string }> {
  const dataDir = join(work, 'data');
  const repo = join(work, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '--allow-empty', '-m', 'initial'], { cwd: repo });
  return { dataDir, repo: await addCommandTasks(dataDir, repo, count, command) };
}

const processCore = (dataDir: string): Core => createCore({ dataDir, mode: 'browser', sessionHost: 'process', log: memoryLogger() });
const pane: ClientContext = { clientId: 'bench-pane', send: () => {}, onClose: () => ({ dispose: () => {} }) };

const numbersIn = (text: string) => [...text.matchAll(/line (\d{6})/g)].map((m) => Number(m[1]));
const lastLine = (text: string) => numbersIn(text).at(-1) ?? 0;

/** Lines missing from a transcript of numbered lines: the numbers below the last one never recorded. */
function missingLines(text: string): number {
  return lastLine(text) - new Set(numbersIn(text)).size;
}

/** Re-attach after a restart, and the same attach in the core that started the sessions (ms). */
async function reattachMs(work: string): Promise<{ restarted: number; running: number }> {
  const { dataDir } = await prepare(work, SESSIONS, QUIET_AGENT);
  const first = processCore(dataDir);
  await first.ready;
  const ids: string[] = [];
  for (const task of first.tasks.list(first.projects.list()[0]!.id)) ids.push((await first.sessions.start(task.id)).id);
  let start = performance.now();
  await Promise.all(ids.map((id) => first.sessions.attach(id, pane)));
  const running = performance.now() - start;
  first.setQuitChoice('keep');
  await first.dispose();
  start = performance.now();
  const second = processCore(dataDir);
  try {
    await second.ready;
    await Promise.all(ids.map((id) => second.sessions.attach(id, pane)));
    return { restarted: performance.now() - start, running };
  } finally {
    second.setQuitChoice('stop');
    await second.dispose();
  }
}

/** Lines missing from the transcripts after a SIGKILL of the core, and the lines printed. */
async function linesLostAcrossCoreKill(work: string): Promise<{ lost: number; printed: number }> {
  const { dataDir, repo } = await prepare(work, KILLED_AGENTS);
  const child = spawn(process.execPath, ['--import', 'tsx', CORE_PROCESS, dataDir, repo], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const started = await new Promise<{ sessions: { id: string }[] }>((resolve) =>
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as { sessions: { id: string }[] })),
  );
  child.kill('SIGKILL');
  await new Promise((resolve) => setTimeout(resolve, ORPHANED_MS));
  const core = processCore(dataDir);
  try {
    await core.ready;
    for (const { id } of started.sessions) await core.sessions.stop(id);
    let lost = 0;
    let printed = 0;
    for (const { id } of started.sessions) {
      const text = await core.transcript.raw(id);
      lost += missingLines(text);
      printed += lastLine(text);
    }
    return { lost, printed };
  } finally {
    core.setQuitChoice('stop');
    await core.dispose();
    await stopHost(dataDir, { all: true });
  }
}

const suite: Suite = {
  name: 'session-host',
  async run() {
    const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-host-'));
    try {
      const reattach = await reattachMs(join(work, 'reattach'));
      const lost = await linesLostAcrossCoreKill(join(work, 'kill'));
      return [
        {
          name: `session host: re-attach of ${SESSIONS} live sessions after a restart of the core`,
          value: Number(reattach.restarted.toFixed(0)),
          unit: 'ms',
          baseline: 'the same attach in the running core',
          baselineValue: Number(reattach.running.toFixed(0)),
          better: 'lower',
          target: '< 1000 ms',
        },
        {
          name: `session host: lines lost across a SIGKILL of the core (${KILLED_AGENTS} agents)`,
          value: lost.lost,
          unit: 'lines',
          baseline: 'lines printed',
          baselineValue: lost.printed,
          better: 'lower',
          target: '0',
        },
      ];
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default suite;
