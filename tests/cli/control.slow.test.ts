import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { remoteAccess } from '../../electron/cli/coreAccess';
import { hostPaths } from '../../electron/core/sessions/hostSupervisor';
import { connectControl, CONTROL_SECRET_FILE, controlSocketPath } from '../../electron/server/controlSocket';
import { TOKEN_FILE } from '../../electron/server/tokenStore';
import { cli, cliJson, runCli, serveCli, stopServe } from '../helpers/cli';
import { makeRepo } from '../helpers/gitRepo';
import { isRunning } from '../helpers/processes';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

/** Each test spawns several CLI processes, each a Node start and, without a serve, a core of its own. */
const CLI_TEST_TIMEOUT_MS = 120_000;

/** `switchyard serve` on a free port; resolves with its process and the token in the address it printed. */

/** A task whose agent is a shell command: what it prints and how it ends are real. */
const sh = (script: string) => ({ agentKind: 'custom' as const, agentOptions: { command: ['/bin/sh', '-c', script], promptDelivery: 'none' } });
const commit = (file: string) =>
  sh(`echo ${file} > ${file} && git add ${file} && git -c user.name=agent -c user.email=agent@example.com commit -qm ${file}`);

/** One CLI call to its end without blocking this process (a serve's output still flows meanwhile). */
function runAsync(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const mode = (path: string) => statSync(path).mode & 0o777;
/** The parent of a process, from /proc. */
const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);

/** Session host processes of the data folder, found by their command line. */
function hostProcessesOf(dataDir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv.includes(dataDir) && argv.some((arg) => /sessionHost\.js$|hostMain\.ts$/.test(arg))) found.push(Number(entry));
    } catch {
      // Ended while we looked.
    }
  }
  return found;
}

interface SessionRow {
  taskId: string;
  taskKey: string | null;
  pid: number | null;
  state: string;
  endedAt: number | null;
}

describe('the kept browser token', () => {
  it('is the same after a restart of serve, changes with --new-token, and only the user can read it', async () => {
    const dataDir = tempDir('switchyard-data-');
    const first = await serveCli(dataDir);
    await stopServe(first.child);
    const second = await serveCli(dataDir);
    expect(second.token).toBe(first.token);
    expect(mode(join(dataDir, TOKEN_FILE))).toBe(0o600);
    expect(readFileSync(join(dataDir, TOKEN_FILE), 'utf8').trim()).toBe(first.token);
    await stopServe(second.child);

    const rotated = await serveCli(dataDir, ['--new-token']);
    expect(rotated.token).not.toBe(first.token);
    await stopServe(rotated.child);
    // The rotated token is the one kept from then on.
    const after = await serveCli(dataDir);
    expect(after.token).toBe(rotated.token);
    expect(mode(join(dataDir, TOKEN_FILE))).toBe(0o600);
  });
});

