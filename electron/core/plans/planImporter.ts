import { WRITE_TRANSACTION } from '../db/client';
import { and, eq, getTableColumns, inArray, isNull, max, ne, or, sql } from 'drizzle-orm';
import { createHash, randomUUID } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MAX_PLAN_BYTES } from '../../../shared/constants';
import type { ParsedPlan, Plan, PlanImportResult, PlannedTask, PlanSource, PlanTaskField, Task } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import type { Db } from '../db/client';
import { plans, sessions, taskDeps, tasks } from '../db/schema';
import type { Disposable } from '../disposable';
import type { ProjectService } from '../projects/projectService';
import type { EventBus } from '../events';
import type { SettingsService } from '../settings/settingsService';
import { DependencyGraph } from '../tasks/dag';
import type { TaskLifecycle } from '../tasks/taskLifecycle';
import { initialStatus, nextStatus } from '../tasks/taskTransitions';
import { withMissingAgents, type AgentInstalled } from './planAgents';
import { applyPlanEdits } from './planEdits';
import { PlanParsePool } from './planParsePool';
import { parsePlanBytes } from './planParser';
import { plannedAgentOptions, reimportOf, type PlanFields } from './planReimport';

/** Distance between the order values of consecutive tasks, as TaskService uses. */
const ORDER_STEP = 1024;

interface ReadPlan {
  plan: ParsedPlan;
  contentHash: string;
  /** What identifies the plan across re-imports: its absolute path, the dropped file's name, or null. */
  origin: string | null;
}

/**
 * Reads plans (preview: nothing is written) and imports them (one transaction): a re-import of a
 * plan updates the tasks it made, matched by the plan's own id and else by title, leaves tasks
 * made by hand alone, and replaces only the dependency edges that came from the plan.
 */
