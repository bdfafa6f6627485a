import { WRITE_TRANSACTION } from '../db/client';
import { asc, eq, max } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { procedures, type InputOf, type ParsedInputOf, type Task, type TaskPatch } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Db } from '../db/client';
import { tasks } from '../db/schema';
import type { ProjectService } from '../projects/projectService';
import type { EventBus } from '../events';
import type { SettingsService } from '../settings/settingsService';
import type { TaskLifecycle } from './taskLifecycle';
import { createIn, dragTo, initialStatus } from './taskTransitions';

/** Distance between the order values of consecutive new tasks; drops in between halve it. */
const ORDER_STEP = 1024;

/** Deepest nesting of steps followed when checking a new parent; deeper is taken as a loop. */
const MAX_SUBTASK_DEPTH = 64;

export class TaskService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly projects: ProjectService,
    private readonly settings: SettingsService,
    private readonly lifecycle: TaskLifecycle,
  ) {}

  list(projectId: string): Task[] {
    this.projects.get(projectId);
    return this.db.select().from(tasks).where(eq(tasks.projectId, projectId)).orderBy(asc(tasks.order)).all();
  }

  get(id: string): Task {
    const row = this.db.select().from(tasks).where(eq(tasks.id, id)).get();
    if (!row) throw new SwitchyardError('NOT_FOUND', `no task with id ${id}`, { id });
    return row;
  }

  /** Creates a task; fields left out take the contract's defaults. */
  create(fields: InputOf<'tasks.create'>): Task {
    const input: ParsedInputOf<'tasks.create'> = procedures['tasks.create'].input.parse(fields);
    this.projects.get(input.projectId);
    if (input.parentId !== null) this.checkParent(input.projectId, input.parentId, null);
    const status = initialStatus(createIn(input.status));
    const now = Date.now();
    const task = this.db.transaction((tx) => {
      const last = tx
        .select({ order: max(tasks.order) })
        .from(tasks)
        .where(eq(tasks.projectId, input.projectId))
        .get();
      const row: Task = {
        id: randomUUID(),
        projectId: input.projectId,
        title: input.title,
        prompt: input.prompt,
        status,
        priority: input.priority,
        agentKind: input.agentKind ?? this.settings.value('agents.defaultKind', input.projectId),
        phase: input.phase,
        parentId: input.parentId,
        estimate: input.estimate,
        complexity: input.complexity,
        size: input.size,
        contextDocs: input.contextDocs,
        steps: [],
        acceptance: [],
        optional: false,
        agentOptions: input.agentOptions,
        agentLabel: null,
        planId: null,
        planKey: null,
        order: (last?.order ?? 0) + ORDER_STEP,
        reason: null,
        limitResetAt: null,
        createdAt: now,
        updatedAt: now,
      };
      tx.insert(tasks).values(row).run();
      return row;
    }, WRITE_TRANSACTION);
    this.bus.emit('task.changed', { kind: 'created', task });
    return task;
  }

  update(id: string, patch: TaskPatch): Task {
    const current = this.get(id);
    if (patch.parentId) this.checkParent(current.projectId, patch.parentId, id);
    const { status, ...fields } = patch;
    // A status in a patch is the user moving the card: a drag, or the Status field of its editor.
    if (status !== undefined) return this.lifecycle.send(id, dragTo(status), fields);
    this.db
      .update(tasks)
      .set({ ...fields, updatedAt: Date.now() })
      .where(eq(tasks.id, id))
      .run();
    const task = this.get(id);
    this.bus.emit('task.changed', { kind: 'updated', task });
    return task;
  }

  /** A parent is a task of the same project, and a task is never its own ancestor. */
  private checkParent(projectId: string, parentId: string, childId: string | null): void {
    let cursor: string | null = parentId;
    for (let depth = 0; cursor !== null; depth++) {
      const row: Pick<Task, 'projectId' | 'parentId'> | undefined = this.db
        .select({ projectId: tasks.projectId, parentId: tasks.parentId })
        .from(tasks)
        .where(eq(tasks.id, cursor))
        .get();
      if (!row) throw new SwitchyardError('NOT_FOUND', `no task with id ${cursor}`, { id: cursor });
      if (row.projectId !== projectId) {
        throw new SwitchyardError('BAD_INPUT', 'a parent task must belong to the same project', { parentId });
      }
      if (cursor === childId || depth > MAX_SUBTASK_DEPTH) {
        throw new SwitchyardError('CYCLE', 'a task cannot be a step of itself', { tasks: [childId, parentId] });
      }
      cursor = row.parentId;
    }
  }

  delete(id: string): { id: string } {
    const task = this.get(id);
    this.db.transaction((tx) => {
      // Its steps outlive it as tasks of their own; its dependency edges go with it (cascade).
      tx.update(tasks).set({ parentId: null }).where(eq(tasks.parentId, id)).run();
      tx.delete(tasks).where(eq(tasks.id, id)).run();
    }, WRITE_TRANSACTION);
    this.bus.emit('task.changed', { kind: 'deleted', id, projectId: task.projectId });
    return { id };
  }
}
