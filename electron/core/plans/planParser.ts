import type { Code, Heading, List, ListItem, Nodes, Paragraph, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { ParsedPlan, PlanWarning } from '../../../shared/contract';
import { applyField, isDiagram, stripInline } from './planBlocks';
import { isDoneStatus, readFieldLine, splitLeadingId, splitTitle } from './planFields';
import { checkPlanNesting } from './planLimits';
import { parseMarkdown } from './planMarkdown';
import { isCleanEnd } from './planBlockScan';
import { parsePiece, pieceCuts, type Cut } from './planPieces';
import { detectFormat, looksLikeJson, OPTIONAL_MARK, type OrderStatement } from './planFormats';
import { readTaskMasterJson } from './planTaskMaster';
import { newDraft, resolvePlan, type PhaseDraft, type StepDraft, type TaskDraft } from './planReferences';
import { readTaskTable } from './planTables';
import { checkPlanText, decodePlanBytes } from './planText';

/** "Phase 2", "Stage II", "Milestone: …", "Sprint 3", "Week 1": a heading that groups tasks in time. */
const PHASE_HEADING_RE = /^(?:\[[ xX]\]\s*)?(?:phase|stage|milestone|sprint|week|iteration|epic|part|wave)\s*#?\s*(?:(\d+)|(?:[IVX]+|[A-Z])\b|:)/i;
/** Marks that a heading's work is finished: "✅", "COMPLETED", "(done)". Upper case words only. */
const DONE_MARK_SOURCE = String.raw`\s*(?:✅|✔️?|☑️?|\b(?:COMPLETED?|DONE|FINISHED)\b|\((?:done|complete|completed)\)|\[(?:done|complete|completed)\])\s*`;
const DONE_MARK_RE = new RegExp(DONE_MARK_SOURCE, 'g');
const hasDoneMark = (text: string) => new RegExp(DONE_MARK_SOURCE).test(text);
/** A heading over a list whose plain items are tasks ("Tasks", "To do", "Backlog"). */
const TASK_LIST_HEADING_RE = /^(?:(?:completed|remaining|open|pending|current|next|sub)\s+)?(?:tasks?|to-?dos?|todo list|work items|backlog|action items)\s*:?$/i;
/** A paragraph that announces the task's prompt: "Prompt for Claude Code:", "**Prompt:**". */
const PROMPT_LABEL_RE = /^\s*(?:(?:agent|ai|llm|task|the)\s+)?prompt\b(?:\s+(?:for|to)\s+([^:]+?))?\s*:?\s*$/i;

/** Fields only a task has; "Status:" or "Phase:" alone may as well head a section of prose. */
const TASK_ONLY_FIELDS = new Set(['agent', 'dependsOn', 'blocks', 'parallelWith', 'estimate', 'complexity', 'size', 'priority', 'validation']);
/** Labels of a phase's acceptance ("**Checkpoint**: …"), which do not make a section a task. */
const PHASE_LABEL_RE = /^\s*(?:[-*+]\s+)?(?:\*\*|__)?\s*(?:checkpoint|independent test|deliverables?|(?:key\s+)?success criteria|exit criteria|definition of done|goal|purpose)\b/i;
const marksTask = (line: string) => TASK_ONLY_FIELDS.has(readFieldLine(line)?.field ?? '') && !PHASE_LABEL_RE.test(line);
/** A section that says how to tell work is done: its items are the acceptance of the task or phase above, not tasks. */
const CRITERIA_HEADING_RE =
  /^(?:key\s+|phase\s+|overall\s+)?(?:success criteria|acceptance criteria|acceptance tests?|acceptance|exit criteria|completion criteria|definition of done|done when|deliverables?|delivered|checkpoints?|validation|verification|test strategy|testing strategy|independent test)\b/i;
/** Spec-kit's markers after a task's id: "[P]" (may run in parallel), "[US1]" (its user story). */
const TASK_MARKERS_RE = /^(?:\[(P|US\d+|S\d+|Story\s*\d+)\]\s*)+/i;
/** A line that may state an order between phases or tasks; read once the whole plan is known (planOrder.ts). */
const ORDER_HINT_RE = /→|->|⟶|=>|\b(?:depends?|blocks?|blocking|after|before|requires?|waits?|precedes?|prerequisite)\b/i;

interface Frame {
  depth: number;
  kind: 'title' | 'phase' | 'group' | 'task' | 'criteria';
  name: string;
  task?: TaskDraft;
}

/**
 * Reads a plan from bytes (a file): decoding, repair, then parse, all on this thread. The core
 * parses through a PlanParsePool instead, on worker threads.
 */
export function parsePlanBytes(bytes: Uint8Array): ParsedPlan {
  const { text, warnings } = decodePlanBytes(bytes);
  return readPlanText(text, warnings);
}

/** Reads a plan from text (a dropped file already decoded by the client), on this thread. */
export function parsePlanText(content: string): ParsedPlan {
  const { text, warnings } = checkPlanText(content);
  return readPlanText(text, warnings);
}

/** The tree of piece `index` of a text, as parsePiece gives it: parsed here, or by threads that parse beside. */
export type PieceTrees = (index: number) => Root;

/**
 * Reads a plan from its checked text: refused first if its nesting is over the limits
 * (planLimits.ts), then parsed piece by piece where its headings allow (planPieces.ts), which
 * gives the tree of the whole text at a fraction of the cost for nested lists. A piece that does
 * not end as the whole text would there sends the reader back to the whole text in one piece.
 */
export function readPlanText(text: string, warnings: PlanWarning[], cuts: Cut[] = pieceCuts(text)): ParsedPlan {
  if (looksLikeJson(text)) return readTaskMasterJson(text, warnings);
  checkPlanNesting(text, cuts);
  return readCheckedPlan(text, warnings, cuts);
}

/** readPlanText once the nesting of the text cut at `cuts` is checked; `trees` gives the pieces. */
export function readCheckedPlan(text: string, warnings: PlanWarning[], cuts: Cut[], trees: PieceTrees = (index) => parsePiece(text, cuts, index)): ParsedPlan {
  if (looksLikeJson(text)) return readTaskMasterJson(text, warnings);
  if (cuts.length < 2) return readPlanTree(text, parseMarkdown(text), warnings);
  // Its own warnings: if a piece ends badly, the plan is read again from the start.
  const reader = new PlanReader(text, [...warnings]);
  for (let index = 0; index < cuts.length; index++) {
    const tree = trees(index);
    if (index < cuts.length - 1 && !isCleanEnd(tree, text, cuts[index + 1]!.offset)) return readPlanText(text, warnings, [cuts[0]!]);
    reader.read(tree.children);
  }
  return reader.finish();
}

/** Reads a plan from its checked text and that text's markdown tree. */
function readPlanTree(text: string, tree: Root, warnings: PlanWarning[]): ParsedPlan {
  const reader = new PlanReader(text, warnings);
  reader.read(tree.children);
  return reader.finish();
}

/**
 * Walks the markdown tree of a plan once, in document order, keeping the stack of open headings:
 * phase headings set the phase; a heading that names a task ("Task 1.2: …", or one followed by
 * fields such as "Assignee:") opens a task whose section gives its fields, prompt and steps;
 * checkbox lists, numbered steps with "Validation" lines and tables with a dependency column
 * outside tasks give tasks too. References are resolved afterwards (planReferences.ts).
 *
 * The top-level nodes may come in runs, each after the first beginning at a heading (the pieces
 * of a large plan, planParsePool.ts): the reader never looks ahead past the next heading, so the
 * runs read exactly as the whole tree does.
 */
export class PlanReader {
  private readonly drafts: TaskDraft[] = [];
  private readonly phases: PhaseDraft[] = [];
  private readonly stack: Frame[] = [];
  private readonly statements: OrderStatement[] = [];
  /** Depths of the headings with an id that were tasks. */
  private readonly idTaskDepths = new Set<number>();
  private title: string | null = null;

  constructor(
    private readonly text: string,
    private readonly warnings: PlanWarning[],
  ) {}

  /** Reads the next run of top-level nodes. */
  read(nodes: RootContent[]): void {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (node.type === 'heading') this.openHeading(node, nodes, i);
      else this.readBlock(node, nodes[i + 1]);
    }
  }

  /** The plan read, its references resolved. */
  finish(): ParsedPlan {
    return resolvePlan(this.title, this.drafts, this.phases, this.warnings, { format: detectFormat(this.text), statements: this.statements });
  }

  /** A heading's words as written: emphasis delimiters out, but literal text such as `__init__.py` kept. */
  private headingText(heading: Heading): string {
    const first = heading.children[0]?.position?.start.offset;
    const last = heading.children[heading.children.length - 1]?.position?.end.offset;
    if (first === undefined || last === undefined) return toString(heading);
    return stripInline(this.text.slice(first, last)).replace(/`+([^`]*)`+/g, '$1');
  }

  /** The phase a frame is in, as read so far. */
  private phaseDraft(): PhaseDraft | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) {
      if (this.stack[i]!.kind === 'phase') return this.phases.find((p) => p.name === this.stack[i]!.name);
    }
    return undefined;
  }

  /** The acceptance a criteria section adds to: the open task's, else the phase's, else none (the plan's own goals). */
  private acceptanceList(): string[] | undefined {
    return this.openTask()?.validation ?? this.phaseDraft()?.acceptance;
  }

  /** Lines outside tasks that may state an order ("Phase 2 blocks all user stories"), with the heading they sit under. */
  private collectOrder(node: Nodes): void {
    const context = this.stack.map((f) => f.name).join(' / ');
    const visit = (n: Nodes) => {
      if (n.type === 'paragraph' || n.type === 'heading' || n.type === 'tableRow') {
        const lines = this.paragraphLines(n as Paragraph);
        lines.forEach((line, i) => {
          if (ORDER_HINT_RE.test(line)) this.statements.push({ text: stripInline(line).trim(), line: this.line(n) + i, context });
        });
        return;
      }
      // A task's own line ("- [ ] T-4 … (depends on T-3)") is read as the task's, not as prose.
      if (n.type === 'listItem' && n.checked !== null && n.checked !== undefined) return;
      if ('children' in n) for (const child of n.children) visit(child as Nodes);
    };
    visit(node);
  }

  /** Items of a criteria section: each line is one criterion. */
  private readCriteria(node: RootContent): void {
    const list = this.acceptanceList();
    if (!list) return;
    if (node.type === 'list') {
      for (const item of node.children) {
        const first = item.children[0];
        const text = first ? stripInline(this.source(first)).replace(/\s+/g, ' ').trim() : '';
        if (text !== '') list.push(text.replace(new RegExp(`^${OPTIONAL_MARK}\\s*`), ''));
      }
    } else if (node.type === 'paragraph') {
      for (const line of this.paragraphLines(node)) if (line.trim() !== '') list.push(stripInline(line).trim());
    } else if (node.type === 'code') list.push(node.value);
  }

  private source(node: Nodes): string {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    return start === undefined || end === undefined ? toString(node) : this.text.slice(start, end);
  }

  private line(node: Nodes): number {
    return node.position?.start.line ?? 1;
  }

  private openTask(): TaskDraft | undefined {
    for (let i = this.stack.length - 1; i >= 0; i--) if (this.stack[i]!.kind === 'task') return this.stack[i]!.task;
    return undefined;
  }

  /** The phase of a task found here: the nearest phase heading, else the nearest named section. */
  private currentPhase(): string | null {
    for (let i = this.stack.length - 1; i >= 0; i--) if (this.stack[i]!.kind === 'phase') return this.stack[i]!.name;
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const frame = this.stack[i]!;
      if (frame.kind === 'group' && frame.depth >= 2 && !TASK_LIST_HEADING_RE.test(frame.name)) return frame.name;
    }
    return null;
  }

  private openHeading(heading: Heading, nodes: RootContent[], index: number): void {
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.depth >= heading.depth) this.stack.pop();
    let text = this.headingText(heading).replace(/\s+/g, ' ').trim();
    let checked: boolean | null = null;
    const box = /^(?:\[([ xX])\]|(✅|✔️?|☑️?)|\[(done|DONE|Done)\])\s*/u.exec(text);
    if (box) {
      checked = box[1] === undefined || box[1] !== ' ';
      text = text.slice(box[0].length);
    }
    const owner = this.openTask();
    const phase = PHASE_HEADING_RE.exec(text);
    const lead = splitLeadingId(text);
    // The first top-level heading names the plan, unless it is a phase or a task itself.
    if (heading.depth === 1 && this.title === null && this.stack.length === 0 && !phase && !lead.keyword && lead.key === null) {
      this.title = text;
      this.stack.push({ depth: 1, kind: 'title', name: text });
      return;
    }
    if (phase) {
      const done = hasDoneMark(text) || checked === true;
      const name = text.replace(DONE_MARK_RE, ' ').replace(/\s+/g, ' ').replace(/[\s:–—-]+$/, '').trim();
      this.phases.push({ name, number: phase[1] ? Number(phase[1]) : null, done, line: this.line(heading), acceptance: [] });
      this.stack.push({ depth: heading.depth, kind: 'phase', name });
      return;
    }
    if (CRITERIA_HEADING_RE.test(text) && lead.key === null && !lead.keyword) {
      this.stack.push({ depth: heading.depth, kind: 'criteria', name: text });
      return;
    }
    if (!owner && ORDER_HINT_RE.test(text)) this.collectOrder(heading);
    const parent = this.stack[this.stack.length - 1];
    const underWork = parent !== undefined && (parent.kind === 'phase' || parent.kind === 'task');
    // "## SPEC-003: Audit log" after "## SPEC-002: …" was read as a task: a heading with an id at that depth is one too.
    const isTask =
      lead.keyword || (lead.key !== null && (underWork || this.idTaskDepths.has(heading.depth))) || this.sectionHasTaskFields(nodes, index);
    if (!isTask) {
      if (owner) owner.body.push(this.source(heading));
      this.stack.push({ depth: heading.depth, kind: 'group', name: text.replace(DONE_MARK_RE, ' ').trim() });
      return;
    }
    const parts = splitTitle(lead.rest);
    const draft = newDraft({
      key: lead.key,
      title: parts.title,
      phase: this.currentPhase(),
      parent: owner ?? null,
      line: this.line(heading),
      source: 'heading',
    });
    draft.size = parts.size;
    draft.estimate = parts.estimate;
    draft.agentLabel = parts.agentLabel;
    if (parts.dependsOn) draft.dependsOnRefs.push(parts.dependsOn);
    if (parts.done || checked === true || hasDoneMark(text)) draft.done = true;
    else if (checked === false) draft.done = false;
    else if (this.phases.find((p) => p.name === draft.phase)?.done) draft.done = true;
    this.drafts.push(draft);
    if (lead.key !== null) this.idTaskDepths.add(heading.depth);
    this.stack.push({ depth: heading.depth, kind: 'task', name: draft.title, task: draft });
  }

  /** Whether the blocks right under a heading (up to the next heading) carry task fields or a prompt. */
  private sectionHasTaskFields(nodes: RootContent[], index: number): boolean {
    for (let i = index + 1; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (node.type === 'heading') return false;
      if (node.type === 'paragraph') {
        const text = toString(node);
        if (PROMPT_LABEL_RE.test(text.split('\n').pop()!) && nodes[i + 1]?.type === 'code') return true;
        if (text.split('\n').some((line) => marksTask(line))) return true;
      }
      if (node.type === 'list' && node.children.some((item) => marksTask(toString(item.children[0] ?? item)))) return true;
    }
    return false;
  }

  private pendingPrompt: TaskDraft | null = null;
  private pendingListField: { task: TaskDraft; line: string } | null = null;

  /** A block outside any heading's first line: part of the open task, or loose tasks, or nothing. */
  private readBlock(node: RootContent, next: RootContent | undefined): void {
    const task = this.openTask();
    const promptFor = this.pendingPrompt;
    const listField = this.pendingListField;
    this.pendingPrompt = null;
    this.pendingListField = null;
    if (node.type === 'thematicBreak' || node.type === 'definition' || node.type === 'html') return;
    if (this.stack[this.stack.length - 1]?.kind === 'criteria') {
      this.readCriteria(node);
      return;
    }

    if (task) {
      if (promptFor === task && (node.type === 'code' || node.type === 'blockquote')) {
        task.promptBlocks.push(node.type === 'code' ? node.value : toString(node));
        return;
      }
      if (listField?.task === task && node.type === 'list') {
        const values = node.children.map((item) => stripInline(item.children[0] ? this.source(item.children[0]) : '').replace(/\s+/g, ' ').trim());
        if (readFieldLine(listField.line)?.field === 'validation') {
          for (const value of values) if (value !== '') task.validation.push(value.replace(new RegExp(`^${OPTIONAL_MARK}\\s*`), ''));
        } else applyField(task, `${listField.line} ${values.join(', ')}`, this.warnings, this.line(node));
        return;
      }
      this.readTaskBlock(task, node, next);
      return;
    }
    if (node.type === 'paragraph' || node.type === 'list' || node.type === 'table') this.collectOrder(node);
    if (node.type === 'list') {
      // Plain items are tasks right under a phase or a "Tasks" heading; elsewhere only checkboxes are.
      const heading = this.stack[this.stack.length - 1];
      this.readLooseList(node, null, heading !== undefined && (heading.kind === 'phase' || TASK_LIST_HEADING_RE.test(heading.name)));
    } else if (node.type === 'table') readTaskTable(node, this.drafts, this.currentPhase(), this.warnings);
    else if (node.type === 'paragraph') this.readPhaseStatus(node);
    else if (node.type === 'code' && !isDiagram(node.value) && /[ÃÂâ][\u0080-\u00BF\u2013-\u203A\u20AC]/.test(node.value)) {
      this.warnings.push({ line: this.line(node), message: 'a block of mis-decoded text was ignored' });
    }
  }

  /** "**Status**: ✅ COMPLETE" right under a phase heading marks the phase done; "**Checkpoint**: …" in a phase is its acceptance. */
  private readPhaseStatus(node: Paragraph): void {
    const frame = this.stack[this.stack.length - 1];
    const phase = this.phaseDraft();
    if (!phase) return;
    for (const line of this.paragraphLines(node)) {
      const field = readFieldLine(stripInline(line));
      if (field?.field === 'status' && frame?.kind === 'phase' && isDoneStatus(field.value)) phase.done = true;
      if (field?.field === 'validation' && field.value !== '') phase.acceptance.push(field.value);
    }
  }

  private readTaskBlock(task: TaskDraft, node: RootContent, next: RootContent | undefined): void {
    if (node.type === 'paragraph') {
      const lines = toString(node).split('\n');
      const label = PROMPT_LABEL_RE.exec(lines[lines.length - 1]!);
      if (label && (next?.type === 'code' || next?.type === 'blockquote')) {
        this.pendingPrompt = task;
        if (lines.length > 1) this.readFieldsOrBody(task, node, true);
        if (task.agentLabel === null && label[1]) task.agentLabel = label[1].trim();
        return;
      }
      this.readFieldsOrBody(task, node);
      return;
    }
    if (node.type === 'code') {
      if (isDiagram(node.value) || !/[ÃÂâ][\u0080-\u00BF\u2013-\u203A\u20AC]/.test(node.value)) task.body.push(this.source(node));
      else this.warnings.push({ line: this.line(node), message: `a block of mis-decoded text in "${task.title}" was ignored` });
      return;
    }
    if (node.type === 'list') {
      if (node.ordered && node.children.some((item) => this.hasValidation(item))) {
        this.readLooseList(node, task, false);
        return;
      }
      if (node.children.some((item) => item.checked !== null && item.checked !== undefined)) this.readSteps(node, task);
      const kept: ListItem[] = [];
      for (const item of node.children) {
        const first = item.children[0];
        const field = first && item.children.length === 1 ? readFieldLine(toString(first)) : undefined;
        if (field) applyField(task, this.source(first!), this.warnings, this.line(item));
        else kept.push(item);
      }
      if (kept.length === node.children.length) task.body.push(this.source(node));
      else if (kept.length > 0) task.body.push(kept.map((item) => this.source(item)).join('\n'));
      return;
    }
    task.body.push(this.source(node));
  }

  /** The lines of a paragraph as written (markdown kept), or as text when they do not line up. */
  private paragraphLines(node: Paragraph): string[] {
    const text = toString(node).split('\n');
    const source = this.source(node).split('\n').map((line) => line.trim());
    return source.length === text.length ? source : text;
  }

  /** Field lines set fields; the other lines stay in the body, as the plan wrote them. */
  private readFieldsOrBody(task: TaskDraft, node: Paragraph, dropLast = false): void {
    const lines = this.paragraphLines(node);
    if (dropLast) lines.pop();
    const kept: string[] = [];
    lines.forEach((line, i) => {
      const field = readFieldLine(stripInline(line));
      if (!field) kept.push(line);
      else if (field.value === '' && i === lines.length - 1) this.pendingListField = { task, line: stripInline(line) };
      else applyField(task, line, this.warnings, this.line(node) + i);
    });
    if (kept.length === lines.length && !dropLast) task.body.push(this.source(node));
    else if (kept.join('').trim() !== '') task.body.push(kept.join('\n').trim());
  }

  /** Whether an item, or a list nested in it, has a "Validation:" line. */
  private hasValidation(item: ListItem): boolean {
    const paragraphs: Paragraph[] = [];
    const visit = (node: Nodes) => {
      if (node.type === 'paragraph') paragraphs.push(node);
      else if ('children' in node) for (const child of node.children) visit(child);
    };
    visit(item);
    return paragraphs.some((p) =>
      toString(p)
        .split('\n')
        .some((line) => readFieldLine(line)?.field === 'validation'),
    );
  }

  /**
   * A list outside a task section, or the numbered steps of a task: checkbox items are tasks
   * (checked = done), so are numbered items with a "Validation" line, and every item of a list
   * under a "Tasks" heading. Nested checkbox items are steps of their item.
   */
  private readLooseList(list: List, parent: TaskDraft | null, plainItemsAreTasks: boolean): void {
    const numbered = list.ordered === true && list.children.some((item) => this.hasValidation(item));
    list.children.forEach((item, index) => {
      const isTask = (item.checked !== null && item.checked !== undefined) || numbered || plainItemsAreTasks;
      if (!isTask) {
        for (const child of item.children) if (child.type === 'list') this.readLooseList(child, parent, false);
        return;
      }
      this.readListTask(item, parent, numbered ? (list.start ?? 1) + index : null);
    });
  }

  /**
   * Checkbox items under a task item: those with their own id ("- [ ] 1.2 …" under "- [ ] 1. …",
   * as Kiro writes them) are its subtasks, the others its steps.
   */
  private readNestedChecklist(list: List, parent: TaskDraft): void {
    const stepItems: ListItem[] = [];
    const others: ListItem[] = [];
    for (const item of list.children) {
      if (item.checked === null || item.checked === undefined) {
        others.push(item);
        continue;
      }
      const first = item.children[0];
      const line = first?.type === 'paragraph' ? (this.paragraphLines(first)[0] ?? '') : '';
      const bare = line.replace(/^\[[ xX]\]\s+/, '').replace(OPTIONAL_MARK, '').trim();
      const isTask = item.checked !== null && item.checked !== undefined && splitLeadingId(stripInline(bare)).key !== null;
      if (isTask) this.readListTask(item, parent, null);
      else stepItems.push(item);
    }
    if (stepItems.length > 0) {
      this.readSteps({ ...list, children: stepItems }, parent);
      parent.body.push(stepItems.map((item) => this.source(item)).join('\n'));
    }
    // Plain items beside the checkboxes: fields ("**Validation**: …") or words of the task.
    if (others.length > 0) this.readTaskBlock(parent, { ...list, children: others }, undefined);
  }

  /** Checkbox items of a list as a task's steps, nested ones too; plain items in between are left to the body. */
  private readSteps(list: List, task: TaskDraft): void {
    for (const item of list.children) {
      const first = item.children[0];
      if (item.checked !== null && item.checked !== undefined && first) {
        let text = stripInline(first.type === 'paragraph' ? this.paragraphLines(first).join(' ') : this.source(first))
          .replace(/^\[[ xX]\]\s+/, '')
          .replace(/\s+/g, ' ')
          .trim();
        const optional = text.startsWith(OPTIONAL_MARK);
        if (optional) text = text.slice(OPTIONAL_MARK.length).trim();
        const lead = splitLeadingId(text);
        const step: StepDraft = { key: lead.key, text, done: item.checked === true, optional };
        if (text !== '') task.steps.push(step);
      }
      for (const child of item.children) if (child.type === 'list') this.readSteps(child, task);
    }
  }

  private readListTask(item: ListItem, parent: TaskDraft | null, number: number | null): void {
    const [first, ...rest] = item.children;
    const lines = first?.type === 'paragraph' ? this.paragraphLines(first) : [];
    const [written = '', ...moreLines] = lines;
    // The checkbox is not part of the item's text, but some inline starts put it in the written line.
    let titleLine = item.checked !== null && item.checked !== undefined ? written.replace(/^\[[ xX]\]\s+/, '') : written;
    const optional = titleLine.startsWith(OPTIONAL_MARK);
    if (optional) titleLine = titleLine.slice(OPTIONAL_MARK.length).trim();
    // "**1.1 Create …**": an id inside bold; elsewhere the labels keep their marks ("2.1 **S** Login") for splitTitle.
    const lead = splitLeadingId(/^(?:\*\*|__)/.test(titleLine) ? stripInline(titleLine) : titleLine.replace(/~~/g, ''));
    const markers = TASK_MARKERS_RE.exec(lead.rest);
    const parts = splitTitle(markers ? lead.rest.slice(markers[0].length) : lead.rest);
    // A numbered step is "3.2" under task 3, "2" at the top level, and gets a made-up key otherwise.
    const stepKey = number === null ? null : parent === null ? String(number) : parent.key ? `${parent.key}.${number}` : null;
    const key = lead.key ?? stepKey;
    const draft = newDraft({
      key,
      title: stripInline(parts.title) || stripInline(titleLine).trim() || `Item ${number ?? this.drafts.length + 1}`,
      phase: parent?.phase ?? this.currentPhase(),
      parent,
      line: this.line(item),
      source: 'list',
    });
    draft.size = parts.size;
    draft.estimate = parts.estimate;
    draft.agentLabel = parts.agentLabel;
    if (parts.dependsOn) draft.dependsOnRefs.push(stripInline(parts.dependsOn));
    draft.optional = optional;
    if (markers) {
      for (const marker of markers[0].match(/\[[^\]]+\]/g) ?? []) {
        const value = marker.slice(1, -1).trim();
        if (/^p$/i.test(value)) draft.parallel = true;
        else draft.story = value.toUpperCase().replace(/\s+/g, '');
      }
    }
    draft.done = item.checked === true || parts.done ? true : item.checked === false ? false : null;
    if (draft.done === null && this.phases.find((p) => p.name === draft.phase)?.done) draft.done = true;
    this.drafts.push(draft);
    moreLines.forEach((line, i) => {
      if (readFieldLine(stripInline(line))) applyField(draft, line, this.warnings, draft.line + 1 + i);
      else if (line.trim() !== '') draft.body.push(line.trim());
    });
    for (let i = 0; i < rest.length; i++) {
      const child = rest[i]!;
      if (child.type === 'list' && child.children.some((c) => c.checked !== null && c.checked !== undefined)) {
        this.readNestedChecklist(child, draft);
      } else if (child.type === 'paragraph' && PROMPT_LABEL_RE.test(toString(child)) && rest[i + 1]?.type === 'code') {
        draft.promptBlocks.push((rest[i + 1] as Code).value);
        i++;
      } else {
        this.readTaskBlock(draft, child, rest[i + 1]);
      }
    }
  }
}
