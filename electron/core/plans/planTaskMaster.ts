import type { ParsedPlan, PlanWarning } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { priorityOf } from './planFields';
import { newDraft, resolvePlan, type TaskDraft } from './planReferences';

/** One task of a Task Master tasks.json, as far as the importer reads it; anything may be missing. */
interface TaskMasterTask {
  id?: unknown;
  title?: unknown;
  description?: unknown;
  details?: unknown;
  testStrategy?: unknown;
  status?: unknown;
  priority?: unknown;
  dependencies?: unknown;
  subtasks?: unknown;
}

/** Task Master's statuses that finish a task; "deferred" and "cancelled" are kept, as optional work. */
const DONE_STATUSES = new Set(['done', 'completed', 'complete']);
const SET_ASIDE_STATUSES = new Set(['deferred', 'cancelled', 'canceled']);

const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a Claude Task Master tasks.json: the tagged shape (`{"master": {"tasks": […]}, "feature": …}`,
 * the "master" tag read, others named in a warning) and the legacy one (`{"tasks": […]}`). Ids
 * are the plan's keys, subtasks "1.2" under task 1; a subtask's numeric dependency names a sibling
 * ("2" in task 1 is "1.2"), a string one ("1.2") any task. Title and description name the task,
 * details are its prompt, testStrategy its acceptance; status "done" is done.
 */
export function readTaskMasterJson(content: string, warnings: PlanWarning[]): ParsedPlan {
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch (error) {
    throw new SwitchyardError('BAD_PLAN', `the plan looks like JSON but is not: ${(error as Error).message}`, { reason: 'bad-json' });
  }
  let list: unknown;
  let tag: string | null = null;
  if (isRecord(data) && Array.isArray(data.tasks)) list = data.tasks;
  else if (isRecord(data)) {
    const tags = Object.keys(data).filter((key) => isRecord(data[key]) && Array.isArray((data[key] as Record<string, unknown>).tasks));
    tag = tags.includes('master') ? 'master' : (tags[0] ?? null);
    if (tag !== null) {
      list = (data[tag] as Record<string, unknown>).tasks;
      const others = tags.filter((t) => t !== tag);
      if (others.length > 0) warnings.push({ message: `tasks.json has the tags ${tags.join(', ')}; the "${tag}" tag was read (${others.join(', ')} not imported)` });
    }
  } else if (Array.isArray(data)) list = data;
  if (!Array.isArray(list)) {
    throw new SwitchyardError('BAD_PLAN', 'the JSON plan has no "tasks" list (Task Master writes {"master": {"tasks": […]}} or {"tasks": […]})', {
      reason: 'no-tasks',
    });
  }

  const drafts: TaskDraft[] = [];
  const read = (raw: unknown, parent: TaskDraft | null, siblings: Set<string>, index: number): void => {
    if (!isRecord(raw)) {
      warnings.push({ message: `${parent ? `a subtask of ${parent.key}` : 'a task'} (number ${index + 1}) is not an object; ignored` });
      return;
    }
    const task = raw as TaskMasterTask;
    const id = text(task.id).trim();
    const key = id === '' ? null : parent?.key ? `${parent.key}.${id}` : id;
    const title = text(task.title).trim() || text(task.description).trim() || `Task ${key ?? index + 1}`;
    const draft = newDraft({ key, title, phase: tag === null || tag === 'master' ? null : tag, parent, line: 1, source: 'json' });
    const description = text(task.description).trim();
    const details = text(task.details).trim();
    if (description !== '' && description !== title) draft.body.push(description);
    if (details !== '') draft.body.push(details);
    const testStrategy = text(task.testStrategy).trim();
    if (testStrategy !== '') draft.validation.push(testStrategy);
    const status = text(task.status).trim().toLowerCase();
    draft.done = DONE_STATUSES.has(status);
    if (SET_ASIDE_STATUSES.has(status)) {
      draft.optional = true;
      warnings.push({ message: `task ${key ?? title} is ${status} in tasks.json: imported as optional` });
    }
    const priority = text(task.priority).trim();
    if (priority !== '') {
      const value = priorityOf(priority);
      if (value) draft.priority = value;
      else warnings.push({ message: `priority "${priority.slice(0, 40)}" of task ${key ?? title} was not understood; normal is used` });
    }
    if (Array.isArray(task.dependencies)) {
      const refs = task.dependencies.map((dep) => {
        const ref = text(dep).trim();
        // In a subtask, a bare number names a sibling subtask when it has one.
        return parent?.key && /^\d+$/.test(ref) && siblings.has(ref) ? `${parent.key}.${ref}` : ref;
      });
      const named = refs.filter((ref) => ref !== '');
      if (named.length > 0) draft.dependsOnRefs.push(named.join(', '));
    }
    drafts.push(draft);
    if (Array.isArray(task.subtasks)) {
      const ids = new Set(task.subtasks.map((sub) => (isRecord(sub) ? text(sub.id).trim() : '')).filter((sub) => sub !== ''));
      task.subtasks.forEach((sub, i) => read(sub, draft, ids, i));
    }
  };
  const topIds = new Set(list.map((t) => (isRecord(t) ? text(t.id).trim() : '')));
  list.forEach((raw, i) => read(raw, null, topIds, i));
  return resolvePlan(tag === null || tag === 'master' ? null : tag, drafts, [], warnings, { format: 'task-master', statements: [] });
}
