import type { Task, TaskStatus } from '../../shared/contract';

/** A task as the renderer receives it, titled by its id, with `extra` over the defaults. */
export function taskDto(id: string, status: TaskStatus, extra: Partial<Task> = {}): Task {
  return {
    id,
    projectId: 'p',
    title: id,
    prompt: '',
    status,
    priority: 'normal',
    agentKind: 'claude-code',
    phase: null,
    parentId: null,
    estimate: null,
    complexity: null,
    size: null,
    contextDocs: [],
    steps: [],
    acceptance: [],
    optional: false,
    agentOptions: {},
    agentLabel: null,
    planId: null,
    planKey: null,
    order: 1,
    reason: null,
    limitResetAt: null,
    createdAt: 0,
    updatedAt: 0,
    ...extra,
  };
}
