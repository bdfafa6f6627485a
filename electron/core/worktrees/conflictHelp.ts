import { spawn } from 'node:child_process';
import type { OutputOf, Worktree } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { typedPrompt } from '../agents/adapter';
import { findExecutable } from '../agents/binaries';
import { commitIdentityConfig } from '../git/commitIdentity';
import { lockedFailure } from '../git/gitFailure';
import { git, gitErrorMessage, gitOutputTail } from '../git/repository';
import type { SettingsService } from '../settings/settingsService';
import type { RepoQueue } from './repoQueue';
import { requireBranchMode, requireClean } from './reviewGuards';
import { baseRefOf, unmergedFiles } from './worktreeInspection';
import type { WorktreeService } from './worktreeService';
import type { WorktreeStore } from './worktreeStore';

/** The task's agent, as conflict help reaches it: its latest session, typed into or resumed (the sessions service, wired in app.ts). */
export interface TaskAgentLine {
  /** The task's latest session, whether its program runs and whether it waits for an answer; undefined when the task never ran one. */
  latest(taskId: string): { id: string; running: boolean; asking: boolean } | undefined;
  /** Types into a running session, as keys. */
  type(sessionId: string, data: string): Promise<void>;
  /** Resumes an ended session's conversation with a message. */
  resume(sessionId: string, message: string): Promise<{ id: string }>;
}

export interface ConflictHelpOptions {
  worktrees: WorktreeService;
  store: WorktreeStore;
  queue: RepoQueue;
  settings: SettingsService;
  agent: TaskAgentLine;
}

/** Whether a merge was started in the checkout and not yet committed or aborted. */
async function mergeInProgress(repo: ReturnType<typeof git>): Promise<boolean> {
  return (await repo.raw(['rev-parse', '-q', '--verify', 'MERGE_HEAD']).catch(() => '')).trim() !== '';
}

/** Control characters, which a file name may hold and which typed into an agent would be keys (Enter, Escape, the end of a paste). */
// eslint-disable-next-line no-control-regex -- the control characters are what it finds
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * What the agent is told: one line (agents take a typed newline as "send"), naming every file;
 * a control character in a name is shown as "?", so that nothing but the words is typed.
 */
export function conflictPrompt(worktree: Pick<Worktree, 'branch' | 'baseBranch'>, files: readonly string[]): string {
  const names = files.map((file) => file.replace(CONTROL_CHARS, '?'));
  return (
    `Merging ${worktree.baseBranch} into ${worktree.branch} conflicts in ${names.join(', ')}. ` +
    'Resolve the conflicts in these files (keep what both sides meant and remove the conflict markers), ' +
    'then git add them and git commit to conclude the merge.'
  );
}

/**
 * The two ways out of a merge conflict: the task's agent resolves it in its worktree (the base is
 * merged into the branch there, and the agent is told which files conflict), or the user does, in
 * the editor the settings name, opened on the worktree.
 */
export class ConflictHelp {
  constructor(private readonly options: ConflictHelpOptions) {}

  async askAgent(taskId: string): Promise<OutputOf<'review.askAgentToResolve'>> {
    const { worktree, project, task } = this.options.worktrees.requireCheckout(taskId);
    requireBranchMode(worktree);
    /** The task's agent as it is now, or why it cannot be asked. */
    const reachable = () => {
      const session = this.options.agent.latest(taskId);
      if (!session) {
        throw new SwitchyardError('SESSION_NOT_RUNNING', `task "${task.title}" has no agent to ask yet: start it, or open its worktree in your editor`, { taskId });
      }
      // Typed now, the prompt would answer the agent's question instead.
      if (session.running && session.asking) {
        throw new SwitchyardError('UNAVAILABLE', `the agent of task "${task.title}" waits for an answer to its question: answer it first, then ask again`, {
          taskId,
          sessionId: session.id,
        });
      }
      return session;
    };
    reachable();
    const files = await this.options.queue.run(project.path, async () => {
      const repo = git(worktree.path, { config: await commitIdentityConfig(project.path) });
      // A merge left for the agent earlier is asked about again, not started twice.
      if (!(await mergeInProgress(repo))) {
        await requireClean(worktree, 'merging the base into it');
        const base = await baseRefOf(project.path, worktree);
        try {
          await repo.raw(['merge', '--no-edit', '--quiet', base]);
        } catch (error) {
          const locked = await lockedFailure(error);
          if (locked) throw locked;
          if ((await unmergedFiles(worktree.path)).length === 0) {
            await repo.raw(['merge', '--abort']).catch(() => undefined);
            throw new SwitchyardError('GIT_REFUSED', `git refused to merge ${worktree.baseBranch} into ${worktree.branch}: ${gitErrorMessage(error)}`, {
              output: gitOutputTail(error),
            });
          }
        }
      }
      const unmerged = await unmergedFiles(worktree.path);
      // Every conflict resolved and staged, the merge not yet committed: conclude it, as the agent was told to.
      if (unmerged.length === 0 && (await mergeInProgress(repo))) await repo.raw(['commit', '--no-edit', '--quiet']);
      return unmerged;
    });
    if (files.length === 0) {
      this.options.store.log(worktree, 'merged-base', `Merged ${worktree.baseBranch} into ${worktree.branch} with no conflict`);
      return { files, prompt: null, sessionId: null, resumed: false };
    }
    const prompt = conflictPrompt(worktree, files);
    // Read again: the merge waited for the repository's other git work, while the agent may have
    // asked something, ended, or been resumed by another ask (then it is typed to, not resumed twice).
    const session = reachable();
    let sessionId = session.id;
    if (session.running) await this.options.agent.type(session.id, typedPrompt(prompt)!);
    else sessionId = (await this.options.agent.resume(session.id, prompt)).id;
    this.options.store.log(worktree, 'conflict-help', `Merging ${worktree.baseBranch} into ${worktree.branch} conflicts in ${files.join(', ')}: asked the agent to resolve them`, {
      files,
      sessionId,
    });
    return { files, prompt, sessionId, resumed: !session.running };
  }

  async openInEditor(taskId: string): Promise<{ editor: string; path: string }> {
    const { worktree, project } = this.options.worktrees.requireCheckout(taskId);
    const editor = this.options.settings.value('worktrees.editor', project.id);
    const binary = await findExecutable(editor);
    if (!binary) {
      throw new SwitchyardError('EDITOR_NOT_FOUND', `the editor "${editor}" is not installed or not on PATH: name it, or give its full path, in Settings → Editor`, {
        editor,
      });
    }
    await launchEditor(binary, worktree.path);
    return { editor: binary, path: worktree.path };
  }
}

/**
 * Starts the editor on the folder, with an argument array and no shell, as the user's own program:
 * detached and not waited for (an editor outlives the app that opened it). A start that fails
 * (not executable, gone since it was found) is EDITOR_NOT_FOUND with the system's reason.
 */
function launchEditor(binary: string, folder: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(binary, [folder], { cwd: folder, detached: true, stdio: 'ignore' });
    } catch (error) {
      // Refused before it started (on Windows, a .cmd or .bat wrapper, which needs a shell): said as the same error.
      reject(new SwitchyardError('EDITOR_NOT_FOUND', `the editor ${binary} could not start: ${(error as Error).message}; give the path of its program itself in Settings → Editor`, { editor: binary }));
      return;
    }
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
    child.once('error', (error) => reject(new SwitchyardError('EDITOR_NOT_FOUND', `the editor ${binary} could not start: ${error.message}`, { editor: binary })));
  });
}
