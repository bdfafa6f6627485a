import { resolve } from 'node:path';
import type { ParsedPlan, PlanImportResult, Project } from '../../shared/contract';
import { cycleError, readPlanFile } from '../core/plans/planImporter';
import { formatPlan, planJson } from '../core/plans/planReport';
import { projectFor } from './taskRef';
import { failure, withCore } from './withCore';

interface ImportFlags {
  project?: string;
  dryRun?: boolean;
  json?: boolean;
  dataDir?: string;
}

/**
 * Prints the plan as read and, unless it is a dry run, imports it. The plan is parsed once: by
 * this process for a dry run, else by the core, whose import then takes the plan it just read.
 * A plan with a loop is printed, then refused with CYCLE (non-zero exit).
 */
export async function importPlan(file: string, flags: ImportFlags): Promise<void> {
  const print = (plan: ParsedPlan) => {
    console.log(flags.json ? JSON.stringify(planJson(plan), null, 2) : formatPlan(plan));
    if (plan.cycles.length > 0) throw failure(cycleError(plan.cycles, plan.tasks));
  };
  if (flags.dryRun) {
    const { plan } = await readPlanFile(file).catch((error: unknown) => {
      throw failure(error);
    });
    print(plan);
    return;
  }
  await withCore(flags.dataDir, async (access) => {
    const project: Project = await projectFor(access, flags.project, { add: true });
    const source = { projectId: project.id, path: resolve(file) };
    print(await access.call<ParsedPlan>('plans.preview', source));
    const result = await access.call<PlanImportResult>('plans.import', source);
    const started = result.keptTasks.length;
    const kept =
      started > 0 ? `; ${started} ${started === 1 ? 'task' : 'tasks'} already started kept the agent, model, prompt, priority and acceptance they started with (${shownKeys(result.keptTasks)})` : '';
    const summary = `imported into ${project.name} (${project.path}): ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${result.edges} dependencies${result.notInPlan > 0 ? `; ${result.notInPlan} earlier tasks no longer in the plan were kept` : ''}${kept}`;
    // With --json, stdout carries only the plan's JSON; the summary goes beside it.
    if (flags.json) console.error(summary);
    else console.log(`\n${summary}`);
  });
}

/** Most keys a one-line summary names; the rest are counted. */
const SUMMARY_KEYS = 10;

function shownKeys(tasks: { key: string }[]): string {
  const keys = tasks.slice(0, SUMMARY_KEYS).map((t) => t.key).join(', ');
  return tasks.length > SUMMARY_KEYS ? `${keys} and ${tasks.length - SUMMARY_KEYS} more` : keys;
}
