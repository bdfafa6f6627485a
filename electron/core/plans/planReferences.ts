import { MAX_PLAN_TASKS, MAX_PROMPT_LENGTH, MAX_TITLE_LENGTH } from '../../../shared/constants';
import type { ContextDoc, ParsedPlan, PlanEdge, PlanFormat, PlanPhase, PlannedTask, PlanWarning, TaskPriority, TaskSize, TaskStep } from '../../../shared/contract';
import { SwitchyardError } from '../../../shared/errors';
import { DependencyGraph } from '../tasks/dag';
import { recognizeAgent } from '../agents/recognize';
import { readReferences } from './planFields';
import { unmarkOptionalItems, type OrderStatement } from './planFormats';
import { deriveOrder } from './planOrder';

/** Shortest reference matched as the start of a title; shorter ones match too much by chance. */
const MIN_TITLE_PREFIX = 4;
/** Beyond this many tasks, references by the start of a title are not looked for (each is a scan). */
const MAX_TASKS_FOR_PREFIX_MATCH = 2_000;

/** A task as the reader found it, with its references still as the plan wrote them. */
export interface TaskDraft {
  key: string | null;
  title: string;
  phase: string | null;
  parent: TaskDraft | null;
  agentLabel: string | null;
  priority: TaskPriority | null;
  done: boolean | null;
  dependsOnRefs: string[];
  blocksRefs: string[];
  parallelRefs: string[];
  estimate: string | null;
  complexity: string | null;
  size: TaskSize | null;
  promptBlocks: string[];
  body: string[];
  /** What shows it is done (validation lines, acceptance criteria, test strategy). */
  validation: string[];
  contextDocs: ContextDoc[];
  steps: StepDraft[];
  optional: boolean;
  parallel: boolean;
  story: string | null;
  line: number;
  source: 'heading' | 'list' | 'table' | 'json';
}

export interface StepDraft {
  key: string | null;
  text: string;
  done: boolean;
  optional: boolean;
}

export interface PhaseDraft {
  name: string;
  number: number | null;
  done: boolean;
  line: number;
  /** Its success criteria, checkpoints and deliverables. */
  acceptance: string[];
}

