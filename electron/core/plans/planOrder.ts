import type { DerivedEdge, PlanEdge, PlanFormat, PlanWarning } from '../../../shared/contract';
import type { OrderStatement } from './planFormats';

/** What the order reader needs of a task. */
export interface OrderTask {
  key: string;
  title: string;
  phase: string | null;
  parallel: boolean;
  parentKey: string | null;
}

export interface OrderPhase {
  name: string;
  number: number | null;
}

/** Past this many task edges, one phase order is not expanded (a warning says so): it would be more edges than a board can show. */
export const MAX_EDGES_PER_DERIVED = 20_000;

const SPEC_KIT_CHAIN_BECAUSE = 'spec-kit runs the tasks of a phase in order; only tasks marked [P] run beside each other';
export const PHASES_IN_ORDER_BECAUSE = 'each phase waits for the one before it (run phases in order)';

/** Words around a phase's name that do not name it: "Depends on Setup completion", "the Foundational phase". */
const FILLER_RE =
  /\b(?:the|all|any|every|each|desired|other|phases?|stages?|tasks?|work|completion|complete|completed|completes|being|is|are|be|been|has|have|finished|done|must|can|only|then|first|fully|of|to|its|their|ready)\b/gi;
/** "depends on X", "can start after X": the subject waits for X. */
const WAITS_RE = /\b(?:depends?\s+on|depending\s+on|dependent\s+on|can\s+(?:only\s+)?(?:start|begin|run)\s+(?:once|after|when)|(?:starts?|begins?|runs?|comes?)\s+after|waits?\s+(?:for|on)|requires?|needs|is\s+blocked\s+by|blocked\s+by|after)\b\s*:?\s*/i;
/** "X blocks Y", "X must be complete before Y": Y waits for X. */
const BLOCKS_RE = /\b(?:blocks?|is\s+blocking|blocking|(?:must\s+)?(?:be\s+)?(?:complete|completed|finished|done)\s+before|precedes?|comes?\s+before|before)\b\s*:?\s*/i;
const ARROW_RE = /\s*(?:→|->|⟶|=>)\s*/;
/** Headings and labels over an arrow chain that make it an order: "Critical Path", "Execution Order". */
const ORDER_CONTEXT_RE = /critical\s+path|execution\s+order|order\s+of|phase\s+order|sequence|dependenc|depends/i;

/**
 * The phases a phrase names: "Phase 2", "Phases 3-5", "Phase 3+", "the final phase", "all user
 * stories", "User Story 2", or a phase's name ("Setup", "Foundational", "Polish"). Names come
 * before numbers: "User Stories (Phase 3+)" is the user story phases, not every phase from 3.
 */
