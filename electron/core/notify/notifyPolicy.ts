import type { DoNotDisturb, NotificationDto, NotifyEventKind, SessionState } from '../../../shared/contract';

/**
 * After a core starts or re-attaches its session host, every agent reports its state at once:
 * what arrives within this window is summed up in one notification when the window ends (ms).
 */
export const NOTIFY_QUIET_START_MS = 8_000;

/** A state must hold this long before it notifies, so that a state held for a blink says nothing (ms). */
export const NOTIFY_SETTLE_MS = 1_500;

/**
 * The same news about the same task is told once within this window: an agent that flips
 * needs_input → working → needs_input while the user walks back to the desk calls once (ms).
 */
export const NOTIFY_REPEAT_WINDOW_MS = 60_000;

/** The task news is about, with the names a notification shows. */
export interface NotifySubject {
  taskId: string;
  taskTitle: string;
  projectId: string;
  projectName: string;
}

/** What the policy is told. */
export type NotifyInput =
  /** The core started, or re-attached a session host that outlived the last one: a burst follows. */
  | { type: 'quiet'; at: number }
  | { type: 'state'; sessionId: string; subject: NotifySubject; previous: SessionState | undefined; state: SessionState; detail?: string | undefined; at: number }
  | { type: 'merge_conflict'; subject: NotifySubject; detail?: string | undefined; at: number }
  | { type: 'limit_reset'; subject: NotifySubject; detail?: string | undefined; at: number }
  | { type: 'budget_reached'; subject: NotifySubject; detail?: string | undefined; at: number };

/** News waiting for its settle time (and, at start-up, for the quiet window) to pass. */
interface Candidate {
  kind: NotifyEventKind;
  subject: NotifySubject;
  detail: string | undefined;
  /** When it may be shown at the earliest (epoch ms). */
  dueAt: number;
  /** It arrived within a quiet window: it goes into that window's summary. */
  inQuiet: boolean;
}

export interface NotifyPolicyState {
  quietUntil: number;
  /** Per session (or per task and kind for news that is no session state): the latest unsettled news. */
  pending: ReadonlyMap<string, Candidate>;
  /** When each piece of news (task and kind) was last shown. */
  shown: ReadonlyMap<string, number>;
}

/** What the policy reads at the moment it decides. */
export interface NotifyContext {
  events: readonly NotifyEventKind[];
  doNotDisturb: DoNotDisturb;
  sound: boolean;
  mutedProject(projectId: string): boolean;
  /** A client shows this task to the user now (its pane or view, in a focused window). */
  looking(taskId: string): boolean;
}

export function initialNotifyState(at: number): NotifyPolicyState {
  return observe({ quietUntil: 0, pending: new Map(), shown: new Map() }, { type: 'quiet', at });
}

/** Which news a state change is, if any: waiting for the human, a finished turn, a failure. */
export function kindOfStateChange(previous: SessionState | undefined, state: SessionState): NotifyEventKind | null {
  if (previous === state) return null;
  if (state === 'needs_input') return 'needs_input';
  if (state === 'failed') return 'failed';
  if (state === 'idle' && (previous === 'working' || previous === 'needs_input')) return 'turn_finished';
  return null;
}

/** Takes in one input; nothing is shown until `collect` says it is due. */
export function observe(state: NotifyPolicyState, input: NotifyInput): NotifyPolicyState {
  if (input.type === 'quiet') return { ...state, quietUntil: Math.max(state.quietUntil, input.at + NOTIFY_QUIET_START_MS) };
  const pending = new Map(state.pending);
  const inQuiet = input.at < state.quietUntil;
  if (input.type === 'state') {
    // Whatever the session did last replaces what it did before: a state that did not hold is no news.
    const kind = kindOfStateChange(input.previous, input.state);
    if (kind === null) pending.delete(input.sessionId);
    else pending.set(input.sessionId, { kind, subject: input.subject, detail: input.detail, dueAt: input.at + NOTIFY_SETTLE_MS, inQuiet });
  } else {
    pending.set(`${input.subject.taskId}\u0000${input.type}`, { kind: input.type, subject: input.subject, detail: input.detail, dueAt: input.at, inQuiet });
  }
  return { ...state, pending };
}