export function newDraft(fields: Pick<TaskDraft, 'key' | 'title' | 'phase' | 'parent' | 'line' | 'source'>): TaskDraft {
  // Written out rather than spread: every draft gets the same shape, which keeps 10,000 of them cheap.
  return {
    key: fields.key,
    title: fields.title,
    phase: fields.phase,
    parent: fields.parent,
    line: fields.line,
    source: fields.source,
    agentLabel: null,
    priority: null,
    done: null,
    dependsOnRefs: [],
    blocksRefs: [],
    parallelRefs: [],
    estimate: null,
    complexity: null,
    size: null,
    promptBlocks: [],
    body: [],
    validation: [],
    contextDocs: [],
    steps: [],
    optional: false,
    parallel: false,
    story: null,
  };
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/**
 * Turns drafts into the importer's answer: unique keys (a repeated id gets "~2" and a warning),
 * references resolved to keys (unknown ones dropped with a warning), "Blocks" folded into the
 * other side's dependencies, unknown agents flagged, and loops named.
 */
export function resolvePlan(
  title: string | null,
  drafts: TaskDraft[],
  phaseDrafts: PhaseDraft[],
  warnings: PlanWarning[],
  how: { format: PlanFormat; statements: OrderStatement[] } = { format: 'markdown', statements: [] },
): ParsedPlan {
  if (drafts.length > MAX_PLAN_TASKS) {
    throw new SwitchyardError('BAD_PLAN', `the plan has ${drafts.length} tasks; the importer takes at most ${MAX_PLAN_TASKS}`, {
      reason: 'too-many-tasks',
      tasks: drafts.length,
      limit: MAX_PLAN_TASKS,
    });
  }
  const keys = assignKeys(drafts, warnings);
  const byKey = new Map<string, number>();
  const byTitle = new Map<string, number>();
  drafts.forEach((draft, i) => {
    byKey.set(keys[i]!, i);
    const title = draft.title.toLowerCase();
    if (!byTitle.has(title)) byTitle.set(title, i);
  });
  const byPhase = new Map<number, number[]>();
  const phaseNumber = new Map<string, number | null>();
  for (const p of phaseDrafts) if (!phaseNumber.has(p.name)) phaseNumber.set(p.name, p.number);
  drafts.forEach((draft, i) => {
    const n = draft.phase === null ? null : (phaseNumber.get(draft.phase) ?? null);
    if (n === null) return;
    const members = byPhase.get(n);
    if (members) members.push(i);
    else byPhase.set(n, [i]);
  });

  // "Depends on: Settings" for the task "Settings System": the one title that starts with it.
  const lowerTitles = drafts.length <= MAX_TASKS_FOR_PREFIX_MATCH ? drafts.map((d) => d.title.toLowerCase()) : [];
  const titleByPrefix = (prefix: string): number | undefined => {
    if (prefix.length < MIN_TITLE_PREFIX) return undefined;
    const found = lowerTitles.flatMap((title, i) => (title.startsWith(prefix) ? [i] : []));
    return found.length === 1 ? found[0] : undefined;
  };

  const resolve = (i: number, raw: string[], what: string): number[] => {
    const found: number[] = [];
    const draft = drafts[i]!;
    const where = (text: string) => `task ${keys[i]} ("${truncate(draft.title, 60)}") ${what} ${text}`;
    for (const text of raw) {
      const refs = readReferences(text);
      for (const id of refs.ids) {
        const j = byKey.get(id) ?? byKey.get(id.toUpperCase()) ?? byKey.get(id.toLowerCase());
        if (j === undefined) warnings.push({ line: draft.line, message: where(`${id}, which is not a task in the plan; ignored`) });
        else if (j === i) warnings.push({ line: draft.line, message: where('itself; ignored') });
        else found.push(j);
      }
      for (const n of refs.phases) {
        const members = byPhase.get(n);
        if (!members) warnings.push({ line: draft.line, message: where(`phase ${n}, which has no tasks in the plan; ignored`) });
        else found.push(...members.filter((j) => j !== i));
      }
      for (const name of refs.titles) {
        const whole = byTitle.get(name.toLowerCase());
        const parts = whole !== undefined ? [name] : name.split(/\band\b|&/i).map((p) => p.trim()).filter((p) => p !== '');
        for (const part of parts) {
          const bare = part.replace(/\b(?:tasks?|steps?|all)\b/gi, ' ').trim().toLowerCase();
          const j = byTitle.get(part.toLowerCase()) ?? byTitle.get(bare) ?? titleByPrefix(bare);
          if (j === undefined) warnings.push({ line: draft.line, message: where(`"${truncate(part, 60)}", which is not a task in the plan; ignored`) });
          else if (j !== i) found.push(j);
        }
      }
    }
    return [...new Set(found)];
  };

  const dependsOn = drafts.map(() => new Set<number>());
  const blocks: number[][] = [];
  const parallel: number[][] = [];
  drafts.forEach((draft, i) => {
    for (const j of resolve(i, draft.dependsOnRefs, 'depends on')) dependsOn[i]!.add(j);
    blocks[i] = resolve(i, draft.blocksRefs, 'blocks');
    for (const j of blocks[i]!) dependsOn[j]!.add(i);
    parallel[i] = resolve(i, draft.parallelRefs, 'runs in parallel with');
  });

  const indexOf = new Map(drafts.map((draft, i) => [draft, i]));
  const unknownAgents = new Map<string, number[]>();
  const tasks: PlannedTask[] = drafts.map((draft, i) => {
    const recognized = draft.agentLabel === null ? null : recognizeAgent(draft.agentLabel);
    const agent = recognized?.kind ?? null;
    if (draft.agentLabel !== null && agent === null) {
      const label = draft.agentLabel.replace(/\s*\(.*\)\s*$/, '');
      const members = unknownAgents.get(label);
      if (members) members.push(i);
      else unknownAgents.set(label, [i]);
    }
    const title = truncatedTitle(draft, keys[i]!, warnings);
    const steps: TaskStep[] = draft.steps.map((step, n) => ({ key: step.key ?? `${keys[i]}/${n + 1}`, text: step.text, done: step.done, optional: step.optional }));
    const done = draft.done ?? (steps.length > 0 && steps.every((step) => step.done || step.optional));
    const stated = [...dependsOn[i]!].sort((a, b) => a - b).map((j) => keys[j]!);
    return {
      key: keys[i]!,
      keyFromPlan: draft.key !== null,
      title,
      phase: draft.phase,
      parentKey: draft.parent === null ? null : keys[indexOf.get(draft.parent)!]!,
      agent,
      agentLabel: draft.agentLabel,
      model: recognized?.model ?? null,
      priority: draft.priority ?? 'normal',
      done,
      optional: draft.optional,
      parallel: draft.parallel,
      story: draft.story,
      dependsOn: stated,
      statedDependsOn: stated,
      blocks: blocks[i]!.map((j) => keys[j]!),
      parallelWith: parallel[i]!.map((j) => keys[j]!),
      estimate: draft.estimate,
      complexity: draft.complexity,
      size: draft.size,
      prompt: promptOf(draft, title, keys[i]!, warnings),
      steps,
      acceptance: draft.validation,
      contextDocs: draft.contextDocs,
      line: draft.line,
    };
  });
  for (const [label, members] of unknownAgents) {
    warnings.push({
      line: drafts[members[0]!]!.line,
      message: `unknown agent "${label}" for ${members.map((i) => keys[i]).join(', ')}: kept as text; choose an agent before running`,
    });
  }

  const order = deriveOrder(
    tasks,
    new Map(tasks.map((t) => [t.key, new Set(t.dependsOn)])),
    phaseDrafts,
    { format: how.format, statements: how.statements },
    warnings,
  );
  if (order.derived.length > 0) {
    const position = new Map(keys.map((key, i) => [key, i]));
    for (const t of tasks) t.dependsOn = [...order.deps.get(t.key)!].sort((a, b) => position.get(a)! - position.get(b)!);
  }
  const edges: PlanEdge[] = tasks.flatMap((t) => t.dependsOn.map((dep) => ({ task: t.key, dependsOn: dep })));
  const cycles = new DependencyGraph(
    keys,
    edges.map((e) => ({ taskId: e.task, dependsOnId: e.dependsOn })),
  ).cycles();
  for (const cycle of cycles) {
    warnings.push({
      line: drafts[byKey.get(cycle[0]!)!]!.line,
      message: `CYCLE: ${cycle.join(' → ')} wait for each other; the plan cannot be imported until one dependency is removed`,
    });
  }
  if (tasks.length === 0) warnings.push({ message: 'no tasks found: the plan has no task headings, checkbox lists or task tables' });

  const counts = new Map<string, number>();
  for (const t of tasks) if (t.phase !== null) counts.set(t.phase, (counts.get(t.phase) ?? 0) + 1);
  const named = new Set<string>();
  const phases: PlanPhase[] = phaseDrafts
    .filter((p) => counts.has(p.name) && !named.has(p.name) && named.add(p.name))
    .map((p) => ({ name: p.name, number: p.number, done: p.done, line: p.line, taskCount: counts.get(p.name)!, acceptance: phaseAcceptance(phaseDrafts, p.name) }));
  if (order.unorderedPhases) {
    warnings.push({
      line: phases[0]?.line,
      message: `the plan has ${phases.length} phases and does not say in which order they run: they may all run at once (the preview can run them in order)`,
    });
  }
  warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { title, format: how.format, tasks, edges, phases, warnings, cycles, derived: order.derived, unorderedPhases: order.unorderedPhases, missingAgents: [] };
}

/** The acceptance of every heading of a phase's name (a phase may be written in two places). */
function phaseAcceptance(phaseDrafts: PhaseDraft[], name: string): string[] {
  return phaseDrafts.filter((p) => p.name === name).flatMap((p) => p.acceptance);
}

function assignKeys(drafts: TaskDraft[], warnings: PlanWarning[]): string[] {
  const taken = new Set<string>();
  const keys: (string | null)[] = drafts.map((draft) => {
    if (draft.key === null) return null;
    if (!taken.has(draft.key)) {
      taken.add(draft.key);
      return draft.key;
    }
    let n = 2;
    while (taken.has(`${draft.key}~${n}`)) n++;
    const key = `${draft.key}~${n}`;
    taken.add(key);
    warnings.push({ line: draft.line, message: `id ${draft.key} is used twice; this one ("${truncate(draft.title, 60)}") is ${key}, references to ${draft.key} mean the first` });
    return key;
  });
  return keys.map((key, i) => {
    if (key !== null) return key;
    let n = i + 1;
    while (taken.has(`#${n}`)) n++;
    taken.add(`#${n}`);
    return `#${n}`;
  });
}

function truncatedTitle(draft: TaskDraft, key: string, warnings: PlanWarning[]): string {
  if (draft.title.trim() === '') return `Task ${key}`;
  if (draft.title.length <= MAX_TITLE_LENGTH) return draft.title;
  warnings.push({ line: draft.line, message: `the title of ${key} is longer than ${MAX_TITLE_LENGTH} characters; it was shortened` });
  return truncate(draft.title, MAX_TITLE_LENGTH);
}

/** The fenced prompt when the plan gives one, else what the task's section says; then its checks. */
function promptOf(draft: TaskDraft, title: string, key: string, warnings: PlanWarning[]): string {
  let prompt = unmarkOptionalItems((draft.promptBlocks.length > 0 ? draft.promptBlocks.join('\n\n') : draft.body.join('\n\n')).trim());
  // A body that is only a label ("**Sub-tasks:**" before the steps) says nothing to an agent.
  if (prompt === '' || /^[^\n]{0,80}:(?:\*\*|__)?$/.test(prompt)) prompt = title;
  if (draft.validation.length > 0) prompt = `${prompt}\n\nValidation:\n${draft.validation.map((v) => `- ${v}`).join('\n')}`;
  if (prompt.length > MAX_PROMPT_LENGTH) {
    warnings.push({ line: draft.line, message: `the prompt of ${key} is longer than ${MAX_PROMPT_LENGTH} characters; it was shortened` });
    prompt = truncate(prompt, MAX_PROMPT_LENGTH);
  }
  return prompt;
}
