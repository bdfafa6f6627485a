import type { AgentOptions, PlannedTask, PlanTaskField, Task, TaskStatus } from '../../../shared/contract';
import type { MoveFields } from '../tasks/taskLifecycle';

/** The fields of a task that a plan decides; anything else (status once running, order) is the board's. */
export type PlanFields = Pick<
  Task,
  | 'title'
  | 'prompt'
  | 'phase'
  | 'priority'
  | 'agentKind'
  | 'agentLabel'
  | 'agentOptions'
  | 'estimate'
  | 'complexity'
  | 'size'
  | 'contextDocs'
  | 'planKey'
  | 'steps'
  | 'acceptance'
  | 'optional'
>;

/** Statuses of a task whose agent has not started: a re-import may still change how it will run. */
const NOT_STARTED: ReadonlySet<TaskStatus> = new Set(['backlog', 'ready']);

/**
 * What a started task keeps when the plan changes it: how its agent runs. What describes it on
 * the board (title, phase, steps and their done state, estimate…) follows the plan at any status.
 */
const RUN_FIELDS: ReadonlySet<PlanTaskField> = new Set(['agent', 'model', 'prompt', 'acceptance', 'priority']);

interface PlanField {
  name: Exclude<PlanTaskField, 'parent' | 'status'>;
  /** The task's columns it is written to. */
  columns: readonly (keyof PlanFields)[];
  /** Its value in a form compared with ===. */
  value: (f: PlanFields) => unknown;
}

const PLAN_FIELDS: readonly PlanField[] = [
  { name: 'title', columns: ['title'], value: (f) => f.title },
  { name: 'prompt', columns: ['prompt'], value: (f) => f.prompt },
  { name: 'phase', columns: ['phase'], value: (f) => f.phase },
  { name: 'priority', columns: ['priority'], value: (f) => f.priority },
  { name: 'agent', columns: ['agentKind', 'agentLabel'], value: (f) => `${f.agentKind}\u0000${f.agentLabel ?? ''}` },
  { name: 'model', columns: ['agentOptions'], value: (f) => modelOf(f.agentOptions) },
  { name: 'estimate', columns: ['estimate'], value: (f) => f.estimate },
  { name: 'complexity', columns: ['complexity'], value: (f) => f.complexity },
  { name: 'size', columns: ['size'], value: (f) => f.size },
  { name: 'contextDocs', columns: ['contextDocs'], value: (f) => JSON.stringify(f.contextDocs) },
  { name: 'key', columns: ['planKey'], value: (f) => f.planKey },
  { name: 'steps', columns: ['steps'], value: (f) => JSON.stringify(f.steps) },
  { name: 'acceptance', columns: ['acceptance'], value: (f) => JSON.stringify(f.acceptance) },
  { name: 'optional', columns: ['optional'], value: (f) => f.optional },
];

function modelOf(options: AgentOptions): string | null {
  return typeof options.model === 'string' ? options.model : null;
}

/**
 * The task's agent options with the plan's model: a plan that names the agent decides its model
 * ("Claude Code (Opus)" sets it, "Claude Code" goes back to the agent's default); a plan that names
 * no agent leaves the board's choice. Other options (a custom command, prompt delivery) stay.
 */
export function plannedAgentOptions(planned: PlannedTask, current: AgentOptions | undefined): AgentOptions {
  if (current === undefined) return planned.model === null ? {} : { model: planned.model };
  if (planned.agent === null && planned.model === null) return current;
  if (modelOf(current) === planned.model) return current;
  const { model: _model, ...rest } = current;
  return planned.model === null ? rest : { ...rest, model: planned.model };
}

export interface Reimport {
  /** Columns to write: everything that changed on a task not started, only the board's fields on one that has. */
  fields: MoveFields;
  /** The plan fields written. */
  applied: PlanTaskField[];
  /** The plan fields that changed but were kept as they were, because the task has started (an agent ran for it). */
  kept: PlanTaskField[];
}

/**
 * What re-importing the plan does to a task it made earlier. `ranAgent` says whether the task ever
 * had a session: a task that failed before any agent ran (its agent not installed, say) has not
 * started, and takes the plan's new agent like one in Ready.
 */
export function reimportOf(task: Task, planned: PlanFields, ranAgent: boolean): Reimport {
  const started = !NOT_STARTED.has(task.status) && !(task.status === 'failed' && !ranAgent);
  const fields: MoveFields = {};
  const applied: PlanTaskField[] = [];
  const kept: PlanTaskField[] = [];
  for (const { name, columns, value } of PLAN_FIELDS) {
    if (value(task) === value(planned)) continue;
    if (started && RUN_FIELDS.has(name)) {
      kept.push(name);
      continue;
    }
    applied.push(name);
    for (const column of columns) Object.assign(fields, { [column]: planned[column] });
  }
  return { fields, applied, kept };
}
