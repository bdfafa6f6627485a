import type { SchedulerStatus, SettingKey, SettingValue, StateChange } from '../../../shared/contract';
import type { ClientContext } from '../clientContext';
import type { Disposable } from '../disposable';
import type { EventBus } from '../events';
import type { ProjectService } from '../projects/projectService';
import type { TaskService } from '../tasks/taskService';
import { trayModel, type AttentionItem, type TrayModel } from './attention';
import { ClientFocus } from './clientFocus';
import { collect, initialNotifyState, nextDecision, observe, type NotifyContext, type NotifyInput, type NotifyPolicyState } from './notifyPolicy';

/** The scheduler's run switch, as the tray uses it. */
export interface RunControl {
  /** Projects whose run is on now. */
  activeProjects(): string[];
  run(projectId: string): void;
  pause(projectId: string): void;
}

/** The effective settings, as the notification policy reads them at each decision. */
export interface SettingsReader {
  value<K extends SettingKey>(key: K, projectId?: string): SettingValue<K>;
}

export interface AttentionDeps {
  bus: EventBus;
  tasks: TaskService;
  projects: ProjectService;
  settings: SettingsReader;
  runs: RunControl;
  now?: () => number;
}

/**
 * Follows every session's state and turns it into what the human sees outside the board: the tray
 * (icon, tooltip, menu, badge), pushed as `attention.changed`, and notifications, pushed as
 * `notify.show` once the notification policy says they are due, so that the desktop shell and a
 * browser tab show the same thing.
 */
export class AttentionService implements Disposable {
  private readonly items = new Map<string, AttentionItem>();
  private readonly focus = new ClientFocus();
  private readonly now: () => number;
  private policy: NotifyPolicyState;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly activeRuns: Set<string>;
  /** Projects whose run the tray paused, so that its resume starts those again and no other. */
  private readonly pausedFromTray = new Set<string>();

  constructor(private readonly deps: AttentionDeps) {
    this.now = deps.now ?? (() => Date.now());
    // A core that starts hears every live agent at once: the policy keeps quiet for a while.
    this.policy = initialNotifyState(this.now());
    this.activeRuns = new Set(deps.runs.activeProjects());
  }

  model(): TrayModel {
    return trayModel([...this.items.values()], { active: this.activeRuns.size, pausedFromTray: this.pausedFromTray.size });
  }

  /** A client says which task it shows the user, and whether the user can see it. */
  setFocus(client: ClientContext, taskId: string | null, windowFocused: boolean): void {
    this.focus.report(client, taskId, windowFocused);
  }

  /** A session changed state: update the tray, and tell the policy. */
  sessionState(sessionId: string, taskId: string, change: StateChange): void {
    const previous = this.items.get(sessionId)?.state;
    let task;
    try {
      task = this.deps.tasks.get(taskId);
    } catch {
      return; // the task was deleted while its session was still reporting
    }
    const project = this.deps.projects.get(task.projectId);
    if (change.state === 'exited') this.items.delete(sessionId);
    else {
      this.items.set(sessionId, { sessionId, taskId, taskTitle: task.title, projectName: project.name, state: change.state, since: change.at });
    }
    const subject = { taskId, taskTitle: task.title, projectId: project.id, projectName: project.name };
    this.tell({ type: 'state', sessionId, subject, previous, state: change.state, detail: change.detail, at: this.now() });
    this.deps.bus.emit('attention.changed', this.model());
  }

  /** The usage limit a task waited for has reset, and its agent goes on: the policy may say so. */
  limitReset(taskId: string, detail?: string): void {
    this.tellAboutTask('limit_reset', taskId, detail);
  }

  /** The project's usage budget was reached with the task's usage: its run starts nothing more. */
  budgetReached(taskId: string, detail: string): void {
    this.tellAboutTask('budget_reached', taskId, detail);
  }

  private tellAboutTask(type: 'limit_reset' | 'budget_reached', taskId: string, detail: string | undefined): void {
    let task;
    try {
      task = this.deps.tasks.get(taskId);
    } catch {
      return; // deleted meanwhile
    }
    const project = this.deps.projects.get(task.projectId);
    const subject = { taskId, taskTitle: task.title, projectId: project.id, projectName: project.name };
    this.tell({ type, subject, detail, at: this.now() });
  }

  /** The scheduler's run of a project turned on or off. */
  schedulerChanged(status: SchedulerStatus): void {
    const was = this.activeRuns.has(status.projectId);
    if (status.active === was) return;
    if (status.active) {
      this.activeRuns.add(status.projectId);
      this.pausedFromTray.clear();
    } else this.activeRuns.delete(status.projectId);
    this.deps.bus.emit('attention.changed', this.model());
  }

  /** The tray's run item: pause every run that is on, or resume those the tray paused. */
  toggleRun(): void {
    const item = this.model().run;
    if (item?.action === 'pause') {
      const active = [...this.activeRuns];
      for (const projectId of active) this.deps.runs.pause(projectId);
      for (const projectId of active) this.pausedFromTray.add(projectId);
    } else if (item?.action === 'resume') {
      const paused = [...this.pausedFromTray];
      this.pausedFromTray.clear();
      for (const projectId of paused) this.deps.runs.run(projectId);
    }
    this.deps.bus.emit('attention.changed', this.model());
  }

  /** The tray or a notification was clicked: every window shows the task. */
  open(taskId: string): void {
    this.deps.bus.emit('attention.open', { taskId });
  }

  /** A task is gone: so are its sessions from the tray. */
  forgetTask(taskId: string): void {
    let changed = false;
    for (const [sessionId, item] of this.items) {
      if (item.taskId === taskId) {
        this.items.delete(sessionId);
        changed = true;
      }
    }
    if (changed) this.deps.bus.emit('attention.changed', this.model());
  }

  private tell(input: NotifyInput): void {
    this.policy = observe(this.policy, input);
    this.decide();
  }

  /** Shows what is due now and wakes up again when the next piece of news may be. */
  private decide(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.now();
    const { state, notifications } = collect(this.policy, now, this.context());
    this.policy = state;
    for (const notification of notifications) this.deps.bus.emit('notify.show', notification);
    const next = nextDecision(this.policy);
    if (next !== null) {
      this.timer = setTimeout(() => this.decide(), Math.max(0, next - now));
      this.timer.unref();
    }
  }

  private context(): NotifyContext {
    const { settings } = this.deps;
    return {
      events: settings.value('notify.events'),
      doNotDisturb: settings.value('notify.doNotDisturb'),
      sound: settings.value('notify.sound'),
      mutedProject: (projectId) => settings.value('notify.muted', projectId),
      looking: (taskId) => this.focus.looking(taskId),
    };
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.focus.dispose();
  }
}
