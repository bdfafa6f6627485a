import { execFile } from 'node:child_process';
import type { ChangedFile, OutputOf, PushAvailability, TaskReason, Worktree, WorktreeDiff } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { findExecutable } from '../agents/binaries';
import { commitIdentityConfig } from '../git/commitIdentity';
import { lockedFailure } from '../git/gitFailure';
import { git, gitErrorMessage, gitOutputTail } from '../git/repository';
import { snapshotWorkingTree } from '../git/snapshot';
import { listGitWorktrees } from '../git/worktreeList';
import type { EventBus } from '../events';
import type { RepoQueue } from './repoQueue';
import { baseRefOf, mergeTree, refHeads, unmergedFiles, workingTreeChanges } from './worktreeInspection';
import { requireBranchMode, requireClean } from './reviewGuards';
import type { WorktreeService } from './worktreeService';
import type { WorktreeStore } from './worktreeStore';

/** Largest patch sent to the renderer (characters); a bigger one is cut and flagged as truncated. */
export const MAX_PATCH_CHARS = 5_000_000;

/** How long pushing or `gh pr create` may take (ms): both talk to a remote. */
const REMOTE_TIMEOUT_MS = 120_000;

/** The remote a branch is pushed to when the repository has several. */
const PREFERRED_REMOTE = 'origin';

/** Parses `git diff --numstat -z` and `--name-status -z` (both with rename detection) into files. */
function parseChangedFiles(nameStatus: string, numstat: string): ChangedFile[] {
  const counts = new Map<string, { additions: number | null; deletions: number | null }>();
  const numFields = numstat.split('\0');
  for (let i = 0; i < numFields.length; i++) {
    const field = numFields[i]!;
    if (field === '') continue;
    const [add, del, path] = field.split('\t');
    // A rename has an empty path here, then the old and the new path as separate fields.
    const target = path === '' ? ((i += 2), numFields[i]) : path;
    if (target === undefined) continue;
    counts.set(target, { additions: add === '-' ? null : Number(add), deletions: del === '-' ? null : Number(del) });
  }
  const files: ChangedFile[] = [];
  const fields = nameStatus.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const status = fields[i];
    if (!status) continue;
    const letter = status[0]!;
    const renamed = letter === 'R' || letter === 'C';
    const oldPath = renamed ? fields[++i] : undefined;
    const path = fields[++i];
    if (path === undefined) break;
    files.push({ path, ...(oldPath ? { oldPath } : {}), status: letter, ...(counts.get(path) ?? { additions: null, deletions: null }) });
  }
  return files;
}

