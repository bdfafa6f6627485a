import type { TaskPriority, TaskSize } from '../../../shared/contract';

/** The fields a plan may give a task, whatever words it uses for them. */
export type FieldName =
  | 'agent'
  | 'dependsOn'
  | 'blocks'
  | 'parallelWith'
  | 'estimate'
  | 'complexity'
  | 'size'
  | 'priority'
  | 'status'
  | 'validation'
  | 'context'
  | 'id'
  | 'phase';

/** Labels as plans write them, lower-cased with punctuation removed, mapped to the field. */
const FIELD_LABELS: ReadonlyMap<string, FieldName> = new Map<string, FieldName>([
  ...(['assignee', 'assigned to', 'assigned', 'agent', 'owner'] as const).map((l) => [l, 'agent'] as const),
  ...([
    'depends on', 'depends', 'dependencies', 'dependency', 'deps', 'requires', 'prerequisites',
    'prerequisite', 'prereqs', 'blocked by', 'waits for',
  ] as const).map((l) => [l, 'dependsOn'] as const),
  ...(['blocks', 'unblocks', 'blocking', 'enables'] as const).map((l) => [l, 'blocks'] as const),
  ...(['can parallel with', 'parallel with', 'parallel', 'can run in parallel with', 'concurrent with', 'can parallel'] as const).map(
    (l) => [l, 'parallelWith'] as const,
  ),
  ...(['estimated time', 'estimate', 'estimated', 'effort', 'duration', 'eta', 'time estimate'] as const).map(
    (l) => [l, 'estimate'] as const,
  ),
  ...(['complexity', 'difficulty'] as const).map((l) => [l, 'complexity'] as const),
  ...(['size', 't-shirt size', 'tshirt size'] as const).map((l) => [l, 'size'] as const),
  ...(['priority', 'prio'] as const).map((l) => [l, 'priority'] as const),
  ...(['status'] as const).map((l) => [l, 'status'] as const),
  ...([
    'validation', 'validate', 'verification', 'verify', 'done when', 'acceptance', 'acceptance criteria', 'success criteria',
    'key success criteria', 'test strategy', 'teststrategy', 'testing', 'definition of done', 'exit criteria', 'checkpoint',
    'independent test', 'deliverable', 'deliverables',
  ] as const).map((l) => [l, 'validation'] as const),
  ...(['context', 'context docs', 'context documents', 'read first', 'references', 'reference docs'] as const).map(
    (l) => [l, 'context'] as const,
  ),
  ...(['id', 'task id'] as const).map((l) => [l, 'id'] as const),
  ...(['phase', 'stage', 'milestone'] as const).map((l) => [l, 'phase'] as const),
]);

