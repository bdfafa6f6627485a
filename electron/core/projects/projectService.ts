import { WRITE_TRANSACTION } from '../db/client';
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import type { Project } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Db } from '../db/client';
import { projects, settings } from '../db/schema';
import { inspectRepository } from '../git/repository';
import type { EventBus } from '../events';

/** The branch a project's tasks start from when HEAD is detached and nothing else says. */
const FALLBACK_BASE_BRANCH = 'main';

export class ProjectService {
  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
  ) {}

  list(): Project[] {
    return this.db.select().from(projects).orderBy(projects.createdAt).all();
  }

  get(id: string): Project {
    const row = this.db.select().from(projects).where(eq(projects.id, id)).get();
    if (!row) throw new SwitchyardError('NOT_FOUND', `no project with id ${id}`, { id });
    return row;
  }

  async add(inputPath: string, name?: string): Promise<Project> {
    const repo = await inspectRepository(resolve(inputPath));
    const root = await realpath(repo.root);
    const existing = this.db.select().from(projects).where(eq(projects.path, root)).get();
    if (existing) {
      throw new SwitchyardError('ALREADY_EXISTS', `${root} is already a project ("${existing.name}")`, {
        id: existing.id,
      });
    }
    const project: Project = {
      id: randomUUID(),
      name: name ?? basename(root),
      path: root,
      baseBranch: repo.branch ?? FALLBACK_BASE_BRANCH,
      createdAt: Date.now(),
    };
    this.db.insert(projects).values(project).run();
    this.bus.emit('project.changed', { kind: 'added', project });
    return project;
  }

  /** Forgets the project and its tasks and settings; the repository on disk is not touched. */
  remove(id: string): { id: string } {
    this.get(id);
    this.db.transaction((tx) => {
      tx.delete(settings).where(eq(settings.projectId, id)).run();
      tx.delete(projects).where(eq(projects.id, id)).run();
    }, WRITE_TRANSACTION);
    this.bus.emit('project.changed', { kind: 'removed', id });
    return { id };
  }
}
