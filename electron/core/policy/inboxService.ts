import type { AgentKind, InboxAnswer, InboxDelivery, InboxItem, Session, StateChange, StateSource } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { HookPermissionRequest, PermissionAnswer } from '../agents/permissionHook';
import { PERMISSION_HOLD_MS } from '../agents/hookRelay';
import type { Disposable } from '../disposable';
import type { EventBus } from '../events';
import type { ProjectService } from '../projects/projectService';
import type { TaskService } from '../tasks/taskService';
import { AGENT_ADAPTERS } from '../agents/launcher';
import { answerKeys, CLAUDE_PERMISSION_CHOICES, frameless, hookAnswer, permissionQuestion, readQuestionShape, screenLines, screenQuestion, type QuestionShape } from './questionReading';

/** How long an answered question stays out of the inbox while its agent has not moved on (ms); then it is back. */
export const ANSWER_CONFIRM_MS = 5_000;

/** Screen changes of waiting agents are pushed at most this often (ms). */
export const INBOX_SCREEN_PUSH_MS = 250;

/** What the inbox calls a question whose agent said no more. */
const UNNAMED_QUESTION = 'waiting for an answer';

export interface InboxDeps {
  bus: EventBus;
  tasks: TaskService;
  projects: ProjectService;
  sessions: {
    get(sessionId: string): Session;
    /** Running sessions, oldest first. */
    live(): Session[];
    input(sessionId: string, data: string): Promise<void>;
  };
  holdMs?: number;
  now?: () => number;
}

/** A permission question held for the user: the hook's reply waits for `resolve`. */
interface Held {
  resolve: (answer: PermissionAnswer | null) => void;
}

interface Waiting {
  sessionId: string;
  taskId: string;
  /** The session's state is needs_input. */
  asking: boolean;
  since: number;
  source: StateSource;
  detail: string | undefined;
  /** The permission request the question is, when a hook told it. */
  request: { tool: string; input: Record<string, unknown> } | null;
  held: Held | null;
  /** Counts the questions of the session: a new one is a new item, even in the same state. */
  question: number;
  /** The question answered from here (its number), kept out of the list until the agent moves on. */
  answered: number | null;
  /** What that question said: another one on screen in the same state is a new question. */
  answeredText: string | null;
}

/**
 * Every agent waiting for the user, the oldest first: what it asks and offers, and the bottom of
 * its screen. A permission question that no rule decided is held here (its hook's reply waits),
 * so that an answer from the inbox reaches the agent through the hook; otherwise (no hook, or the
 * agent was answered in its terminal, or the hold ran out) an answer is typed as keys. A change
 * goes to every client as `inbox.changed`.
 */
export class InboxService implements Disposable {
  private readonly waiting = new Map<string, Waiting>();
  private readonly screens = new Map<string, string[]>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private screenPush: ReturnType<typeof setTimeout> | undefined;
  private readonly now: () => number;
  private disposed = false;

  constructor(private readonly deps: InboxDeps) {
    this.now = deps.now ?? (() => Date.now());
  }

  list(): InboxItem[] {
    const items: InboxItem[] = [];
    for (const entry of this.waiting.values()) {
      const item = this.visible(entry) ? this.itemOf(entry) : null;
      if (item) items.push(item);
    }
    return items.sort((a, b) => a.since - b.since);
  }

  /** Sessions that were waiting already when this core started (a session host kept them running). */
  seed(sessions: readonly Session[]): void {
    for (const session of sessions) {
      if (session.endedAt !== null || session.state !== 'needs_input' || this.waiting.has(session.id)) continue;
      this.sessionState(session.id, session.taskId, { state: 'needs_input', source: session.stateSource, at: session.stateAt });
    }
  }

  /** A session changed state: a question arrived, or the agent moved on. */
  sessionState(sessionId: string, taskId: string, change: StateChange): void {
    if (change.state === 'needs_input') {
      const entry = this.entry(sessionId, taskId);
      if (!entry.asking) {
        entry.asking = true;
        entry.since = change.at;
        entry.question++;
      }
      entry.source = entry.request ? 'hook' : change.source;
      entry.detail = change.detail;
      this.changed();
      return;
    }
    const entry = this.waiting.get(sessionId);
    if (change.state === 'exited' || change.state === 'failed') this.screens.delete(sessionId);
    if (!entry) return;
    const shown = this.visible(entry);
    this.waiting.delete(sessionId);
    entry.held?.resolve(null);
    if (shown) this.changed();
  }

