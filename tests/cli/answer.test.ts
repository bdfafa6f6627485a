import { describe, expect, it } from 'vitest';
import { cliJson, runCli, serveCli } from '../helpers/cli';
import { installFakeClaude } from '../helpers/fakeClaude';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

/** Each CLI call is a Node start, on a loaded 2-core machine; the fake agent's turn is a few of them. */
const CLI_TEST_TIMEOUT_MS = 240_000;
const TURN_MS = 60_000;

interface SessionRow {
  taskId: string;
  state: string;
}

interface Answered {
  taskId: string;
  sessionId: string;
  question: string;
  answer: unknown;
  delivery: string;
}

describe('switchyard answer', () => {
  it('answers a waiting agent of a running serve over its control socket, through the hook, and says when nothing waits', async () => {
    installFakeClaude(200);
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    await serveCli(dataDir);
    const task = cliJson<{ id: string }>(['tasks', 'add', '--title', 'Note', '--agent', 'claude-code', '--prompt', 'add a note', '--data-dir', dataDir], repo);

    // Before it runs: no agent to answer.
    const early = runCli(['answer', task.id, '--allow', '--data-dir', dataDir], repo);
    expect(early.status, early.stderr).toBe(8);
    expect(early.stderr.trim()).toBe('switchyard: SESSION_NOT_RUNNING: Note has no running agent: there is no question to answer');

    cliJson(['tasks', 'start', task.id, '--data-dir', dataDir], repo);
    const waiting = () => cliJson<SessionRow[]>(['sessions', '--data-dir', dataDir], repo)[0]?.state === 'needs_input';
    await waitFor('the first question', waiting, TURN_MS);
    const first = cliJson<Answered>(['answer', task.id, '--allow', '--data-dir', dataDir], repo);
    expect(first).toMatchObject({ taskId: task.id, answer: { kind: 'allow' }, delivery: 'hook' });
    expect(first.question).toMatch(/^Allow Edit ".*fake-agent-notes\.md"\?$/);

    await waitFor('the second question', waiting, TURN_MS);
    const second = runCli(['answer', task.id, '--choice', '1', '--data-dir', dataDir], repo);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout.trim()).toBe('Note: Allow Bash "git add fake-agent-notes.md && git commit -m "Note: add a note""? → choice 1 (through its permission hook)');

    await waitFor('the task in review', () => cliJson<{ status: string }[]>(['tasks', '--data-dir', dataDir], repo)[0]?.status === 'review', TURN_MS);
    // The agent committed on its branch, with no key typed.
    expect(gitIn(repo, ['log', '--all', '--format=%s'])).toContain('Note: add a note');

    // Its agent is at its prompt now: nothing to answer.
    const late = runCli(['answer', task.id, '--deny', '--data-dir', dataDir], repo);
    expect(late.status, late.stderr).toBe(9);
    expect(late.stderr.trim()).toBe('switchyard: NOT_WAITING: Note is not waiting for an answer: its agent is working');
  }, CLI_TEST_TIMEOUT_MS);

  it('refuses no answer, two answers, a bad choice and an unknown task, each with its exit code', () => {
    const dataDir = tempDir('switchyard-data-');
    const repo = makeRepo();
    const task = cliJson<{ id: string }>(['tasks', 'add', '--title', 'Quiet', '--command', 'true', '--data-dir', dataDir], repo);
    const none = runCli(['answer', task.id, '--data-dir', dataDir], repo);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('give the answer: --allow, --deny, --choice N or --text TEXT');
    const two = runCli(['answer', task.id, '--allow', '--text', 'yes please', '--data-dir', dataDir], repo);
    expect(two.status).toBe(2);
    expect(two.stderr).toContain('give one answer only');
    const badChoice = runCli(['answer', task.id, '--choice', 'zero', '--data-dir', dataDir], repo);
    expect(badChoice.status).toBe(2);
    expect(badChoice.stderr).toContain('--choice is the number of one of the answers (1–99)');
    const unknown = runCli(['answer', 'NO-SUCH', '--allow', '--data-dir', dataDir], repo);
    expect(unknown.status).toBe(4);
    expect(unknown.stderr).toMatch(/NOT_FOUND: no task with the key or id "NO-SUCH"/);
    // No core runs: a core of its own answers, and its task has no running agent.
    const own = runCli(['answer', task.id, '--allow', '--data-dir', dataDir], repo);
    expect(own.status).toBe(8);
    const help = runCli(['answer', '--help']);
    expect(help.stdout).toContain('9  its agent is not waiting for an answer');
  }, CLI_TEST_TIMEOUT_MS);
});
