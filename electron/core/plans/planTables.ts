import type { Nodes, Table } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { PlanWarning } from '../../../shared/contract';
import { applyField, stripInline } from './planBlocks';
import { splitLeadingId, splitTitle } from './planFields';
import { newDraft, type TaskDraft } from './planReferences';

/** Which column of a task table holds what; a column the table lacks is undefined. */
export interface TableColumns {
  id?: number;
  title?: number;
  dependsOn?: number;
  blocks?: number;
  parallelWith?: number;
  agent?: number;
  estimate?: number;
  complexity?: number;
  size?: number;
  priority?: number;
  status?: number;
  phase?: number;
  prompt?: number;
}

const COLUMN_PATTERNS: [keyof TableColumns, RegExp][] = [
  ['id', /^(?:#|id|no\.?|nr\.?|num(?:ber)?|key|task ?id|ref)$/i],
  ['title', /^(?:tasks?|title|name|spec|specs?|feature|item|work item|story|deliverable|step|what)$/i],
  ['dependsOn', /depend|requires|prereq|blocked by|waits? for|^after$|^needs$/i],
  ['blocks', /^(?:blocks|unblocks|blocking)$/i],
  ['parallelWith', /parallel|concurrent/i],
  ['agent', /assignee|agent|owner|assigned|^ai$|^model$/i],
  ['estimate', /estimate|^est\.?$|^time$|effort|duration|^hours$|^days$|^eta$/i],
  ['complexity', /complexity|difficulty/i],
  ['size', /^size$|t-?shirt/i],
  ['priority', /priority|^prio$/i],
  ['status', /^(?:status|state|done|✓|✅)$/i],
  ['phase', /^(?:phase|stage|milestone|sprint|week)$/i],
  ['prompt', /^(?:prompt|instructions?|details|description|notes?)$/i],
];

/** A cell that is only an id: "SPEC-001", "T12", "2.3", "#4". */
const ID_CELL_RE = /^#?(?:[A-Za-z]{1,8}-?)?\d+(?:\.\d+)*$/;
/** Columns that can hold a task's title when the first task-like column holds ids. */
const TITLE_COLUMN_RE = /^(?:title|name|summary|description|what|task|feature|story)$/i;

export interface TableRow {
  line: number;
  cells: (column: keyof TableColumns) => string;
}

/**
 * Reads a table as a task table when its header has a title column and a column that only task
 * lists have (dependencies, assignee, or an id with a status, size or estimate); else null.
 */
function readTable(table: Table, text: (node: Nodes) => string): { columns: TableColumns; rows: TableRow[] } | null {
  const [header, ...body] = table.children;
  if (!header || body.length === 0) return null;
  const columns: TableColumns = {};
  const names = header.children.map((cell) => text(cell).replace(/[*_`:]/g, '').trim());
  names.forEach((name, index) => {
    const match = COLUMN_PATTERNS.find(([column, re]) => columns[column] === undefined && re.test(name));
    if (match) columns[match[0]] = index;
  });
  // "| Spec | Title |" with SPEC-001 under Spec: that column holds ids, the title is further on.
  const holdsIds = (index: number) => body.every((row) => ID_CELL_RE.test(text(row.children[index] ?? row).trim()));
  if (columns.title !== undefined && columns.id === undefined && holdsIds(columns.title)) {
    const title = names.findIndex((name, index) => index !== columns.title && TITLE_COLUMN_RE.test(name));
    if (title !== -1) {
      columns.id = columns.title;
      columns.title = title;
      if (columns.prompt === title) delete columns.prompt;
    }
  }
  if (columns.title === undefined && columns.prompt !== undefined && columns.id !== undefined) {
    columns.title = columns.prompt;
    delete columns.prompt;
  }
  const taskLike =
    columns.dependsOn !== undefined ||
    columns.agent !== undefined ||
    (columns.id !== undefined && (columns.status !== undefined || columns.size !== undefined || columns.estimate !== undefined));
  if (columns.title === undefined || !taskLike) return null;
  const rows = body
    .filter((row) => text(row.children[columns.title!] ?? row).trim() !== '')
    .map((row) => ({
      line: row.position?.start.line ?? 1,
      cells: (column: keyof TableColumns) => {
        const index = columns[column];
        const cell = index === undefined ? undefined : row.children[index];
        return cell ? text(cell).trim() : '';
      },
    }));
  return { columns, rows };
}

/**
 * A table with a dependency or assignee column: each row is a task, or adds to a task found above
 * (a summary table at the end of a plan), matched by id, else by title.
 */
export function readTaskTable(table: Table, drafts: TaskDraft[], phase: string | null, warnings: PlanWarning[]): void {
  const read = readTable(table, (node) => toString(node).replace(/\s+/g, ' ').trim());
  if (!read) return;
  const byKey = new Map<string, TaskDraft>();
  const byTitle = new Map<string, TaskDraft>();
  for (const d of drafts) {
    if (d.source === 'table') continue;
    if (d.key !== null && !byKey.has(d.key)) byKey.set(d.key, d);
    if (!byTitle.has(d.title.toLowerCase())) byTitle.set(d.title.toLowerCase(), d);
  }
  const merged = new Set<TaskDraft>();
  for (const row of read.rows) {
    const lead =
      read.columns.id === undefined
        ? splitLeadingId(row.cells('title'), true)
        : { key: row.cells('id').replace(/^#/, '') || null, rest: row.cells('title') };
    const parts = splitTitle(lead.rest);
    // A paragraph right under a table continues it as a row; a row with no title is no task.
    if (stripInline(parts.title) === '') continue;
    const found = lead.key !== null ? byKey.get(lead.key) : byTitle.get(parts.title.toLowerCase());
    const existing = found && !merged.has(found) ? found : undefined;
    const draft =
      existing ??
      newDraft({ key: lead.key, title: parts.title, phase: row.cells('phase') || phase, parent: null, line: row.line, source: 'table' });
    if (existing) merged.add(existing);
    else {
      draft.size = parts.size;
      draft.estimate = parts.estimate;
      drafts.push(draft);
    }
    fillFromRow(draft, row.cells, read.columns, warnings, row.line);
  }
}

function fillFromRow(
  draft: TaskDraft,
  cell: (column: keyof TableColumns) => string,
  columns: TableColumns,
  warnings: PlanWarning[],
  line: number,
): void {
  const labels: [keyof TableColumns, string][] = [
    ['agent', 'Assignee'],
    ['dependsOn', 'Depends On'],
    ['blocks', 'Blocks'],
    ['parallelWith', 'Parallel With'],
    ['estimate', 'Estimate'],
    ['complexity', 'Complexity'],
    ['size', 'Size'],
    ['priority', 'Priority'],
    ['status', 'Status'],
  ];
  for (const [column, label] of labels) {
    if (columns[column] === undefined) continue;
    const value = cell(column);
    if (value === '') continue;
    const scalar = column === 'agent' || column === 'estimate' || column === 'complexity' || column === 'size' || column === 'priority';
    if (scalar && draft[column === 'agent' ? 'agentLabel' : column] !== null) continue;
    applyField(draft, `${label}: ${value}`, warnings, line);
  }
  if (columns.prompt !== undefined && draft.promptBlocks.length === 0 && draft.body.length === 0 && cell('prompt') !== '') {
    draft.body.push(cell('prompt'));
  }
}