  /** The session's screen after a parse: kept for its item, pushed when it waits. */
  screen(sessionId: string, lines: readonly string[]): void {
    this.screens.set(sessionId, screenLines(lines));
    const entry = this.waiting.get(sessionId);
    if (entry?.asking && entry.answered === entry.question && entry.request === null) {
      // Answered with keys, and another question is on screen before the state could move on.
      const asked = this.questionText(entry);
      if (asked !== entry.answeredText && asked !== UNNAMED_QUESTION) {
        entry.question++;
        entry.since = this.now();
        this.changed();
      }
    }
    if (!entry || !this.visible(entry) || this.screenPush !== undefined || this.disposed) return;
    this.screenPush = setTimeout(() => {
      this.screenPush = undefined;
      this.changed();
    }, INBOX_SCREEN_PUSH_MS);
    this.screenPush.unref();
  }

  /**
   * A permission request no rule decided: held until the user answers it here, the agent is
   * answered in its terminal (the hook's connection closes: `signal`), it moves on, or the hold
   * runs out — then null, and the agent's own question stays for its terminal or for keys.
   */
  hold(request: HookPermissionRequest, signal: AbortSignal): Promise<PermissionAnswer | null> {
    if (this.disposed || signal.aborted) return Promise.resolve(null);
    let taskId: string;
    try {
      taskId = this.deps.sessions.get(request.sessionId).taskId;
    } catch {
      return Promise.resolve(null);
    }
    const entry = this.entry(request.sessionId, taskId);
    entry.held?.resolve(null);
    entry.request = { tool: request.tool, input: request.input };
    entry.source = 'hook';
    // A question after one answered from here, in a state that never left needs_input, is a new one.
    if (entry.asking && entry.answered === entry.question) {
      entry.question++;
      entry.since = this.now();
    }
    return new Promise<PermissionAnswer | null>((resolve) => {
      const timer = setTimeout(() => held.resolve(null), this.deps.holdMs ?? PERMISSION_HOLD_MS);
      timer.unref();
      const onAbort = () => held.resolve(null);
      const held: Held = {
        resolve: (answer) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          if (entry.held !== held) return resolve(answer);
          entry.held = null;
          resolve(answer);
          // Given up: the same question, answered with keys from now on.
          if (answer === null && this.waiting.get(entry.sessionId) === entry && this.visible(entry)) this.changed();
        },
      };
      entry.held = held;
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Answers the question a task's agent, or a session, waits on. */
  async answer(target: { taskId?: string | undefined; sessionId?: string | undefined }, answer: InboxAnswer): Promise<{ delivery: InboxDelivery; item: InboxItem }> {
    const entry = this.target(target);
    const item = this.itemOf(entry);
    if (item === null) throw new SwitchyardError('NOT_FOUND', `the task of session ${entry.sessionId} is gone`);
    let delivery: InboxDelivery;
    if (entry.held) {
      const decision = hookAnswer(answer);
      delivery = 'hook';
      entry.answered = entry.question;
      entry.answeredText = item.question;
      entry.held.resolve(decision);
    } else {
      const keys = answerKeys(this.shapeOf(entry), answer);
      delivery = 'keys';
      entry.answered = entry.question;
      entry.answeredText = item.question;
      for (const data of keys) await this.deps.sessions.input(entry.sessionId, data);
    }
    this.confirmLater(entry, entry.question);
    this.changed();
    return { delivery, item };
  }

  /** A task is gone: so are its questions. */
  forgetTask(taskId: string): void {
    let changed = false;
    for (const [sessionId, entry] of this.waiting) {
      if (entry.taskId !== taskId) continue;
      this.waiting.delete(sessionId);
      entry.held?.resolve(null);
      changed = true;
    }
    if (changed) this.changed();
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.screenPush);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const entry of this.waiting.values()) entry.held?.resolve(null);
    this.waiting.clear();
  }