export function phasesNamed(phrase: string, phases: readonly OrderPhase[]): number[] {
  const text = phrase.replace(/[*_`"“”]/g, '').trim();
  if (text === '') return [];
  const found = new Set<number>();
  const story = /\b(?:user\s+)?stor(?:y|ies)\s+(\d+)\b|\bUS(\d+)\b/gi;
  for (const m of text.matchAll(story)) {
    const n = m[1] ?? m[2];
    phases.forEach((p, i) => {
      if (new RegExp(`\\b(?:user\\s+story\\s+${n}|US${n})\\b`, 'i').test(p.name)) found.add(i);
    });
  }
  if (found.size === 0 && /\b(?:all|every|each|the)?\s*user\s+stor(?:y|ies)\b(?!\s+\d)/i.test(text)) {
    phases.forEach((p, i) => {
      if (/\buser\s+stor(?:y|ies)\b|\bUS\d+\b/i.test(p.name)) found.add(i);
    });
  }
  if (found.size === 0) {
    const bare = text
      .replace(/\([^)]*\)/g, ' ')
      .replace(FILLER_RE, ' ')
      .replace(/[^\p{L}\p{N}&/+ -]/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .toLowerCase();
    if (bare.length >= 3 && !/^\d+\+?$/.test(bare)) {
      phases.forEach((p, i) => {
        const name = shortName(p.name);
        if (name !== '' && (name === bare || name.startsWith(`${bare} `) || name.startsWith(bare) || bare === name.split(' (')[0])) found.add(i);
      });
      if (found.size > 1) {
        // "Setup" may start two names; the one it is all of wins.
        const exact = [...found].filter((i) => shortName(phases[i]!.name).replace(/\s*\(.*$/, '') === bare);
        if (exact.length > 0) return exact;
      }
    }
  }
  if (found.size === 0) {
    for (const m of text.matchAll(/\b(?:phase|stage|milestone|sprint)s?\s+(\d+)(?:\s*(\+)|\s*(?:-|–|—|to|through|and|&)\s*(?:phase\s+)?(\d+))?/gi)) {
      const first = Number(m[1]);
      const last = m[2] ? Infinity : m[3] ? Number(m[3]) : first;
      phases.forEach((p, i) => {
        if (p.number !== null && p.number >= first && p.number <= last) found.add(i);
      });
    }
    if (/\b(?:final|last)\s+phase\b/i.test(text) && phases.length > 0) found.add(phases.length - 1);
  }
  return [...found].sort((a, b) => a - b);
}

/** A phase's name without its "Phase 2:" lead: "Foundational (Blocking Prerequisites)". */
function shortName(name: string): string {
  return name
    .replace(/^(?:phase|stage|milestone|sprint|week|iteration|epic|part|wave)\s*#?\s*(?:\d+|[IVX]+|[A-Z])?\s*[:.–—-]?\s*/i, '')
    .replace(/[^\p{L}\p{N}&/+() -]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

interface PhaseOrder {
  from: number;
  to: number;
  because: string;
  line: number;
}

/**
 * Reads the orders between phases that lines of a plan state: "**Foundational (Phase 2)**: Depends
 * on Setup completion - BLOCKS all user stories", "Phase 3 can start after Phase 2", "Critical
 * Path: Core Framework → Install Command → Release". Each clause is read on its own; one whose
 * sides do not both name phases says nothing.
 */
export function readPhaseOrders(statements: readonly OrderStatement[], phases: readonly OrderPhase[]): PhaseOrder[] {
  const orders: PhaseOrder[] = [];
  if (phases.length < 2) return orders;
  const add = (from: number[], to: number[], statement: OrderStatement) => {
    for (const f of from) for (const t of to) if (f !== t) orders.push({ from: f, to: t, because: statement.text, line: statement.line });
  };
  for (const statement of statements) {
    const label = /^\s*(?:[-*+]|\d+[.)])?\s*([^:]{1,80}?)\s*:\s+(.*)$/.exec(statement.text);
    const subjectText = label?.[1] ?? null;
    const predicate = label ? label[2]! : statement.text;
    if (ARROW_RE.test(predicate)) {
      const chained = ORDER_CONTEXT_RE.test(subjectText ?? '') || ORDER_CONTEXT_RE.test(statement.context);
      const parts = predicate
        .split(ARROW_RE)
        .map((part) => part.replace(/[.…]+$/, '').trim())
        .filter((part) => part !== '' && !/^(?:…|\.\.\.)$/.test(part));
      const named = parts.map((part) => phasesNamed(part, phases));
      if (parts.length >= 2 && named.every((n) => n.length > 0) && (chained || parts.every((part) => /\bphase\b/i.test(part)))) {
        for (let i = 1; i < named.length; i++) add(named[i - 1]!, named[i]!, statement);
        continue;
      }
    }
    const subject = subjectText === null ? [] : phasesNamed(subjectText, phases);
    for (const clause of predicate.split(/\s+[-–—]\s+|;\s*|\.\s+|,\s+(?=(?:and\s+)?(?:blocks?|depends?|can|must|waits?|requires?)\b)/i)) {
      readClause(clause, subject, phases, (from, to) => add(from, to, statement));
    }
  }
  return orders;
}

function readClause(clause: string, subject: number[], phases: readonly OrderPhase[], add: (from: number[], to: number[]) => void): void {
  const waits = WAITS_RE.exec(clause);
  const blocks = BLOCKS_RE.exec(clause);
  const verb = waits && (!blocks || waits.index <= blocks.index) ? { m: waits, waits: true } : blocks ? { m: blocks, waits: false } : null;
  if (!verb) return;
  const before = clause.slice(0, verb.m.index);
  const after = clause.slice(verb.m.index + verb.m[0].length).replace(/\s*\((?:if|when|unless)[^)]*\)\s*/gi, ' ');
  const own = phasesNamed(before, phases);
  const left = own.length > 0 ? own : subject;
  let right = phasesNamed(after, phases);
  if (right.length === 0 && /\b(?:all\s+)?(?:other|later|following|remaining|subsequent)\s+phases\b/i.test(after) && left.length > 0) {
    const last = Math.max(...left);
    right = phases.map((_, i) => i).filter((i) => i > last);
  }
  if (left.length === 0 || right.length === 0) return;
  if (verb.waits) add(right, left);
  else add(left, right);
}

/** Task keys by phase, in plan order. */
function membersByPhase(tasks: readonly OrderTask[]): Map<string, string[]> {
  const members = new Map<string, string[]>();
  for (const t of tasks) {
    if (t.phase === null) continue;
    const list = members.get(t.phase);
    if (list) list.push(t.key);
    else members.set(t.phase, [t.key]);
  }
  return members;
}

/**
 * The task edges that make the tasks of phase `to` wait for those of `from`: the tasks of `to`
 * that wait for nothing in their phase wait for the tasks of `from` that nothing in theirs waits
 * for. Through the edges inside each phase this orders every pair, with far fewer edges.
 */
export function phaseEdges(members: Map<string, string[]>, deps: Map<string, Set<string>>, from: string, to: string): PlanEdge[] {
  const first = members.get(from) ?? [];
  const second = members.get(to) ?? [];
  if (first.length === 0 || second.length === 0) return [];
  const inFirst = new Set(first);
  const waitedFor = new Set<string>();
  for (const key of first) for (const dep of deps.get(key) ?? []) if (inFirst.has(dep)) waitedFor.add(dep);
  const ends = first.filter((key) => !waitedFor.has(key));
  const inSecond = new Set(second);
  const starts = second.filter((key) => ![...(deps.get(key) ?? [])].some((dep) => inSecond.has(dep)));
  const edges: PlanEdge[] = [];
  for (const task of starts) for (const dependsOn of ends) edges.push({ task, dependsOn });
  return edges;
}

/** An order between two phases, by name; `line` 0 when no line of the plan states it. */
export interface NamedOrder {
  from: string;
  to: string;
  because: string;
  line: number;
}

/** "Each phase waits for the one before it", for phases in plan order. */
export function phasesInOrder(phases: readonly OrderPhase[]): NamedOrder[] {
  return phases.slice(1).map((p, i) => ({ from: phases[i]!.name, to: p.name, because: PHASES_IN_ORDER_BECAUSE, line: 0 }));
}

/**
 * Phase orders as task edges, added to `deps` (see phaseEdges), in the order given; a repeated
 * or dropped order is left out, and so is one that would take more than MAX_EDGES_PER_DERIVED.
 */
export function expandPhaseOrders(
  tasks: readonly OrderTask[],
  deps: Map<string, Set<string>>,
  orders: readonly NamedOrder[],
  drop: ReadonlySet<string>,
  warnings: PlanWarning[],
): DerivedEdge[] {
  const members = membersByPhase(tasks);
  const seen = new Set<string>();
  const derived: DerivedEdge[] = [];
  for (const order of orders) {
    const id = `${order.from}→${order.to}`;
    if (seen.has(id) || drop.has(id) || order.from === order.to) continue;
    seen.add(id);
    const edges = phaseEdges(members, deps, order.from, order.to).filter((e) => !deps.get(e.task)!.has(e.dependsOn));
    if (edges.length > MAX_EDGES_PER_DERIVED) {
      warnings.push({ ...(order.line > 0 ? { line: order.line } : {}), message: `"${order.from}" before "${order.to}" would take ${edges.length} dependencies; not added` });
      continue;
    }
    for (const e of edges) deps.get(e.task)!.add(e.dependsOn);
    derived.push({ id, kind: 'phase', from: order.from, to: order.to, because: order.because, ...(order.line > 0 ? { line: order.line } : {}), edges });
  }
  return derived;
}

export interface DerivedOrder {
  derived: DerivedEdge[];
  /** Every task's dependencies: stated and derived. */
  deps: Map<string, Set<string>>;
  /** Phases with tasks, no order stated between them, and no task edge across them. */
  unorderedPhases: boolean;
}

/**
 * The edges a plan implies beyond those its tasks state: spec-kit's order inside a phase (a task
 * without "[P]" waits for the tasks before it; "[P]" tasks never for each other), then the orders
 * between phases its prose states, in plan order, each with the sentence it came from.
 * `phasesInOrder` adds "each phase waits for the one before" (the preview's one-click order).
 */
export function deriveOrder(
  tasks: readonly OrderTask[],
  stated: Map<string, Set<string>>,
  phases: readonly OrderPhase[],
  options: { format: PlanFormat; statements: readonly OrderStatement[]; phasesInOrder?: boolean; drop?: ReadonlySet<string> },
  warnings: PlanWarning[],
): DerivedOrder {
  const deps = new Map<string, Set<string>>();
  for (const t of tasks) deps.set(t.key, new Set(stated.get(t.key) ?? []));
  const derived: DerivedEdge[] = [];
  const drop = options.drop ?? new Set<string>();
  const members = membersByPhase(tasks);

  if (options.format === 'spec-kit') {
    const byKey = new Map(tasks.map((t) => [t.key, t]));
    for (const keys of members.values()) {
      let previous: string | null = null;
      let run: string[] = [];
      for (const key of keys) {
        const task = byKey.get(key)!;
        if (task.parentKey !== null) continue;
        const waitFor = task.parallel ? (previous === null ? [] : [previous]) : run.length > 0 ? run : previous === null ? [] : [previous];
        for (const dep of waitFor) {
          const id = `${dep}→${key}`;
          if (deps.get(key)!.has(dep) || drop.has(id)) continue;
          deps.get(key)!.add(dep);
          derived.push({ id, kind: 'task', from: dep, to: key, because: SPEC_KIT_CHAIN_BECAUSE, edges: [{ task: key, dependsOn: dep }] });
        }
        if (task.parallel) run.push(key);
        else {
          previous = key;
          run = [];
        }
      }
    }
  }

  const withTasks = phases.filter((p) => members.has(p.name));
  const orders: NamedOrder[] = readPhaseOrders(options.statements, withTasks).map((o) => ({
    from: withTasks[o.from]!.name,
    to: withTasks[o.to]!.name,
    because: o.because,
    line: o.line,
  }));
  if (options.phasesInOrder) orders.push(...phasesInOrder(withTasks));
  derived.push(...expandPhaseOrders(tasks, deps, orders, drop, warnings));

  let crossing = derived.some((d) => d.kind === 'phase');
  if (!crossing && withTasks.length >= 2) {
    const phaseOf = new Map(tasks.map((t) => [t.key, t.phase]));
    outer: for (const [key, set] of deps) for (const dep of set) if (phaseOf.get(dep) !== phaseOf.get(key)) {
      crossing = true;
      break outer;
    }
  }
  return { derived, deps, unorderedPhases: withTasks.length >= 2 && !crossing };
}
