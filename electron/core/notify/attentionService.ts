import type { SessionState, StateChange } from '../../../shared/contract';
import type { ProjectService } from '../projects/projectService';
import type { EventBus } from '../events';
import type { TaskService } from '../tasks/taskService';
import { NotificationThrottle, notificationFor, trayModel, type AttentionItem, type TrayModel } from './attention';

/**
 * Follows every session's state and turns it into what the human sees outside the board: the tray
 * (icon, tooltip, menu, badge) and OS notifications, both pushed as events so that the desktop
 * shell and a browser tab show the same thing.
 */
export class AttentionService {
  private readonly items = new Map<string, AttentionItem>();
  private readonly throttle = new NotificationThrottle();
  private focus: { taskId: string | null; windowFocused: boolean } = { taskId: null, windowFocused: false };

  constructor(
    private readonly bus: EventBus,
    private readonly tasks: TaskService,
    private readonly projects: ProjectService,
    private readonly now: () => number = Date.now,
  ) {}

  model(): TrayModel {
    return trayModel([...this.items.values()]);
  }

  setFocus(taskId: string | null, windowFocused: boolean): void {
    this.focus = { taskId, windowFocused };
  }

  /** A session changed state: update the tray, and notify when it is news the human is not looking at. */
  sessionState(sessionId: string, taskId: string, change: StateChange): void {
    const previous: SessionState | undefined = this.items.get(sessionId)?.state;
    let task;
    try {
      task = this.tasks.get(taskId);
    } catch {
      return; // the task was deleted while its session was still reporting
    }
    const projectName = this.projects.get(task.projectId).name;
    if (change.state === 'exited') this.items.delete(sessionId);
    else {
      this.items.set(sessionId, { sessionId, taskId, taskTitle: task.title, projectName, state: change.state, since: change.at });
    }
    const decision = notificationFor(previous, change, {
      taskId,
      taskTitle: task.title,
      projectName,
      visibleToUser: this.focus.windowFocused && this.focus.taskId === taskId,
    });
    if (decision && this.throttle.allow(decision, this.now())) this.bus.emit('attention.notify', decision);
    this.bus.emit('attention.changed', this.model());
  }

  /** The tray or a notification was clicked: every window shows the task. */
  open(taskId: string): void {
    this.bus.emit('attention.open', { taskId });
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
    if (changed) this.bus.emit('attention.changed', this.model());
  }
}