describe('the control socket', () => {
  it('with a serve running, the task verbs go through it: the agent runs in the served core, and stops there', async () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    const { child } = await serveCli(dataDir);
    expect(mode(controlSocketPath(dataDir))).toBe(0o600);
    expect(mode(join(dataDir, CONTROL_SECRET_FILE))).toBe(0o600);

    // --project is left out: the current folder's repository is the project (added by this first task).
    const task = cliJson<{ id: string; projectId: string }>(['tasks', 'add', '--title', 'Counter', '--command', 'echo served-line; sleep 60', '--data-dir', dataDir], repo);
    const session = cliJson<{ id: string; pid: number }>(['tasks', 'start', task.id, '--data-dir', dataDir], repo);
    // The command returned while the agent runs on: the served core holds it, not this command.
    expect(isRunning(session.pid)).toBe(true);
    const sessions = cliJson<SessionRow[]>(['sessions', '--data-dir', dataDir], repo);
    expect(sessions).toEqual([{ taskId: task.id, taskKey: null, pid: session.pid, state: expect.any(String) as string, endedAt: null }]);
    await waitFor('the agent to print', () => runCli(['transcript', task.id, '--plain', '--data-dir', dataDir], repo).stdout.includes('served-line'));

    // A command that opened a core of its own could not have: the serve holds the data folder's control socket.
    const second = runCli(['serve', '--port', '0', '--data-dir', dataDir]);
    expect(second.status).toBe(6);
    expect(second.stderr).toContain(`pid ${child.pid}, serve`);

    const stopped = cliJson<{ endedAt: number | null }>(['tasks', 'stop', task.id, '--data-dir', dataDir], repo);
    expect(stopped.endedAt).not.toBeNull();
    await waitFor('the agent to end', () => !isRunning(session.pid));
    const after = cliJson<SessionRow[]>(['sessions', '--data-dir', dataDir], repo);
    expect(after[0]).toMatchObject({ taskId: task.id, pid: session.pid, state: 'exited' });
    expect(after[0]!.endedAt).toEqual(expect.any(Number));
  }, CLI_TEST_TIMEOUT_MS);

  it('without a serve, the same verbs run a core of their own', () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    const sub = join(repo, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    // From a subfolder: the project is the repository's root.
    const task = cliJson<{ id: string; projectId: string }>(['tasks', 'add', '--title', 'Once', '--command', 'echo own-core-line', '--data-dir', dataDir], sub);
    const listed = cliJson<{ id: string }[]>(['tasks', '--project', repo, '--data-dir', dataDir]);
    expect(listed.map((t) => t.id)).toEqual([task.id]);

    // No core runs: start waits with its own core until the agent has ended.
    const started = runCli(['tasks', 'start', task.id, '--data-dir', dataDir], repo);
    expect(started.status, started.stderr).toBe(0);
    expect(started.stderr).toContain('runs with this command until it ends');
    const sessions = cliJson<SessionRow[]>(['sessions', '--data-dir', dataDir], repo);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ taskId: task.id, state: 'exited' });
    expect(sessions[0]!.endedAt).toEqual(expect.any(Number));
    expect(runCli(['transcript', task.id, '--plain', '--data-dir', dataDir], repo).stdout).toContain('own-core-line');

    // Stopping an agent that is not running says so.
    const stop = runCli(['tasks', 'stop', task.id, '--data-dir', dataDir], repo);
    expect(stop.status).toBe(8);
    expect(stop.stderr).toMatch(/SESSION_NOT_RUNNING: .*has no running agent/);
    // Attach needs a running core, and says how to get one.
    const attach = runCli(['attach', task.id, '--data-dir', dataDir], repo);
    expect(attach.status).toBe(5);
    expect(attach.stderr).toContain('switchyard serve');
  }, CLI_TEST_TIMEOUT_MS);

  it('a bad TASK, a folder that is no project, and --agent with --command are refused in one line with their exit codes', () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    cliJson(['tasks', 'add', '--title', 'Real', '--command', 'true', '--data-dir', dataDir], repo);
    for (const verb of [['tasks', 'start'], ['tasks', 'stop'], ['transcript']]) {
      const result = runCli([...verb, 'NO-SUCH', '--data-dir', dataDir], repo);
      expect(result.status, verb.join(' ')).toBe(4);
      expect(result.stderr.trim().split('\n')).toEqual([`switchyard: NOT_FOUND: no task with the key or id "NO-SUCH" in ${realpathSync(repo).split('/').at(-1)} (${realpathSync(repo)})`]);
    }
    const stranger = runCli(['sessions', '--project', makeRepo(), '--data-dir', dataDir]);
    expect(stranger.status).toBe(4);
    expect(stranger.stderr).toMatch(/is not a Switchyard project/);
    const mixed = runCli(['tasks', 'add', '--title', 'x', '--agent', 'codex', '--command', 'true', '--data-dir', dataDir], repo);
    expect(mixed.status).toBe(1);
    expect(mixed.stderr).toMatch(/BAD_INPUT: --command runs a custom command/);
  }, CLI_TEST_TIMEOUT_MS);

  it('refuses a connection without the secret, or with a wrong one, before any call', async () => {
    const dataDir = tempDir('switchyard-data-');
    await serveCli(dataDir);
    const exchange = (first: unknown) =>
      new Promise<string>((resolve, reject) => {
        const socket = createConnection(controlSocketPath(dataDir));
        let text = '';
        socket.on('data', (d: Buffer) => (text += d.toString()));
        socket.on('error', reject);
        socket.on('close', () => resolve(text));
        socket.on('connect', () => socket.write(`${JSON.stringify(first)}\n`));
      });
    // Tried: a hello with a wrong secret; a call sent straight away; a hello of another version with no secret.
    expect(JSON.parse(await exchange({ version: 1, secret: 'guessed' }))).toEqual({ ok: false, code: 'UNAUTHORIZED', message: 'wrong control secret' });
    expect(JSON.parse(await exchange({ kind: 'call', id: 1, method: 'projects.list', input: {} }))).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
    expect(JSON.parse(await exchange({ version: 99 }))).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
    // The right secret of another version is told the versions.
    const secret = readFileSync(join(dataDir, CONTROL_SECRET_FILE), 'utf8').trim();
    expect(JSON.parse(await exchange({ version: 99, secret }))).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('daemon status names the session host that runs the served agents, and daemon stop --all ends them', async () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    // Tried first with nothing running: null, exit 1.
    const none = runCli(['daemon', 'status', '--json', '--data-dir', dataDir]);
    expect(none.status).toBe(1);
    expect(JSON.parse(none.stdout)).toBeNull();
    await serveCli(dataDir);
    const task = cliJson<{ id: string }>(['tasks', 'add', '--title', 'Long', '--command', 'sleep 120', '--data-dir', dataDir], repo);
    const session = cliJson<{ pid: number }>(['tasks', 'start', task.id, '--data-dir', dataDir], repo);
    const status = cliJson<{ pid: number; running: number }>(['daemon', 'status', '--data-dir', dataDir]);
    expect(status.running).toBe(1);
    expect(parentOf(session.pid)).toBe(status.pid);
    const stopped = cliJson<{ pid: number }>(['daemon', 'stop', '--all', '--data-dir', dataDir]);
    expect(stopped.pid).toBe(status.pid);
    await waitFor('the agent and its host to end', () => !isRunning(session.pid) && !isRunning(status.pid));
  }, CLI_TEST_TIMEOUT_MS);

  it('switchyard run beside a running serve goes on in it: the same lines and exit code as a run on its own core, and the serve goes on', async () => {
    // Tried: the same project (a task that commits, one that fails, one that needs the failed one) run once
    // with a serve running for its data folder and once with none.
    const setUp = async () => {
      const dataDir = tempDir('switchyard-data-');
      const repo = makeRepo();
      const core = createCore({ dataDir, mode: 'browser', log: memoryLogger() });
      try {
        const project = await core.projects.add(repo);
        core.settings.set('scheduler.retries', 0, 'project', project.id);
        core.tasks.create({ projectId: project.id, title: 'First', ...commit('a.txt') });
        const broken = core.tasks.create({ projectId: project.id, title: 'Broken', ...sh('exit 4') });
        const after = core.tasks.create({ projectId: project.id, title: 'After broken', ...commit('c.txt') });
        core.taskGraph.add({ taskId: after.id, dependsOnId: broken.id });
      } finally {
        await core.dispose();
      }
      return { dataDir, repo };
    };
    const own = await setUp();
    const beside = await setUp();
    const { child } = await serveCli(beside.dataDir);
    // An agent of another project that the serve runs: the run leaves it alone.
    const other = makeRepo();
    const served = cliJson<{ id: string }>(['tasks', 'add', '--title', 'Served', '--command', 'sleep 120', '--data-dir', beside.dataDir], other);
    const session = cliJson<{ pid: number }>(['tasks', 'start', served.id, '--data-dir', beside.dataDir], other);

    const followed = await runAsync(['run', '--max', '1', '--data-dir', beside.dataDir], beside.repo);
    const alone = await runAsync(['run', '--max', '1', '--data-dir', own.dataDir], own.repo);
    expect(followed.code, followed.stderr).toBe(1);
    expect(alone.code, alone.stderr).toBe(1);
    // The same report, line for line, once the times and the folders are left out.
    const report = (stdout: string, repo: string) => stdout.replaceAll(realpathSync(repo), 'REPO').replaceAll(basename(repo), 'NAME').replace(/^\[\d\d:\d\d:\d\d\] /gm, '').trim().split('\n');
    expect(report(followed.stdout, beside.repo)).toEqual(report(alone.stdout, own.repo));
    expect(report(followed.stdout, beside.repo).at(-1)).toBe(
      'the run is over: 1 of 3 reached review; 0 done, 1 to review, 1 failed, 1 blocked, 0 need input, 0 running, 1 not started',
    );
    expect(followed.stderr.trim().split('\n')).toEqual([
      `the run goes on in the Switchyard running for this data folder (pid ${child.pid}); stopping this command ends the run, not it`,
    ]);
    // The run went on in the serve, which goes on: its other agent runs, and it answers with what the run did.
    expect(child.exitCode).toBeNull();
    expect(isRunning(session.pid)).toBe(true);
    const rows = cliJson<{ title: string; status: string }[]>(['tasks', '--data-dir', beside.dataDir], beside.repo);
    expect(rows.map((r) => [r.title, r.status])).toEqual([
      ['First', 'review'],
      ['Broken', 'failed'],
      ['After broken', 'backlog'],
    ]);
  }, CLI_TEST_TIMEOUT_MS);

  it('Ctrl-C of a run that goes on in a serve stops the agents the run started, prints the summary, exits 130, and the serve goes on', async () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    const { child } = await serveCli(dataDir);
    const task = cliJson<{ id: string }>(['tasks', 'add', '--title', 'Long', '--command', 'sleep 120', '--data-dir', dataDir], repo);
    // Tried: Ctrl-C while the run's agent works.
    const run = spawn(process.execPath, [cli, 'run', '--data-dir', dataDir], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    run.stdout.on('data', (d: Buffer) => (out += d.toString()));
    run.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => run.on('exit', (code) => resolve(code)));
    try {
      await waitFor('the run to start its agent', () => /Long → running/.test(out), { timeoutMs: 60_000, explain: () => out });
      const [live] = cliJson<SessionRow[]>(['sessions', '--data-dir', dataDir], repo);
      expect(live).toMatchObject({ taskId: task.id, endedAt: null });
      run.kill('SIGINT');
      expect(await exited, out).toBe(130);
      expect(out).toMatch(/^the run was stopped: 0 of 1 reached review; 0 done, 0 to review, 0 failed, 0 blocked, 0 need input, 1 running, 0 not started$/m);
      // Its agent was stopped with the run; its task is back in Ready, and the serve still answers.
      expect(isRunning(live!.pid!)).toBe(false);
      expect(child.exitCode).toBeNull();
      expect(cliJson<{ status: string }[]>(['tasks', '--data-dir', dataDir], repo).map((r) => r.status)).toEqual(['ready']);
      expect(cliJson<SessionRow[]>(['sessions', '--data-dir', dataDir], repo)[0]).toMatchObject({ state: 'exited', endedAt: expect.any(Number) as number });
    } finally {
      run.kill('SIGKILL');
    }
  }, CLI_TEST_TIMEOUT_MS);

  it('a run that goes on in a serve ends when its command is killed: the serve stops the agents it started, and goes on', async () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    const { child } = await serveCli(dataDir);
    cliJson(['tasks', 'add', '--title', 'Long', '--command', 'sleep 120', '--data-dir', dataDir], repo);
    const run = spawn(process.execPath, [cli, 'run', '--data-dir', dataDir], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    run.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor('the run to start its agent', () => /Long → running/.test(out), { timeoutMs: 60_000, explain: () => out });
    const [live] = cliJson<SessionRow[]>(['sessions', '--data-dir', dataDir], repo);
    // Tried: SIGKILL, which leaves the command no time to say anything: its socket closes.
    run.kill('SIGKILL');
    await waitFor('the serve to stop the agent of the run', () => !isRunning(live!.pid!), { timeoutMs: 30_000 });
    expect(child.exitCode).toBeNull();
    expect(cliJson<{ status: string }[]>(['tasks', '--data-dir', dataDir], repo).map((r) => r.status)).toEqual(['ready']);
  }, CLI_TEST_TIMEOUT_MS);

  it('refuses a run asked for over the control socket with bad values or a folder that is no project, with BAD_INPUT saying what', async () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    await serveCli(dataDir);
    cliJson(['tasks', 'add', '--title', 'Real', '--command', 'true', '--data-dir', dataDir], repo);
    const access = remoteAccess((await connectControl(dataDir))!);
    try {
      // Tried: an unknown answer mode, no --until, a --max of 0, and a repository that is no project.
      await expect(access.call('run.start', { project: repo, approve: 'maybe', until: 'review' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/^run\.start: approve: /) as string });
      await expect(access.call('run.start', { project: repo, approve: 'all' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('until') as string });
      await expect(access.call('run.start', { project: repo, approve: 'all', until: 'review', maxConcurrent: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('maxConcurrent') as string });
      const stranger = makeRepo();
      await expect(access.call('run.start', { project: stranger, approve: 'all', until: 'review' })).rejects.toMatchObject({ code: 'BAD_INPUT', message: `${stranger} is not a project: import a plan into it first (switchyard import-plan)` });
    } finally {
      await access.close();
    }
    // The same refusal from the command: one line, exit 1.
    const refused = runCli(['run', '--project', makeRepo(), '--data-dir', dataDir], repo);
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^switchyard: BAD_INPUT: .* is not a project: import a plan into it first/);
  }, CLI_TEST_TIMEOUT_MS);

  it('switchyard run beside another run of the same data folder is refused in one line with exit code 6', async () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    cliJson(['tasks', 'add', '--title', 'Long', '--command', 'sleep 120', '--data-dir', dataDir], repo);
    const first = spawn(process.execPath, [cli, 'run', '--data-dir', dataDir], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    first.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((resolve) => first.on('exit', resolve));
    try {
      await waitFor('the first run to start its agent', () => /Long → running/.test(out), { timeoutMs: 60_000, explain: () => out });
      // Tried: a second run while the first one's own core owns the data folder (it ends with that run).
      const refused = await runAsync(['run', '--data-dir', dataDir], repo);
      expect(refused.code).toBe(6);
      expect(refused.stdout).toBe('');
      expect(refused.stderr.trim().split('\n')).toEqual([
        `switchyard: CONFLICT: Switchyard already runs for the data folder ${dataDir} (pid ${first.pid}, run): stop it first, or pass another --data-dir`,
      ]);
      expect(first.exitCode).toBeNull();
    } finally {
      first.kill('SIGINT');
      await exited;
    }
  }, CLI_TEST_TIMEOUT_MS);

  it('short-lived commands that start no agent leave no session host behind', async () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    const plan = join(tempDir('switchyard-plan-'), 'plan.md');
    writeFileSync(plan, '# Plan\n\n## Phase 1: Notes\n\n### 1.1 A note\n**Assignee:** Claude Code\n\n```\nWrite a note\n```\n');
    const noHost = (after: string) => {
      expect(existsSync(hostPaths(dataDir).socket), `a host socket after ${after}`).toBe(false);
      expect(hostProcessesOf(dataDir), `a host process after ${after}`).toEqual([]);
    };
    // The plan goes into a project of its own: its task is ready, and the run below must find none that is.
    const planned = makeRepo();
    for (const args of [
      ['import-plan', plan, '--project', planned],
      ['tasks', '--project', planned],
      ['tasks', 'add', '--title', 'Quick', '--command', 'true', '--project', repo],
      ['sessions', '--project', repo],
      ['daemon', 'status'],
    ]) {
      runCli([...args, '--data-dir', dataDir], repo);
      noHost(args.slice(0, 2).join(' '));
    }
    // Its agent run by a core of the command's own, the quick task is in review: a run has nothing to start, and ends with no host either.
    const [quick] = cliJson<{ id: string }[]>(['tasks', '--project', repo, '--data-dir', dataDir]);
    expect(runCli(['tasks', 'start', quick!.id, '--data-dir', dataDir], repo).status).toBe(0);
    noHost('tasks start (a core of its own)');
    const headless = runCli(['run', '--until', 'review', '--data-dir', dataDir], repo);
    expect(headless.status, headless.stderr).toBe(0);
    expect(headless.stdout).toContain('1 of 1 reached review');
    noHost('run');
    // Nor does a serve asked for a transcript written before it started.
    const served = await serveCli(dataDir);
    expect(runCli(['transcript', quick!.id, '--data-dir', dataDir], repo).status).toBe(0);
    noHost('transcript through serve');
    await stopServe(served.child);
  }, CLI_TEST_TIMEOUT_MS);
});