function run(file: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, timeout: REMOTE_TIMEOUT_MS, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${stderr || stdout || error.message}`.trim()));
      else resolve(stdout.trim());
    });
  });
}

/** What a merge did: the commit now at the tip of the base, and how many of the branch's commits and files it brought. */
export type MergeResult = OutputOf<'review.merge'>;

/** What reviewing works with. */
export interface WorktreeReviewOptions {
  worktrees: WorktreeService;
  store: WorktreeStore;
  queue: RepoQueue;
  bus: EventBus;
  /** Told when a task's work is in its base and its worktree is removed: the task is finished. */
  landed: (taskId: string) => void;
  /** Told when a merge asked to land by itself could not (a conflict, uncommitted work): the task failed. */
  mergeFailed: (taskId: string, reason: TaskReason) => void;
}

/**
 * Reviewing a task's work: its diff against the base (committed and uncommitted, untracked files
 * included), commit, rebase onto the base, merge back (merge commit or squash) and pull requests.
 * Merges are computed in memory first: a conflict is reported and nothing is touched.
 */
export class WorktreeReview {
  private readonly worktrees: WorktreeService;
  private readonly store: WorktreeStore;
  private readonly queue: RepoQueue;
  private readonly bus: EventBus;
  private readonly landed: (taskId: string) => void;
  private readonly mergeFailed: (taskId: string, reason: TaskReason) => void;

  constructor(options: WorktreeReviewOptions) {
    this.worktrees = options.worktrees;
    this.store = options.store;
    this.queue = options.queue;
    this.bus = options.bus;
    this.landed = options.landed;
    this.mergeFailed = options.mergeFailed;
  }

  private async mergeBase(repoPath: string, worktree: Worktree, head: string): Promise<string> {
    if (worktree.mode === 'repository') return worktree.baseCommit;
    const base = await baseRefOf(repoPath, worktree);
    return git(repoPath)
      .raw(['merge-base', base, head])
      .catch(() => worktree.baseCommit);
  }

  async diff(taskId: string): Promise<WorktreeDiff> {
    const { worktree, project } = this.worktrees.requireCheckout(taskId);
    return this.queue.run(project.path, async () => {
      const snapshot = await snapshotWorkingTree(worktree.path);
      const from = await this.mergeBase(project.path, worktree, snapshot.head);
      // Untrimmed: the patch's last line may end in meaningful whitespace.
      const repo = git(worktree.path, { trimmed: false });
      const common = ['--no-color', '--no-ext-diff', '--find-renames', from, snapshot.tree];
      const nameStatus = await repo.raw(['diff', '--name-status', '-z', ...common]);
      const numstat = await repo.raw(['diff', '--numstat', '-z', ...common]);
      const full = await repo.raw(['diff', ...common]);
      const truncated = full.length > MAX_PATCH_CHARS;
      return {
        baseBranch: worktree.baseBranch,
        from,
        files: parseChangedFiles(nameStatus, numstat),
        patch: truncated ? full.slice(0, full.lastIndexOf('\ndiff --git ', MAX_PATCH_CHARS) + 1) : full,
        truncated,
      };
    });
  }

  /** Commits everything in the worktree (untracked files included) with the message. */
  async commit(taskId: string, message: string): Promise<{ commit: string; committed: boolean }> {
    const { worktree, project } = this.worktrees.requireCheckout(taskId);
    const result = await this.queue.run(project.path, async () => {
      const repo = git(worktree.path, { config: await commitIdentityConfig(project.path) });
      if ((await workingTreeChanges(worktree.path)).dirty.length === 0) {
        return { commit: await repo.revparse(['--verify', 'HEAD']), committed: false };
      }
      await repo.raw(['add', '--all', '--', '.']);
      await repo.raw(['commit', '--quiet', '--message', message]).catch(async (error: unknown) => {
        // A commit hook that says no, most often: its output is the reason.
        throw (await lockedFailure(error)) ?? new SwitchyardError('GIT_REFUSED', `git refused the commit: ${gitErrorMessage(error)}`, { output: gitOutputTail(error) });
      });
      return { commit: await repo.revparse(['--verify', 'HEAD']), committed: true };
    });
    if (result.committed) this.store.log(worktree, 'committed', `Committed ${result.commit.slice(0, 12)}: ${message.split('\n')[0]}`);
    return result;
  }

  /** Rebases the task branch onto the base; on a conflict the rebase is aborted and CONFLICT says where. */
  async rebase(taskId: string): Promise<{ head: string }> {
    const { worktree, project } = this.worktrees.requireCheckout(taskId);
    requireBranchMode(worktree);
    const head = await this.queue.run(project.path, async () => {
      await requireClean(worktree, 'rebasing');
      const repo = git(worktree.path, { config: await commitIdentityConfig(project.path) });
      const base = await baseRefOf(project.path, worktree);
      try {
        await repo.raw(['rebase', '--quiet', base]);
      } catch (error) {
        const locked = await lockedFailure(error);
        if (locked) throw locked;
        const conflicts = await unmergedFiles(worktree.path).catch(() => []);
        await repo.raw(['rebase', '--abort']).catch(() => undefined);
        throw new SwitchyardError('CONFLICT', `rebasing ${worktree.branch} onto ${worktree.baseBranch} conflicts${conflicts.length ? ` in ${conflicts.join(', ')}` : `: ${gitErrorMessage(error)}`}; nothing was changed`, {
          files: conflicts,
        });
      }
      return repo.revparse(['--verify', 'HEAD']);
    });
    this.store.log(worktree, 'rebased', `Rebased ${worktree.branch} onto ${worktree.baseBranch}: now at ${head.slice(0, 12)}`);
    return { head };
  }

  /**
   * Brings the task branch into the base, as a merge commit or one squashed commit. The result is
   * computed with `git merge-tree` first; on a conflict CONFLICT lists the files and the base is not
   * touched. Where the base is checked out (usually the repository itself) it is fast-forwarded
   * there, so that checkout's files follow; elsewhere its ref is moved (only from the tip we read).
   */
  async merge(
    taskId: string,
    strategy: 'merge' | 'squash',
    options: { message?: string | undefined; finish?: boolean } = {},
  ): Promise<MergeResult> {
    const message = options.message;
    const { worktree, project, task } = this.worktrees.requireCheckout(taskId);
    requireBranchMode(worktree);
    const result = await this.queue.run(project.path, async () => {
      await requireClean(worktree, 'merging');
      const repo = git(project.path, { config: await commitIdentityConfig(project.path) });
      const baseRef = refHeads(worktree.baseBranch);
      const baseTip = await repo.raw(['rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`]).catch(() => '');
      if (!baseTip) throw new SwitchyardError('NOT_FOUND', `the base branch "${worktree.baseBranch}" no longer exists`);
      const branchTip = await repo.revparse(['--verify', `${refHeads(worktree.branch)}^{commit}`]);
      const pending = Number(await repo.raw(['rev-list', '--count', branchTip, '--not', baseTip]));
      if (pending === 0) return { commit: baseTip, merged: false, commits: 0, files: 0 };

      const merged = await mergeTree(project.path, baseTip, branchTip);
      if (merged.conflicts.length > 0) {
        throw new SwitchyardError('CONFLICT', `${worktree.branch} conflicts with ${worktree.baseBranch} in ${merged.conflicts.join(', ')}; ${worktree.baseBranch} was not changed`, {
          files: merged.conflicts,
        });
      }
      const text =
        message ??
        (strategy === 'squash'
          ? `${task.title}\n\nSquashed from ${worktree.branch}:\n${await repo.raw(['log', '--format=- %s', '--reverse', branchTip, '--not', baseTip])}`
          : `Merge branch '${worktree.branch}': ${task.title}`);
      const parents = strategy === 'squash' ? ['-p', baseTip] : ['-p', baseTip, '-p', branchTip];
      const commit = await repo.raw(['commit-tree', merged.tree, ...parents, '-m', text]);
      const files = (await repo.raw(['diff', '--name-only', '-z', '--no-renames', baseTip, commit])).split('\0').filter((f) => f !== '').length;
      await this.moveBase(project.path, worktree, baseRef, baseTip, commit);
      return { commit, merged: true, commits: pending, files };
    });
    if (result.merged) {
      this.store.log(worktree, 'merged', `${strategy === 'squash' ? 'Squashed' : 'Merged'} ${worktree.branch} into ${worktree.baseBranch}: ${result.commit.slice(0, 12)}`, {
        strategy,
        commit: result.commit,
      });
      this.bus.emit('worktree.changed', { kind: 'updated', worktree: this.store.update(worktree.id, {}) });
    }
    let removed = false;
    if (options.finish && (result.merged || (await this.alreadyIn(project.path, worktree)))) {
      // The work is in the base now: the guard finds nothing unsaved, so nothing is forced.
      await this.worktrees.remove(taskId);
      this.landed(taskId);
      removed = true;
    }
    return { branch: worktree.branch, baseBranch: worktree.baseBranch, ...result, removed };
  }

  /**
   * Lands the task with no one looking (a run that goes on to merged): a merge commit into its
   * base, then the task is done and its worktree removed. What stops it (a conflict, uncommitted
   * work, a base that moved away) fails the task with that reason instead of being thrown; the
   * base is left as it was.
   */
  async landOrFail(taskId: string): Promise<{ landed: true; commit: string } | { landed: false; reason: TaskReason }> {
    try {
      const result = await this.merge(taskId, 'merge', { finish: true });
      return { landed: true, commit: result.commit };
    } catch (error) {
      if (!(error instanceof SwitchyardError)) throw error;
      const reason: TaskReason = { kind: 'failed', code: error.code, message: error.message, attempts: 0, retryAt: null };
      this.mergeFailed(taskId, reason);
      return { landed: false, reason };
    }
  }

  /** True when the base already holds everything of the task branch. */
  private async alreadyIn(repoPath: string, worktree: Worktree): Promise<boolean> {
    const base = await baseRefOf(repoPath, worktree);
    return Number(await git(repoPath).raw(['rev-list', '--count', refHeads(worktree.branch), '--not', base])) === 0;
  }

  private async moveBase(repoPath: string, worktree: Worktree, baseRef: string, baseTip: string, commit: string): Promise<void> {
    const holder = (await listGitWorktrees(repoPath)).find((w) => w.branch === worktree.baseBranch);
    if (!holder) {
      await git(repoPath).raw(['update-ref', '-m', `switchyard: merge ${worktree.branch}`, baseRef, commit, baseTip]);
      return;
    }
    await git(holder.path)
      .raw(['merge', '--ff-only', '--quiet', commit])
      .catch(async (error: unknown) => {
        throw (await lockedFailure(error)) ?? new SwitchyardError(
          'WORKTREE_DIRTY',
          `${worktree.baseBranch} is checked out at ${holder.path} with local changes the merge would overwrite; ${worktree.baseBranch} was not changed (${gitErrorMessage(error)})`,
          { path: holder.path },
        );
      });
  }

  /** Whether the branch can be pushed and a pull request opened, and if not, why not. */
  async pushAvailability(taskId: string): Promise<PushAvailability> {
    return (await this.probePush(taskId)).availability;
  }

  private async probePush(taskId: string): Promise<{ availability: PushAvailability; gh: string | null }> {
    const { worktree, project } = this.worktrees.requireCurrent(taskId);
    const no = (reason: string, remote: string | null = null) => ({ availability: { available: false, reason, remote }, gh: null });
    if (worktree.mode === 'repository') return no("This task works on the repository's own branch, not a task branch.");
    const listed = await this.queue.run(project.path, () => git(project.path).raw(['remote']));
    const remotes = listed.split('\n').filter((r) => r !== '');
    const remote = remotes.includes(PREFERRED_REMOTE) ? PREFERRED_REMOTE : (remotes[0] ?? null);
    if (!remote) return no('The repository has no remote to push to.');
    const gh = await findExecutable('gh');
    if (!gh) return no('The GitHub CLI (gh) is not installed or not on PATH.', remote);
    return { availability: { available: true, reason: null, remote }, gh };
  }

  /** Pushes the task branch to the remote and opens a pull request against the base with `gh`. */
  async openPullRequest(taskId: string, title?: string, body?: string): Promise<{ url: string }> {
    const { availability, gh } = await this.probePush(taskId);
    const remote = availability.remote;
    if (!availability.available || !remote || !gh) {
      throw new SwitchyardError('UNAVAILABLE', availability.reason ?? 'A pull request cannot be opened here.');
    }
    const { worktree, project, task } = this.worktrees.requireCheckout(taskId);
    const url = await this.queue.run(project.path, async () => {
      await requireClean(worktree, 'opening a pull request');
      // Never a credential prompt nobody can answer: fail instead, and say so.
      await git(worktree.path, { env: { GIT_TERMINAL_PROMPT: '0' }, silenceTimeoutMs: REMOTE_TIMEOUT_MS })
        .raw(['push', '--set-upstream', remote, `${refHeads(worktree.branch)}:${refHeads(worktree.branch)}`])
        .catch((error: unknown) => {
          throw new SwitchyardError('UNAVAILABLE', `pushing ${worktree.branch} to ${remote} failed: ${gitErrorMessage(error)}`);
        });
      const args = ['pr', 'create', '--base', worktree.baseBranch, '--head', worktree.branch, '--title', title ?? task.title, '--body', body ?? task.prompt];
      return run(gh, args, worktree.path).catch((error: unknown) => {
        throw new SwitchyardError('UNAVAILABLE', `gh could not open the pull request: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
    const link = url.split('\n').pop() ?? url;
    this.store.log(worktree, 'pull-request', `Opened a pull request: ${link}`, { url: link });
    return { url: link };
  }
}
