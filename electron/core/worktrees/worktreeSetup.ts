import type { Project, SetupPhase, Worktree, WorktreeProgress } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Disposable } from '../disposable';
import type { EventBus } from '../events';
import type { SettingsService } from '../settings/settingsService';
import { copyMatchingFiles, worktreeIncludeGlobs } from './copyFiles';
import { SetupScriptRun } from './setupScript';
import type { WorktreeStore } from './worktreeStore';

/**
 * Brings dependency folders (node_modules, .venv, …) into a new worktree; the dependency cache
 * provides it. It may return a sentence for the activity log.
 */
export type HydrateHook = (worktreePath: string, project: Project) => Promise<HydrateOutcome>;

/** A sentence for the log, or why nothing was hydrated (the phase then shows as skipped). */
export type HydrateOutcome = string | void | { skipped: string };

/** Hydration, and what to do once the setup script succeeded (store what it installed). */
export interface DependencyHydration {
  hydrate: HydrateHook;
  populate?: (worktreePath: string, project: Project) => void;
}

/**
 * The setup phases of a new worktree, each reported as `worktree.progress` and kept in the activity
 * log: copy the configured untracked files, hydrate dependencies, run the project's setup script.
 * A failing phase marks the setup failed and throws SETUP_FAILED with a readable reason.
 */
export class WorktreeSetup implements Disposable {
  private readonly running = new Set<SetupScriptRun>();

  constructor(
    private readonly store: WorktreeStore,
    private readonly bus: EventBus,
    private readonly settings: SettingsService,
    private readonly hydration: DependencyHydration | undefined,
  ) {}

  progress(worktree: Worktree, phase: SetupPhase, state: WorktreeProgress['state'], message: string, output?: string): void {
    this.bus.emit('worktree.progress', {
      taskId: worktree.taskId,
      worktreeId: worktree.id,
      phase,
      state,
      message,
      ...(output !== undefined ? { output } : {}),
      at: Date.now(),
    });
    if (state !== 'output') this.store.log(worktree, `setup.${phase}.${state}`, message);
  }

  async run(worktree: Worktree, project: Project): Promise<Worktree> {
    let current = this.setState(worktree, 'running');
    let phase: SetupPhase = 'copy';
    try {
      this.progress(current, 'copy', 'started', 'Copying untracked files');
      const globs = [...this.settings.value('worktrees.copyFiles', project.id), ...(await worktreeIncludeGlobs(project.path))];
      const copied = await copyMatchingFiles(project.path, current.path, globs);
      this.progress(current, 'copy', 'done', copied.length === 0 ? 'No files to copy' : `Copied ${copied.join(', ')}`);

      phase = 'hydrate';
      if (this.hydration) {
        this.progress(current, 'hydrate', 'started', 'Hydrating dependency folders');
        const said = await this.hydration.hydrate(current.path, project);
        if (typeof said === 'object') this.progress(current, 'hydrate', 'skipped', said.skipped);
        else this.progress(current, 'hydrate', 'done', said || 'Dependencies hydrated');
      } else {
        this.progress(current, 'hydrate', 'skipped', 'No dependency cache');
      }

      phase = 'script';
      const script = this.settings.value('worktrees.setupScript', project.id);
      if (script && script.trim() !== '') {
        await this.runScript(current, project, script);
        this.hydration?.populate?.(current.path, project);
      } else this.progress(current, 'script', 'skipped', 'No setup script');
    } catch (error) {
      current = this.setState(current, 'failed');
      if (error instanceof SwitchyardError && error.code === 'SETUP_FAILED') throw error;
      const reason = error instanceof Error ? error.message : String(error);
      this.progress(current, phase, 'failed', `The ${phase} phase failed: ${reason}`);
      throw new SwitchyardError('SETUP_FAILED', `Setting up the worktree failed in the ${phase} phase: ${reason}`, {
        phase,
        path: current.path,
      });
    }
    return this.setState(current, 'done');
  }

  private async runScript(worktree: Worktree, project: Project, script: string): Promise<void> {
    this.progress(worktree, 'script', 'started', `Running the setup script: ${script}`);
    const env = {
      SWITCHYARD_WORKTREE: worktree.path,
      SWITCHYARD_BRANCH: worktree.branch,
      SWITCHYARD_BASE_BRANCH: worktree.baseBranch,
      SWITCHYARD_REPOSITORY: project.path,
      SWITCHYARD_TASK_ID: worktree.taskId,
    };
    const run = new SetupScriptRun(script, worktree.path, env, (text) => this.progress(worktree, 'script', 'output', '', text));
    this.running.add(run);
    const result = await run.done.finally(() => this.running.delete(run));
    if (result.exitCode === 0) {
      this.progress(worktree, 'script', 'done', 'The setup script succeeded');
      return;
    }
    const why = result.timedOut
      ? 'it ran too long and was stopped'
      : result.exitCode !== null
        ? `it exited with code ${result.exitCode}`
        : `it was stopped by ${result.signal ?? 'an error'}`;
    const tail = result.tail.trimEnd();
    this.progress(worktree, 'script', 'failed', `The setup script failed: ${why}`, tail);
    this.store.log(worktree, 'setup.script.output', 'The end of the setup script output', { output: tail });
    throw new SwitchyardError('SETUP_FAILED', `The setup script failed: ${why}.${tail ? `\n${tail.split('\n').slice(-20).join('\n')}` : ''}`, {
      phase: 'script',
      exitCode: result.exitCode,
      output: tail,
      path: worktree.path,
    });
  }

  private setState(worktree: Worktree, setup: Worktree['setup']): Worktree {
    const updated = this.store.update(worktree.id, { setup });
    this.bus.emit('worktree.changed', { kind: 'updated', worktree: updated });
    return updated;
  }

  dispose(): void {
    for (const run of this.running) run.dispose();
    this.running.clear();
  }
}