  private entry(sessionId: string, taskId: string): Waiting {
    let entry = this.waiting.get(sessionId);
    if (!entry) {
      entry = { sessionId, taskId, asking: false, since: this.now(), source: 'hook', detail: undefined, request: null, held: null, question: 0, answered: null, answeredText: null };
      this.waiting.set(sessionId, entry);
    }
    return entry;
  }

  private visible(entry: Waiting): boolean {
    return entry.asking && entry.answered !== entry.question;
  }

  /** The entry an answer is for, or the typed reason why there is none. */
  private target(target: { taskId?: string | undefined; sessionId?: string | undefined }): Waiting {
    if (target.sessionId !== undefined) {
      const session = this.deps.sessions.get(target.sessionId);
      const entry = this.waiting.get(session.id);
      if (entry && this.visible(entry)) return entry;
      return this.notWaiting(session.taskId, session.endedAt === null);
    }
    const task = this.deps.tasks.get(target.taskId!);
    const entry = [...this.waiting.values()].filter((e) => e.taskId === task.id && this.visible(e)).sort((a, b) => a.since - b.since)[0];
    if (entry) return entry;
    return this.notWaiting(task.id, this.deps.sessions.live().some((s) => s.taskId === task.id));
  }

  private notWaiting(taskId: string, running: boolean): never {
    const task = this.deps.tasks.get(taskId);
    const name = task.planKey ? `${task.planKey} (${task.title})` : task.title;
    if (!running) throw new SwitchyardError('SESSION_NOT_RUNNING', `${name} has no running agent: there is no question to answer`, { taskId });
    const answered = [...this.waiting.values()].some((e) => e.taskId === taskId && e.asking);
    throw new SwitchyardError(
      'NOT_WAITING',
      answered ? `${name} was answered already; its agent has not moved on yet` : `${name} is not waiting for an answer: its agent is working`,
      { taskId },
    );
  }

  private shapeOf(entry: Waiting): QuestionShape {
    const shape = readQuestionShape(this.screens.get(entry.sessionId) ?? []);
    // A Claude Code question its hook told of, before its dialog is on screen: the dialog's answers.
    if (shape.kind === 'open' && entry.request) return { kind: 'menu', choices: [...CLAUDE_PERMISSION_CHOICES] };
    return shape;
  }

  private itemOf(entry: Waiting): InboxItem | null {
    let task;
    let session;
    try {
      task = this.deps.tasks.get(entry.taskId);
      session = this.deps.sessions.get(entry.sessionId);
    } catch {
      return null;
    }
    const project = this.deps.projects.get(task.projectId);
    const question = this.questionText(entry, session.agentKind);
    return {
      sessionId: entry.sessionId,
      taskId: task.id,
      taskTitle: task.title,
      taskKey: task.planKey,
      projectId: project.id,
      projectName: project.name,
      agentKind: session.agentKind,
      since: entry.since,
      question,
      tool: entry.request?.tool ?? null,
      source: entry.source,
      choices: entry.held ? [...CLAUDE_PERMISSION_CHOICES] : this.shapeOf(entry).choices,
      delivery: entry.held ? 'hook' : 'keys',
      screen: this.screens.get(entry.sessionId) ?? [],
    };
  }

  /** The permission its hook asked for; else the question on screen; else what the state said. */
  private questionText(entry: Waiting, kind = this.kindOf(entry)): string {
    if (entry.request) return permissionQuestion(entry.request.tool, entry.request.input);
    const onScreen = kind === null ? null : screenQuestion(AGENT_ADAPTERS[kind].signals, this.screens.get(entry.sessionId) ?? []);
    return onScreen ?? ((entry.detail ? frameless(entry.detail) : '') || UNNAMED_QUESTION);
  }

  private kindOf(entry: Waiting): AgentKind | null {
    try {
      return this.deps.sessions.get(entry.sessionId).agentKind;
    } catch {
      return null;
    }
  }

  /** An answer that did not move the agent on within ANSWER_CONFIRM_MS: its question is back. */
  private confirmLater(entry: Waiting, question: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (this.waiting.get(entry.sessionId) !== entry || entry.question !== question || entry.answered !== question) return;
      entry.answered = null;
      this.changed();
    }, ANSWER_CONFIRM_MS);
    timer.unref();
    this.timers.add(timer);
  }

  private changed(): void {
    if (this.disposed) return;
    this.deps.bus.emit('inbox.changed', { items: this.list() });
  }
}