export function doNotDisturbActive(setting: DoNotDisturb, now: number): boolean {
  return setting === 'always' || (typeof setting === 'object' && now < setting.until);
}

const TITLES: Record<NotifyEventKind, (title: string) => string> = {
  needs_input: (t) => `${t} needs your input`,
  turn_finished: (t) => `${t} finished`,
  failed: (t) => `${t} failed`,
  merge_conflict: (t) => `${t} has a merge conflict`,
  limit_reset: (t) => `${t} can go on: its usage limit reset`,
  budget_reached: (t) => `Budget reached after ${t}: no more agents start`,
};

const URGENT: ReadonlySet<NotifyEventKind> = new Set(['needs_input', 'failed', 'merge_conflict', 'budget_reached']);

function single(candidate: Candidate, sound: boolean): NotificationDto {
  const { subject, detail, kind } = candidate;
  const body = kind === 'turn_finished' ? `${subject.projectName} — ready for review` : `${subject.projectName}${detail ? `: ${detail}` : ''}`;
  return { title: TITLES[kind](subject.taskTitle), body, taskId: subject.taskId, sound, urgent: URGENT.has(kind) };
}

function summary(candidates: readonly Candidate[], sound: boolean): NotificationDto {
  const needs = candidates.filter((c) => c.kind === 'needs_input').length;
  return {
    title: needs > 0 ? `${needs} of ${candidates.length} agents need you` : `${candidates.length} agents have news`,
    body: candidates.map((c) => TITLES[c.kind](c.subject.taskTitle)).join(' · '),
    taskId: null,
    sound,
    urgent: candidates.some((c) => URGENT.has(c.kind)),
  };
}

/**
 * The notifications due at `now`: news that held for its settle time, outside the start-up quiet
 * window (whose news comes as one summary when it ends), of a kind the user wants, about a project
 * not muted and a task nobody is looking at, told once per repeat window, and none at all while
 * do-not-disturb is on. News that is due is decided once: what is dropped does not come back later.
 */
export function collect(state: NotifyPolicyState, now: number, context: NotifyContext): { state: NotifyPolicyState; notifications: NotificationDto[] } {
  if (now < state.quietUntil) return { state, notifications: [] };
  const pending = new Map(state.pending);
  const due: Candidate[] = [];
  for (const [key, candidate] of state.pending) {
    if (candidate.dueAt > now) continue;
    pending.delete(key);
    due.push(candidate);
  }
  if (due.length === 0) return { state, notifications: [] };
  const next = { ...state, pending };
  if (doNotDisturbActive(context.doNotDisturb, now)) return { state: next, notifications: [] };

  const shown = new Map([...state.shown].filter(([, at]) => now - at < NOTIFY_REPEAT_WINDOW_MS));
  const wanted = due.filter((c) => {
    const key = `${c.subject.taskId}\u0000${c.kind}`;
    if (!context.events.includes(c.kind) || context.mutedProject(c.subject.projectId) || context.looking(c.subject.taskId)) return false;
    if (shown.has(key)) return false;
    shown.set(key, now);
    return true;
  });
  const quiet = wanted.filter((c) => c.inQuiet);
  const notifications = [
    ...(quiet.length > 1 ? [summary(quiet, context.sound)] : quiet.map((c) => single(c, context.sound))),
    ...wanted.filter((c) => !c.inQuiet).map((c) => single(c, context.sound)),
  ];
  return { state: { ...next, shown }, notifications };
}

/** When `collect` has something to decide next (epoch ms), or null when nothing waits. */
export function nextDecision(state: NotifyPolicyState): number | null {
  let next: number | null = null;
  for (const candidate of state.pending.values()) {
    const at = Math.max(candidate.dueAt, state.quietUntil);
    if (next === null || at < next) next = at;
  }
  return next;
}