export class PlanImporter implements Disposable {
  /** Parses plans on worker threads, off the event loop: started with the first plan, stopped when idle a while and on dispose. */
  private readonly parser = new PlanParsePool();

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly projects: ProjectService,
    private readonly settings: SettingsService,
    private readonly lifecycle: TaskLifecycle,
    /** Whether an agent is installed, for the preview's flags; without it every agent is taken as installed. */
    private readonly agentInstalled?: AgentInstalled,
  ) {}

  /** The plan as it would be imported, with the agents its tasks need that are not installed here. */
  async preview(source: PlanSource): Promise<ParsedPlan> {
    this.projects.get(source.projectId);
    const { plan } = await this.read(source);
    if (!this.agentInstalled) return plan;
    return withMissingAgents(plan, this.settings.value('agents.defaultKind', source.projectId), this.agentInstalled);
  }

  list(projectId: string): Plan[] {
    this.projects.get(projectId);
    return this.db.select().from(plans).where(eq(plans.projectId, projectId)).orderBy(plans.importedAt).all();
  }

  /**
   * The last plan read, by content hash: a preview followed by an import of the same file parses
   * once (for 10,000 checkbox tasks on a busy two-core machine, about 0.3–0.6 s with the parsing
   * threads warm and 1.5–2 s when they have just started; writing the rows takes longer).
   */
  private lastRead: { contentHash: string; plan: ParsedPlan } | null = null;

  private async read(source: PlanSource): Promise<ReadPlan> {
    const parse = async (contentHash: string, parser: () => Promise<ParsedPlan>): Promise<ParsedPlan> => {
      const plan = this.lastRead?.contentHash === contentHash ? this.lastRead.plan : await parser();
      this.lastRead = { contentHash, plan };
      return applyPlanEdits(plan, source.edits);
    };
    if (source.content !== undefined) {
      const content = source.content;
      const contentHash = createHash('sha256').update(content).digest('hex');
      return { plan: await parse(contentHash, () => this.parser.parseText(content)), contentHash, origin: source.fileName ?? null };
    }
    const { bytes, path } = await readPlanBytes(source.path!);
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    return { plan: await parse(contentHash, () => this.parser.parseBytes(bytes)), contentHash, origin: path };
  }

  async import(source: PlanSource): Promise<PlanImportResult> {
    const { projectId } = source;
    this.projects.get(projectId);
    const { plan, contentHash, origin } = await this.read(source);
    if (plan.tasks.length === 0) {
      throw new SwitchyardError('BAD_PLAN', 'the plan has no tasks the importer could read', { reason: 'no-tasks', warnings: plan.warnings });
    }
    if (plan.cycles.length > 0) throw cycleError(plan.cycles, plan.tasks);
    const defaultAgent = this.settings.value('agents.defaultKind', projectId);

    const outcome = this.db.transaction((tx) => {
      const now = Date.now();
      const previous = tx
        .select()
        .from(plans)
        .where(
          and(
            eq(plans.projectId, projectId),
            origin === null ? and(isNull(plans.path), plan.title === null ? isNull(plans.title) : eq(plans.title, plan.title)) : eq(plans.path, origin),
          ),
        )
        .get();
      const planId = previous?.id ?? randomUUID();
      if (previous) tx.update(plans).set({ title: plan.title, contentHash, importedAt: now }).where(eq(plans.id, planId)).run();
      else tx.insert(plans).values({ id: planId, projectId, path: origin, title: plan.title, contentHash, importedAt: now }).run();

      const existing = previous ? tx.select().from(tasks).where(eq(tasks.planId, planId)).all() : [];
      const byKey = new Map(existing.filter((t) => t.planKey !== null).map((t) => [t.planKey!, t]));
      const byTitle = new Map<string, Task>();
      for (const t of existing) if (!byTitle.has(t.title.toLowerCase())) byTitle.set(t.title.toLowerCase(), t);
      const matched = new Set<string>();
      const take = (t: PlannedTask): Task | undefined => {
        const found = [t.keyFromPlan ? byKey.get(t.key) : undefined, byTitle.get(t.title.toLowerCase())].find(
          (c) => c !== undefined && !matched.has(c.id),
        );
        if (found) matched.add(found.id);
        return found;
      };

      let order = tx.select({ order: max(tasks.order) }).from(tasks).where(eq(tasks.projectId, projectId)).get()?.order ?? 0;
      const idOfKey = new Map<string, string>();
      const created: Task[] = [];
      const changed = new Map<string, Task>();
      const applied = new Map<string, PlanTaskField[]>();
      const keptTasks: PlanImportResult['keptTasks'] = [];
      let unchanged = 0;
      for (const t of plan.tasks) {
        const match = take(t);
        const fields: PlanFields = {
          title: t.title,
          prompt: t.prompt,
          phase: t.phase,
          priority: t.priority,
          agentKind: t.agent ?? match?.agentKind ?? defaultAgent,
          agentLabel: t.agentLabel,
          // "Claude Code (Opus)": the model goes to the agent's own flag (agentOptions.model).
          agentOptions: plannedAgentOptions(t, match?.agentOptions),
          estimate: t.estimate,
          complexity: t.complexity,
          size: t.size,
          contextDocs: t.contextDocs,
          planKey: t.keyFromPlan ? t.key : null,
          steps: t.steps,
          acceptance: t.acceptance,
          optional: t.optional,
        };
        if (!match) {
          order += ORDER_STEP;
          // Written out rather than spread: a spread per row costs more than the row's insert.
          const row: Task = {
            id: randomUUID(),
            projectId,
            title: fields.title,
            prompt: fields.prompt,
            phase: fields.phase,
            priority: fields.priority,
            agentKind: fields.agentKind,
            agentLabel: fields.agentLabel,
            estimate: fields.estimate,
            complexity: fields.complexity,
            size: fields.size,
            contextDocs: fields.contextDocs,
            planKey: fields.planKey,
            steps: fields.steps,
            acceptance: fields.acceptance,
            optional: fields.optional,
            status: initialStatus(t.done ? 'plan.newDoneTask' : 'plan.newTask'),
            parentId: null,
            agentOptions: fields.agentOptions,
            planId,
            order,
            reason: null,
            limitResetAt: null,
            createdAt: now,
            updatedAt: now,
          };
          created.push(row);
          idOfKey.set(t.key, row.id);
          continue;
        }
        idOfKey.set(t.key, match.id);
        // The plan saying "done" finishes a task; a plan that does not say so never undoes work.
        const event = t.done ? 'plan.markedDone' : 'plan.reimported';
        // A task that has started keeps how it runs (agent, model, prompt…); the board's fields follow the plan.
        const ranAgent = tx.select({ id: sessions.id }).from(sessions).where(eq(sessions.taskId, match.id)).limit(1).all().length > 0;
        const reimport = reimportOf(match, fields, ranAgent);
        if (reimport.kept.length > 0) keptTasks.push({ id: match.id, key: t.key, title: t.title, status: match.status, fields: reimport.kept });
        const moves = nextStatus(match.status, event) !== match.status;
        if (reimport.applied.length === 0 && !moves) {
          unchanged++;
          continue;
        }
        applied.set(match.id, moves ? [...reimport.applied, 'status'] : reimport.applied);
        changed.set(match.id, this.lifecycle.moveIn(tx, match, event, reimport.fields, now));
      }
      const createdById = new Map(created.map((row) => [row.id, row]));
      const existingById = new Map(existing.map((row) => [row.id, row]));
      for (const t of plan.tasks) {
        const row = createdById.get(idOfKey.get(t.key)!);
        if (row) row.parentId = t.parentKey === null ? null : (idOfKey.get(t.parentKey) ?? null);
      }
      insertTasks(tx, created);
      for (const t of plan.tasks) {
        const id = idOfKey.get(t.key)!;
        const parentId = t.parentKey === null ? null : (idOfKey.get(t.parentKey) ?? null);
        const before = changed.get(id) ?? existingById.get(id);
        if (!before || before.parentId === parentId) continue;
        tx.update(tasks).set({ parentId, updatedAt: now }).where(eq(tasks.id, id)).run();
        if (!changed.has(id)) unchanged--;
        changed.set(id, { ...before, parentId, updatedAt: now });
        applied.set(id, [...(applied.get(id) ?? []), 'parent']);
      }

      const planEdges = plan.edges.map((e) => ({ taskId: idOfKey.get(e.task)!, dependsOnId: idOfKey.get(e.dependsOn)!, planId }));
      const projectIds = tx.select({ id: tasks.id }).from(tasks).where(eq(tasks.projectId, projectId));
      const otherEdges = tx
        .select({ taskId: taskDeps.taskId, dependsOnId: taskDeps.dependsOnId })
        .from(taskDeps)
        .where(and(inArray(taskDeps.taskId, projectIds), or(isNull(taskDeps.planId), ne(taskDeps.planId, planId))))
        .all();
      const allIds = tx.select({ id: tasks.id, title: tasks.title }).from(tasks).where(eq(tasks.projectId, projectId)).all();
      const loops = new DependencyGraph(
        allIds.map((t) => t.id),
        [...otherEdges, ...planEdges],
      ).cycles();
      if (loops.length > 0) {
        const titles = new Map(allIds.map((t) => [t.id, t.title]));
        const loop = loops[0]!;
        throw new SwitchyardError(
          'CYCLE',
          `with the dependencies made on the board, the plan closes a loop: ${loop.map((id) => `"${titles.get(id)}"`).join(' → ')}`,
          { tasks: loop.map((id) => ({ id, title: titles.get(id) ?? id })) },
        );
      }
      tx.delete(taskDeps).where(eq(taskDeps.planId, planId)).run();
      if (planEdges.length > 0) {
        // An edge the user also drew on the board stays the user's (no conflict error, no duplicate).
        const insertEdge = tx
          .insert(taskDeps)
          .values({ taskId: sql.placeholder('taskId'), dependsOnId: sql.placeholder('dependsOnId'), planId: sql.placeholder('planId') })
          .onConflictDoNothing()
          .prepare();
        for (const edge of planEdges) insertEdge.run(edge);
      }
      return {
        planId,
        created,
        changed: [...changed.values()],
        unchanged,
        notInPlan: existing.length - matched.size,
        edges: planEdges.length,
        updatedTasks: plan.tasks.flatMap((t) => {
          const id = idOfKey.get(t.key)!;
          const fields = applied.get(id);
          return fields ? [{ id, key: t.key, title: t.title, fields }] : [];
        }),
        keptTasks,
      };
    }, WRITE_TRANSACTION);

    for (const task of outcome.created) this.bus.emit('task.changed', { kind: 'created', task });
    for (const task of outcome.changed) this.bus.emit('task.changed', { kind: 'updated', task });
    this.bus.emit('task.dependenciesChanged', { projectId });
    return {
      planId: outcome.planId,
      created: outcome.created.length,
      updated: outcome.changed.length,
      unchanged: outcome.unchanged,
      notInPlan: outcome.notInPlan,
      edges: outcome.edges,
      warnings: plan.warnings,
      updatedTasks: outcome.updatedTasks,
      keptTasks: outcome.keptTasks,
    };
  }

  dispose(): Promise<void> {
    return this.parser.dispose();
  }
}

