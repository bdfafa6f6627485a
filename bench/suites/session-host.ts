// The session host process across restarts of the core: how long a new core takes to take back 20
// live sessions (agents waiting at their prompt) with their screens, how many output lines a SIGKILL of the core loses (the
// host writes the transcript, so none should be), how many a SIGKILL of the host loses (what it had
// not written yet: at most one batch), and what the host's socket adds to a keystroke's echo.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { createCore, type Core } from '../../electron/core/app';
import type { ClientContext } from '../../electron/core/clientContext';
import { memoryLogger } from '../../electron/core/log';
import { hostStatus, stopHost } from '../../electron/core/sessions/hostSupervisor';
import { TRANSCRIPT_FLUSH_MS } from '../../electron/core/sessions/transcriptStore';
import type { TaskCommand } from '../../tests/fixtures/commandTasks';
import { runLoad, type AgentResult } from '../../tests/fixtures/loadRun';
import { waitFor } from '../../tests/helpers/waitFor';
import type { EventPayload } from '../../shared/contract';
import { commandTaskFolder } from '../commandFolder';
import { median, type Measurement, type Suite } from '../harness';
import { coreEchoRows, paneEchoRows } from '../hostEcho';

/** Live sessions taken back in the re-attach row, as the issue states. */
const SESSIONS = 20;
/** Agents killed with their core in the loss row. */
const KILLED_AGENTS = 3;
/** How long the agents print before their host is killed (ms). */
const BEFORE_HOST_KILL_MS = 2_000;
/** How long the agents print with no core before one starts again (ms). */
const ORPHANED_MS = 1_000;
/** Agents of the load run, and how long it lasts (ms), as the issue states. */
const LOAD_AGENTS = 30;
const LOAD_MS = 60_000;
/** How long each agent of the load run works between two questions (ms). */
const LOAD_QUESTION_EVERY_MS = 3_000;
/** Megabytes of coloured lines the flood row prints as fast as the pty takes them. */
const FLOOD_MB = 32;
/** Flood runs on each path, taken in turns; the row is their median. */
const FLOOD_RUNS = 3;
/** What the flood program prints once it printed FLOOD_MB. */
const FLOOD_DONE = 'FLOOD-DONE';
/** Waits for a line typed, then floods and says so at the end, then waits (its session stays for the pane). */
const FLOOD_PROGRAM = [
  process.execPath,
  '-e',
  `
const line = (i) => '\\x1b[3' + (i % 8) + 'mflood line ' + i + ' ' + 'x'.repeat(80) + '\\x1b[0m\\r\\n';
const total = ${FLOOD_MB} * 1024 * 1024;
let i = 0, written = 0;
process.stdin.once('data', function write() {
  while (written < total) { const s = line(i++).repeat(64); written += s.length; if (!process.stdout.write(s)) return process.stdout.once('drain', write); }
  process.stdout.write('${FLOOD_DONE}\\r\\n');
  setInterval(() => {}, 60_000);
});
`,
];

const root = join(import.meta.dirname, '..', '..');
const NUMBERED_LINES = join(root, 'tests', 'fixtures', 'numbered-lines.mjs');
const CORE_PROCESS = join(root, 'tests', 'fixtures', 'core-process.ts');

/** An agent that fills its screen once and then waits at its prompt, as most agents do most of the time. */
const QUIET_AGENT = ['/bin/sh', '-c', 'i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo "line $i of a quiet agent"; done; exec sleep 600'];

/** A data folder whose project has `count` ready tasks running `command` (numbered lines without end by default). */
const prepare = (work: string, count: number, command: TaskCommand = [process.execPath, NUMBERED_LINES]) => commandTaskFolder(work, count, command);

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

/**
 * Lines of the worst agent missing from its transcript after a SIGKILL of its host (each agent
 * notes the last line it handed its terminal), against what an agent prints in one transcript
 * batch's interval.
 */
