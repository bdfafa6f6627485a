import { asc, eq, max } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import type { ParsedInputOf, Task, TaskPatch } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Db } from '../db/client';
import { tasks } from '../db/schema';
import type { ProjectService } from '../projects/projectService';
import type { EventBus } from '../rpc/eventBus';
import type { SettingsService } from '../settings/settingsService';

/** Distance between the order values of consecutive new tasks; drops in between halve it. */
const ORDER_STEP = 1024;

export class TaskService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly projects: ProjectService,
    private readonly settings: SettingsService,
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

  create(input: ParsedInputOf<'tasks.create'>): Task {
    this.projects.get(input.projectId);
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
        status: input.status,
        priority: input.priority,
        agentKind: input.agentKind ?? this.settings.value('agents.defaultKind', input.projectId),
        phase: input.phase,
        order: (last?.order ?? 0) + ORDER_STEP,
        createdAt: now,
        updatedAt: now,
      };
      tx.insert(tasks).values(row).run();
      return row;
    });
    this.bus.emit('task.changed', { kind: 'created', task });
    return task;
  }

  update(id: string, patch: TaskPatch): Task {
    this.get(id);
    this.db
      .update(tasks)
      .set({ ...patch, updatedAt: Date.now() })
      .where(eq(tasks.id, id))
      .run();
    const task = this.get(id);
    this.bus.emit('task.changed', { kind: 'updated', task });
    return task;
  }

  delete(id: string): { id: string } {
    const task = this.get(id);
    this.db.delete(tasks).where(eq(tasks.id, id)).run();
    this.bus.emit('task.changed', { kind: 'deleted', id, projectId: task.projectId });
    return { id };
  }
}