/**
 * Inserts new task rows with one prepared statement run per row: building multi-row INSERTs
 * through the query builder costs more than SQLite's own work (about 0.6 s for 10,000 rows).
 * The placeholders are named after the row's fields, and still go through each column's mapping.
 */
function insertTasks(tx: Pick<Db, 'insert'>, rows: Task[]): void {
  if (rows.length === 0) return;
  const placeholders = Object.fromEntries(Object.keys(getTableColumns(tasks)).map((column) => [column, sql.placeholder(column)]));
  const statement = tx.insert(tasks).values(placeholders as unknown as typeof tasks.$inferInsert).prepare();
  for (const row of rows) statement.run(row);
}

/**
 * Reads a plan file (reading only): PATH_NOT_FOUND when it is missing or not a file, BAD_PLAN when
 * it is too big (checked before reading), binary, empty or not text.
 */
export async function readPlanFile(file: string): Promise<ReadPlan & { origin: string }> {
  const { bytes, path } = await readPlanBytes(file);
  return { plan: parsePlanBytes(bytes), contentHash: createHash('sha256').update(bytes).digest('hex'), origin: path };
}

async function readPlanBytes(file: string): Promise<{ bytes: Buffer; path: string }> {
  const path = resolve(file);
  const info = await stat(path).catch(() => null);
  if (!info) throw new SwitchyardError('PATH_NOT_FOUND', `no such file: ${path}`, { path });
  if (!info.isFile()) throw new SwitchyardError('PATH_NOT_FOUND', `not a file: ${path}`, { path });
  if (info.size > MAX_PLAN_BYTES) {
    throw new SwitchyardError('BAD_PLAN', `the plan is ${info.size} bytes; the importer reads at most ${MAX_PLAN_BYTES}`, {
      reason: 'too-large',
      bytes: info.size,
      limit: MAX_PLAN_BYTES,
    });
  }
  return { bytes: await readFile(path), path };
}

/** CYCLE naming the tasks of the first loop by key and title; every loop is in the details. */
export function cycleError(cycles: string[][], planned: PlannedTask[]): SwitchyardError {
  const titles = new Map(planned.map((t) => [t.key, t.title]));
  const first = cycles[0]!;
  return new SwitchyardError(
    'CYCLE',
    `the plan's dependencies loop: ${first.map((key) => `${key} "${titles.get(key) ?? ''}"`).join(' → ')}`,
    { tasks: first.map((key) => ({ key, title: titles.get(key) ?? key })), cycles },
  );
}
