import { describe, expect, it } from 'vitest';
import type { InboxList } from '../../shared/contract';
import type { SwitchyardError } from '../../shared/errors';
import { createCore } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { coreWithFakeAgentTask } from '../helpers/core';
import { installFakeClaude } from '../helpers/fakeClaude';
import { gitIn, makeRepo } from '../helpers/gitRepo';
import { tempDir } from '../helpers/tempDir';
import { waitFor } from '../helpers/waitFor';

/** Each "thinking" phase of the fake agent (ms). */
const WORK_MS = 100;
/** A turn of the fake agent, or its question, on a loaded 2-core machine (ms). */
const TURN_TIMEOUT_MS = 30_000;
/** How long the fake agent waits before it draws its dialog beside a hook that is held (ms; its default is 4 s). */
const HELD_DIALOG_DELAY_MS = 300;

async function setUp() {
  // Every keystroke that reaches the agent: a hook answer needs none.
  const { core, project, task, typed } = await coreWithFakeAgentTask(WORK_MS);
  // Every list the clients were sent.
  const pushed: InboxList[] = [];
  core.bus.subscribe(({ event, payload }) => {
    if (event === 'inbox.changed') pushed.push(payload);
  });
  return { core, project, task, typed, pushed };
}

const failureOf = async (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as SwitchyardError);