async function linesLostAcrossHostKill(work: string): Promise<{ lost: number; oneBatch: number; gaps: number }> {
  const printed = join(work, 'printed');
  mkdirSync(printed, { recursive: true });
  const { dataDir } = await prepare(work, KILLED_AGENTS, (i) => [process.execPath, NUMBERED_LINES, join(printed, String(i))]);
  const core = processCore(dataDir);
  try {
    await core.ready;
    const tasks = core.tasks.list(core.projects.list()[0]!.id);
    const sessions = await Promise.all(tasks.map(async (task) => ({ task, session: await core.sessions.start(task.id) })));
    await new Promise((resolve) => setTimeout(resolve, BEFORE_HOST_KILL_MS));
    const host = await hostStatus(dataDir);
    if (!host) throw new Error('no session host runs for the agents');
    process.kill(host.pid, 'SIGKILL');
    await waitFor('the sessions told their host ended', () => sessions.every(({ session }) => core.sessions.get(session.id).endedAt !== null), 30_000);
    let lost = 0;
    let gaps = 0;
    let linesPerMs = 0;
    for (const { task, session } of sessions) {
      const text = await core.transcript.raw(session.id);
      const [handed, printingMs] = readFileSync(join(printed, task.title.split(' ').at(-1)!), 'utf8').trim().split(/ +/).map(Number) as [number, number];
      lost = Math.max(lost, handed - lastLine(text));
      gaps += missingLines(text);
      linesPerMs += handed / printingMs / KILLED_AGENTS;
    }
    return { lost, oneBatch: linesPerMs * TRANSCRIPT_FLUSH_MS, gaps };
  } finally {
    core.setQuitChoice('stop');
    await core.dispose();
    await stopHost(dataDir, { all: true });
  }
}

/**
 * A flood through a core's sessions to a pane that acknowledges each batch as it comes (as a pane
 * that keeps up does), from the key that starts it to the marker at its end (MB/s).
 */
async function floodMbPerSecond(work: string, sessionHost: 'process' | 'in-process'): Promise<number> {
  const { dataDir } = await prepare(work, 1, FLOOD_PROGRAM);
  const core = createCore({ dataDir, mode: 'browser', sessionHost, log: memoryLogger() });
  try {
    await core.ready;
    const session = await core.sessions.start(core.tasks.list(core.projects.list()[0]!.id)[0]!.id);
    let tail = '';
    let done = () => {};
    const finished = new Promise<void>((resolve) => (done = resolve));
    const client: ClientContext = {
      clientId: 'flood-pane',
      send: (event, payload) => {
        if (event !== 'terminal.data') return;
        const { data } = payload as EventPayload<'terminal.data'>;
        void core.sessions.ack(session.id, client, data.length);
        tail = (tail + data).slice(-(FLOOD_DONE.length + data.length));
        if (tail.includes(FLOOD_DONE)) done();
      },
      onClose: () => ({ dispose: () => {} }),
    };
    await core.sessions.attach(session.id, client);
    const start = performance.now();
    await core.sessions.input(session.id, '\r');
    await finished;
    return FLOOD_MB / ((performance.now() - start) / 1000);
  } finally {
    core.setQuitChoice('stop');
    await core.dispose();
    await stopHost(dataDir, { all: true });
  }
}

async function floodRows(work: string): Promise<Measurement[]> {
  const hostProcess: number[] = [];
  const inProcess: number[] = [];
  for (let run = 0; run < FLOOD_RUNS; run++) {
    inProcess.push(await floodMbPerSecond(join(work, `in-process-${run}`), 'in-process'));
    hostProcess.push(await floodMbPerSecond(join(work, `process-${run}`), 'process'));
  }
  return [
    {
      name: `flood of ${FLOOD_MB} MB to a pane that keeps up, through the session host process (median of ${FLOOD_RUNS})`,
      value: Number(median(hostProcess).toFixed(1)),
      unit: 'MB/s',
      baseline: 'the session host in the core\'s process',
      baselineValue: Number(median(inProcess).toFixed(1)),
      better: 'higher',
    },
  ];
}