/** "**Depends On:** Task 1.1" after markdown is stripped: a short label, a colon, a value. */
const FIELD_LINE_RE = /^\s*(?:[-*+]\s+)?([A-Za-z][A-Za-z /&'-]{0,40}?)\s*:\s*(.*)$/;

export function fieldOfLabel(label: string): FieldName | undefined {
  return FIELD_LABELS.get(
    label
      .toLowerCase()
      .replace(/[^a-z -]/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** One line of text read as a field, if its label is one the importer knows. */
export function readFieldLine(line: string): { field: FieldName; value: string } | undefined {
  const match = FIELD_LINE_RE.exec(line);
  if (!match) return undefined;
  const field = fieldOfLabel(match[1]!);
  return field ? { field, value: match[2]!.trim() } : undefined;
}

export function priorityOf(text: string): TaskPriority | null {
  const t = text.toLowerCase();
  if (/\b(urgent|critical|blocker|highest|p0)\b/.test(t)) return 'urgent';
  if (/\b(high|important|p1)\b/.test(t)) return 'high';
  if (/\b(medium|normal|moderate|default|p2)\b/.test(t)) return 'normal';
  if (/\b(low|lowest|minor|nice to have|p3|p4)\b/.test(t)) return 'low';
  return null;
}

const SIZES: readonly TaskSize[] = ['XS', 'S', 'M', 'L', 'XL'];

export function sizeOf(text: string): TaskSize | null {
  const t = text.trim().toUpperCase().replace(/[^A-Z]/g, '');
  if ((SIZES as readonly string[]).includes(t)) return t as TaskSize;
  const word: Record<string, TaskSize> = { EXTRASMALL: 'XS', SMALL: 'S', MEDIUM: 'M', LARGE: 'L', EXTRALARGE: 'XL' };
  return word[t] ?? null;
}

/** A stage before the work itself: "Requirements completed" says the requirements are written, not that the work is done. */
const EARLY_STAGE_DONE_RE =
  /\b(?:requirements?|design|designs|specs?|specification|planning|plan|draft|research|analysis|proposal|rfc|scoping|outline)\b[\w\s&,/-]{0,30}?\b(?:written|complete|completed|done|finished|approved|ready|defined|drafted)\b/i;
/** Words that say the work is not finished, whatever else the status says. */
const NOT_DONE_RE = /\b(?:not|in[\s-]progress|pending|partial(?:ly)?|todo|to do|wip|blocked|started|ongoing|remaining|planned)\b/i;

/** Whether a status says the task's work is finished ("✅ COMPLETE", "done"), not a stage before it ("Requirements completed"). */
export function isDoneStatus(text: string): boolean {
  if (!/✅|✔|☑|\b(done|complete|completed|finished|closed|merged|shipped)\b/i.test(text)) return false;
  return !EARLY_STAGE_DONE_RE.test(text) && !NOT_DONE_RE.test(text.replace(/\bnot\s+(?:yet\s+)?(?:needed|required|applicable)\b/gi, ''));
}

/** A size label in a title: `[S]`, `(M)`, `` `XL` ``, `**L**`, or "XS:" in front. */
const TITLE_SIZE_RE =
  /(?:^|\s)(?:\*\*)?(?:\[(XS|S|M|L|XL)\]|\((?:size\s*[:=]?\s*)?(XS|S|M|L|XL)\)|`(?:size\s*[:=]?\s*)?(XS|S|M|L|XL)`|\*\*(XS|S|M|L|XL)\*\*|\{(XS|S|M|L|XL)\})(?:\*\*)?(?=\s|$|[:.,;-])|^(XS|S|M|L|XL)\s*[:|–—-]\s+|\s[–—-]\s*(XS|S|M|L|XL)$/i;
/** An estimate in a title: "(2h)", "[3-4 hours]", "~1d". */
const TITLE_ESTIMATE_RE =
  /\s*[([~]\s*~?(\d+(?:\.\d+)?(?:\s*[-–]\s*\d+(?:\.\d+)?)?\s*(?:h|hrs?|hours?|d|days?|w|wks?|weeks?|m|mins?|minutes?|pts?|points?))\s*[)\]]?(?=\s|$|[,;.])/i;
/** Dependencies written into a line: "(depends on 1.2, 1.3)", "— after 2.1", "[blocked by T-4]". */
const TITLE_DEPS_RE = /\s*[([—–-]?\s*(?:depends on|after|requires|blocked by|needs)\s*:?\s*([^)\]]+?)\s*[)\]]?\s*$/i;
/** An agent mention: "@codex", "@claude-code". */
const TITLE_AGENT_RE = /(?:^|\s)@([A-Za-z][\w-]*)/;
/** A checkmark or "(done)" at the end of a title. */
const TITLE_DONE_RE = /\s*(?:✅|✔️?|☑️?|\((?:done|complete|completed)\)|\[(?:done|complete|completed)\])\s*$/i;

export interface TitleParts {
  title: string;
  size: TaskSize | null;
  estimate: string | null;
  dependsOn: string | null;
  agentLabel: string | null;
  done: boolean;
}

/** Takes the labels people write into a one-line task out of its title. */
export function splitTitle(raw: string): TitleParts {
  let title = raw.replace(/\s+/g, ' ').trim();
  let done = false;
  const doneMatch = TITLE_DONE_RE.exec(title);
  if (doneMatch) {
    done = true;
    title = title.slice(0, doneMatch.index).trim();
  }
  let dependsOn: string | null = null;
  const deps = TITLE_DEPS_RE.exec(title);
  if (deps) {
    dependsOn = deps[1]!.trim();
    title = title.slice(0, deps.index).trim();
  }
  let size: TaskSize | null = null;
  const sized = TITLE_SIZE_RE.exec(title);
  if (sized) {
    size = (sized.slice(1).find((g) => g !== undefined)?.toUpperCase() as TaskSize | undefined) ?? null;
    title = (title.slice(0, sized.index) + ' ' + title.slice(sized.index + sized[0].length)).replace(/\s+/g, ' ').trim();
  }
  let estimate: string | null = null;
  const est = TITLE_ESTIMATE_RE.exec(title);
  if (est) {
    estimate = est[1]!.trim();
    title = (title.slice(0, est.index) + ' ' + title.slice(est.index + est[0].length)).replace(/\s+/g, ' ').trim();
  }
  let agentLabel: string | null = null;
  const agent = TITLE_AGENT_RE.exec(title);
  if (agent) {
    agentLabel = agent[1]!;
    title = (title.slice(0, agent.index) + ' ' + title.slice(agent.index + agent[0].length)).replace(/\s+/g, ' ').trim();
  }
  title = title.replace(/^[\s:–—-]+|[\s:–—-]+$/g, '').replace(/^\*\*(.*)\*\*$/, '$1');
  return { title, size, estimate, dependsOn, agentLabel, done };
}

/** An id a plan gives a task: "1.2", "2.3.1", "T-12", "API-3", "S4", "#7" (the "#" is not kept). */
const ID_SOURCE = String.raw`(?:[A-Za-z]{1,8}-?\d+(?:\.\d+)*|#?\d+(?:\.\d+)*)`;
/** "v2", "h1", "mp3": lower-case letters glued to digits are words, not ids (S4 and T-12 are). */
const isWordNotId = (id: string) => /^[a-z]+\d/.test(id) || /^[A-Za-z]+\d+[A-Za-z]/.test(id);
/** A title that starts with an id: "Task 1.2: Title", "1.2. Title", "[T-4] Title", "#7 — Title". */
const LEADING_ID_RE = new RegExp(
  String.raw`^\s*(?:(task|step|story|ticket|issue|spec|item|todo|subtask|sub-task)\s*)?\[?(${ID_SOURCE})(?!\.?\d)\]?(?:\s*[:.)–—|-]\s*|\s+)(.+)$`,
  'i',
);
/** "Task: Title" or "Task – Title" with no id. */
const KEYWORD_ONLY_RE = /^\s*(?:task|step|story|todo|subtask)\s*[:–—-]\s*(.+)$/i;

export interface LeadingId {
  key: string | null;
  /** Said "Task", "Step"…: a heading that is clearly a task even with no fields under it. */
  keyword: boolean;
  rest: string;
}

/** `bareNumbers`: "1 Schema" has the id 1 (in a table's task column), not in running text. */
export function splitLeadingId(text: string, bareNumbers = false): LeadingId {
  const match = LEADING_ID_RE.exec(text);
  if (match && match[3]!.trim() !== '') {
    const id = match[2]!.replace(/^#/, '');
    // "2024 roadmap" or "3 things": a bare number with no dot and no keyword is not an id.
    const bare = !bareNumbers && /^\d+$/.test(id) && !match[1] && !/^\s*\[?#?\d+\]?\s*[:.)–—|-]/.test(text);
    if (!bare && !isWordNotId(id)) return { key: id, keyword: Boolean(match[1]), rest: match[3]!.trim() };
  }
  const keywordOnly = KEYWORD_ONLY_RE.exec(text);
  if (keywordOnly) return { key: null, keyword: true, rest: keywordOnly[1]!.trim() };
  return { key: null, keyword: false, rest: text.trim() };
}

/** What a reference field names: ids, whole phases ("All Phase 2-4 tasks"), or titles. */
export interface References {
  ids: string[];
  phases: number[];
  titles: string[];
}

const NO_REFERENCE_RE = /^\s*(?:[-–—]+|none|n\/?a|nothing|no|null|tbd|\(none\))?\s*\.?\s*$/i;
const PHASE_REF_RE =
  /\b(?:all\s+(?:of\s+)?)?(?:the\s+)?(?:phase|stage|milestone|sprint)s?\s+(\d+)(?:\s*(?:-|–|—|to|through|and|&)\s*(?:phase\s+)?(\d+))?(?:\s+tasks?)?/gi;
const ID_REF_RE = new RegExp(String.raw`(?<![\w.])${ID_SOURCE}(?![\w])`, 'g');

/** "1.1-1.3", "2.1 to 2.4", "3–5": a run of sibling ids. */
const ID_RANGE_RE = /(?<![\w.-])((?:\d+\.)*)(\d+)\s*(?:-|–|—|to|through)\s*\1(\d+)(?![\w.])/g;
/** Longest id range expanded; a longer one is more likely a typo than forty dependencies. */
const MAX_RANGE_EXPANSION = 40;

export function readReferences(text: string): References {
  const refs: References = { ids: [], phases: [], titles: [] };
  if (NO_REFERENCE_RE.test(text)) return refs;
  let rest = text.replace(PHASE_REF_RE, (_all, from: string, to: string | undefined) => {
    const first = Number(from);
    const last = to === undefined ? first : Number(to);
    for (let n = Math.min(first, last); n <= Math.max(first, last); n++) refs.phases.push(n);
    return ',';
  });
  rest = rest.replace(/\([^)]*\)/g, ' ').replace(ID_RANGE_RE, (all, prefix: string, from: string, to: string) => {
    const first = Number(from);
    const last = Number(to);
    if (last <= first || last - first > MAX_RANGE_EXPANSION) return all;
    return Array.from({ length: last - first + 1 }, (_, i) => `${prefix}${first + i}`).join(', ');
  });
  for (const fragment of rest.split(/[,;]/)) {
    const cleaned = fragment.replace(/\b(?:tasks?|steps?|items?|all)\b/gi, ' ').trim();
    if (cleaned === '' || NO_REFERENCE_RE.test(cleaned)) continue;
    const ids = cleaned.match(ID_REF_RE);
    const real = ids?.filter((id) => !isWordNotId(id));
    if (real && real.length > 0) refs.ids.push(...real.map((id) => id.replace(/^#/, '')));
    // A title may itself say "and" ("Set up repo and CI"): the resolver tries it whole first.
    else if (/[A-Za-z]/.test(cleaned)) refs.titles.push(fragment.replace(/[*_`"“”]/g, '').replace(/\s+/g, ' ').trim());
  }
  return refs;
}

/** File paths in a context field: backticked, or words with a slash or an extension. */
export function filePathsIn(text: string): string[] {
  const ticked = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]!);
  if (ticked.length > 0) return ticked;
  return text
    .split(/[\s,;]+/)
    .map((w) => w.replace(/^[("']+|[)"'.:]+$/g, ''))
    .filter((w) => /[/\\]|\.\w{1,8}$/.test(w) && !/^https?:/.test(w));
}