describe('the inbox', () => {
  it('holds a question no rule decides, lists it with its choices and screen, and answers it through the hook', async () => {
    const { core, task, typed, pushed } = await setUp();
    // No rule decides here, so no quick decision has to come before the dialog: it is drawn soon after the hold begins.
    process.env.FAKE_AGENT_DIALOG_DELAY_MS = String(HELD_DIALOG_DELAY_MS);
    const session = await core.sessions.start(task.id).finally(() => delete process.env.FAKE_AGENT_DIALOG_DELAY_MS);
    const [item] = await waitFor('the question in the inbox', () => (core.inbox.list().length === 1 ? core.inbox.list() : false), TURN_TIMEOUT_MS);
    const worktree = core.worktrees.get(task.id)!;
    expect(item).toMatchObject({
      sessionId: session.id,
      taskId: task.id,
      taskTitle: 'Add a note',
      agentKind: 'claude-code',
      question: `Allow Edit "${worktree.path}/fake-agent-notes.md"?`,
      tool: 'Edit',
      source: 'hook',
      delivery: 'hook',
      choices: [
        { n: 1, label: 'Yes' },
        { n: 2, label: "Yes, and don't ask again this session" },
        { n: 3, label: 'No, and tell Claude what to do differently' },
      ],
    });
    expect(pushed.at(-1)?.items.map((i) => i.sessionId)).toEqual([session.id]);
    // The agent's own dialog is drawn beside the held hook, and the item shows it.
    await waitFor('the dialog on the item', () => core.inbox.list()[0]?.screen.some((l) => l.includes('Do you want to make this edit')), TURN_TIMEOUT_MS);

    const answered = await core.inbox.answer({ taskId: task.id }, { kind: 'allow' });
    expect(answered.delivery).toBe('hook');
    expect(core.inbox.list(), 'gone at once').toEqual([]);
    expect(pushed.at(-1)?.items).toEqual([]);

    // The next question (the commit) comes; a choice answers it; the agent commits, with no key typed.
    await waitFor('the commit question', () => core.inbox.list()[0]?.tool === 'Bash', TURN_TIMEOUT_MS);
    expect((await core.inbox.answer({ sessionId: session.id }, { kind: 'choice', n: 1 })).delivery).toBe('hook');
    await waitFor('the task in review', () => core.tasks.get(task.id).status === 'review', TURN_TIMEOUT_MS);
    expect(gitIn(worktree.path, ['log', '-1', '--format=%s'])).toBe('Note: add a note');
    expect(typed).toEqual([]);
    const screen = (await core.transcripts.export(session.id, 'text')).data;
    expect(screen).toContain('Edit allowed by a PermissionRequest hook');
  });

  it('tells the model the words given with a no, and refuses answers to an agent that does not wait', async () => {
    const { core, task } = await setUp();
    const worktree = () => core.worktrees.get(task.id)!;
    expect(await failureOf(core.inbox.answer({ taskId: task.id }, { kind: 'allow' })), 'never started').toMatchObject({ code: 'SESSION_NOT_RUNNING' });
    const session = await core.sessions.start(task.id);
    await waitFor('the question', () => core.inbox.list().length === 1, TURN_TIMEOUT_MS);
    expect(await failureOf(core.inbox.answer({ taskId: task.id }, { kind: 'choice', n: 4 })), 'a choice it does not offer').toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('1, 2, 3'),
    });
    await core.inbox.answer({ taskId: task.id }, { kind: 'text', text: 'Write it in the README instead.' });
    await waitFor(
      'the refusal on screen',
      async () => (await core.transcripts.export(session.id, 'text')).data.includes('Edit denied by a PermissionRequest hook: Write it in the README instead.'),
      TURN_TIMEOUT_MS,
    );
    await waitFor('the turn over', () => core.tasks.get(task.id).status === 'review', TURN_TIMEOUT_MS);
    expect(gitIn(worktree().path, ['status', '--porcelain']), 'nothing edited').toBe('');
    const refused = await failureOf(core.inbox.answer({ taskId: task.id }, { kind: 'allow' }));
    expect(refused).toMatchObject({ code: 'NOT_WAITING', message: expect.stringContaining('Add a note is not waiting for an answer') });
  });

  it('reads a question from the screen of an agent without hooks, and answers it with keys', async () => {
    installFakeClaude(WORK_MS);
    const core = createCore({ dataDir: tempDir('switchyard-data-'), mode: 'browser', log: memoryLogger(), agentHooks: false });
    try {
      const project = await core.projects.add(makeRepo());
      const task = core.tasks.create({ projectId: project.id, title: 'Add a note', prompt: 'add a note' });
      const session = await core.sessions.start(task.id);
      const [item] = await waitFor('the question read from the screen', () => (core.inbox.list().length === 1 ? core.inbox.list() : false), {
        timeoutMs: TURN_TIMEOUT_MS,
        explain: () => JSON.stringify({ history: core.sessions.history(session.id), items: core.inbox.list() }, null, 1),
      });
      expect(item).toMatchObject({
        sessionId: session.id,
        question: 'Do you want to make this edit to fake-agent-notes.md?',
        tool: null,
        source: 'screen',
        delivery: 'keys',
        choices: [
          { n: 1, label: 'Yes' },
          { n: 2, label: "Yes, and don't ask again this session" },
          { n: 3, label: 'No, and tell Claude what to do differently (esc)' },
        ],
      });
      expect(item!.screen.at(-1)).toMatch(/╰─+╯/);
      expect(await failureOf(core.inbox.answer({ sessionId: session.id }, { kind: 'text', text: 'hello' })), 'words to a menu').toMatchObject({ code: 'BAD_INPUT' });
      expect((await core.inbox.answer({ sessionId: session.id }, { kind: 'choice', n: 2 })).delivery).toBe('keys');
      expect(core.inbox.list()).toEqual([]);
      // "Don't ask again" for Edit; the commit is asked, and refused with a no.
      await waitFor('the commit question', () => core.inbox.list()[0]?.question === 'Do you want to proceed?', TURN_TIMEOUT_MS);
      await core.inbox.answer({ taskId: task.id }, { kind: 'deny' });
      await waitFor('the turn over', () => core.tasks.get(task.id).status === 'review', TURN_TIMEOUT_MS);
      const worktree = core.worktrees.get(task.id)!;
      expect(gitIn(worktree.path, ['status', '--porcelain']), 'edited, not committed').toBe('?? fake-agent-notes.md');
      expect((await core.transcripts.export(session.id, 'text')).data).toContain('User rejected Bash');
    } finally {
      await core.dispose();
    }
  }, 90_000);
});