/** 30 agents printing mixed output and asking questions for a minute: loss, questions, memory, descriptors. */
async function loadRows(work: string): Promise<Measurement[]> {
  const dataDir = join(work, 'data');
  const repo = join(work, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  execFileSync('git', ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.com', 'commit', '-q', '--allow-empty', '-m', 'initial'], { cwd: repo });
  try {
    const result = await runLoad({ dataDir, repo, agents: LOAD_AGENTS, durationMs: LOAD_MS, questionEveryMs: LOAD_QUESTION_EVERY_MS });
    const sum = (pick: (a: AgentResult) => number) => result.agents.reduce((total, agent) => total + pick(agent), 0);
    const what = `${LOAD_AGENTS} agents for ${LOAD_MS / 1000} s`;
    const mb = (n: number) => Number(n.toFixed(1));
    return [
      {
        name: `load (${what}): agents that did not end when told to (a question never surfaced, or stuck)`,
        value: sum((a) => (a.ended ? 0 : 1)),
        unit: 'agents',
        baseline: 'agents',
        baselineValue: result.agents.length,
        better: 'lower',
        target: '0',
      },
      {
        name: `load (${what}): transcript lines lost or damaged`,
        value: sum((a) => a.missing + a.damaged),
        unit: 'lines',
        baseline: 'lines printed',
        baselineValue: sum((a) => a.printed ?? 0),
        better: 'lower',
        target: '0',
      },
      {
        name: `load (${what}): questions not surfaced`,
        value: sum((a) => Math.max(0, a.asked - a.surfaced)),
        unit: 'questions',
        baseline: 'questions asked',
        baselineValue: sum((a) => a.asked),
        better: 'lower',
        target: '0',
      },
      {
        name: `load (${what}): session host memory at the end`,
        value: mb(result.last.hostRssMb),
        unit: 'MB',
        baseline: 'at a fifth of the run',
        baselineValue: mb(result.warm.hostRssMb),
        better: 'lower',
        target: 'bounded (≈ 1×)',
      },
      {
        name: `load (${what}): core memory at the end`,
        value: mb(result.last.coreRssMb),
        unit: 'MB',
        baseline: 'at a fifth of the run',
        baselineValue: mb(result.warm.coreRssMb),
        better: 'lower',
        target: 'bounded (≈ 1×)',
      },
      {
        name: `load (${what}): open descriptors of the session host at the end`,
        value: result.last.hostFds,
        unit: 'fds',
        baseline: 'at a fifth of the run',
        baselineValue: result.warm.hostFds,
        better: 'lower',
        target: 'flat (1×)',
      },
      {
        name: `load (${what}): open descriptors of the core at the end`,
        value: result.last.coreFds,
        unit: 'fds',
        baseline: 'at a fifth of the run',
        baselineValue: result.warm.coreFds,
        better: 'lower',
        target: 'flat (1×)',
      },
    ];
  } finally {
    await stopHost(dataDir, { all: true });
  }
}

/**
 * The parts of the suite, each a group of rows: `SWITCHYARD_BENCH_SESSION_HOST=echo,load` runs only
 * those (a comma-separated list); unset, every part runs.
 */
const PARTS = ['echo', 'pane', 'flood', 'load', 'reattach', 'kill'] as const;
type Part = (typeof PARTS)[number];

function wantedParts(): ReadonlySet<Part> {
  const list = process.env.SWITCHYARD_BENCH_SESSION_HOST;
  if (!list) return new Set(PARTS);
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(PARTS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`SWITCHYARD_BENCH_SESSION_HOST: no part named ${unknown.join(', ')}; parts: ${PARTS.join(', ')}`);
  return new Set(names as Part[]);
}

async function reattachRows(work: string): Promise<Measurement[]> {
  const reattach = await reattachMs(work);
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
  ];
}

async function killRows(work: string): Promise<Measurement[]> {
  const lost = await linesLostAcrossCoreKill(join(work, 'core'));
  const hostKill = await linesLostAcrossHostKill(join(work, 'host'));
  if (hostKill.gaps > 0) throw new Error(`a SIGKILL of the host left ${hostKill.gaps} lines missing inside the transcripts, not only at their ends`);
  return [
    {
      name: `session host: lines lost across a SIGKILL of the core (${KILLED_AGENTS} agents)`,
      value: lost.lost,
      unit: 'lines',
      baseline: 'lines printed',
      baselineValue: lost.printed,
      better: 'lower',
      target: '0',
    },
    {
      name: `session host: lines lost across a SIGKILL of the host, the worst of ${KILLED_AGENTS} agents`,
      value: hostKill.lost,
      unit: 'lines',
      baseline: `lines an agent prints in one transcript batch (${TRANSCRIPT_FLUSH_MS} ms)`,
      baselineValue: Number(hostKill.oneBatch.toFixed(0)),
      better: 'lower',
      target: '≤ one batch (1×)',
    },
  ];
}

const suite: Suite = {
  name: 'session-host',
  async run() {
    const parts = wantedParts();
    const work = mkdtempSync(join(tmpdir(), 'switchyard-bench-host-'));
    try {
      return [
        ...(parts.has('echo') ? await coreEchoRows(join(work, 'echo')) : []),
        ...(parts.has('pane') ? await paneEchoRows(join(work, 'pane')) : []),
        ...(parts.has('flood') ? await floodRows(join(work, 'flood')) : []),
        ...(parts.has('load') ? await loadRows(join(work, 'load')) : []),
        ...(parts.has('reattach') ? await reattachRows(join(work, 'reattach')) : []),
        ...(parts.has('kill') ? await killRows(join(work, 'kill')) : []),
      ];
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default suite;
