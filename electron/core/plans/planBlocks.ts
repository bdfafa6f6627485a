import type { Nodes, Table } from 'mdast';
import type { PlanWarning } from '../../../shared/contract';
import { filePathsIn, isDoneStatus, priorityOf, readFieldLine, sizeOf } from './planFields';
import type { TaskDraft } from './planReferences';

/** Share of non-space characters that are box drawing, arrows or pipes in a drawn graph. */
const DIAGRAM_MIN_SHARE = 0.3;

/** A drawn dependency graph (box drawing, arrows): shown to people, not an instruction. */
export function isDiagram(text: string): boolean {
  const visible = text.replace(/\s/g, '');
  if (visible.length === 0) return false;
  const drawn = visible.match(/[\u2500-\u259F\u25A0-\u25FF\u2190-\u21FF|+\-<>^v]/g)?.length ?? 0;
  return drawn / visible.length >= DIAGRAM_MIN_SHARE && /[\u2500-\u257F]/.test(text);
}

function plain(value: string): string {
  return value.replace(/\*\*|__|`/g, '').trim();
}

/** Markdown emphasis and links out of a line, so that "**Assignee:** X" reads as "Assignee: X". */
export function stripInline(text: string): string {
  return text.replace(/\*\*|__/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
}

/**
 * Sets the field a "Label: value" line names on a task; `line` is the markdown as written, so a
 * validation step keeps its `code`. A value it cannot read is a warning.
 */
export function applyField(task: TaskDraft, line: string, warnings: PlanWarning[], lineNo: number): void {
  const field = readFieldLine(stripInline(line));
  if (!field) return;
  const written = stripInline(line.slice(line.indexOf(':') + 1)).trim();
  const value = plain(field.value);
  if (value === '') return;
  switch (field.field) {
    case 'agent':
      task.agentLabel = value;
      break;
    case 'dependsOn':
      task.dependsOnRefs.push(value);
      break;
    case 'blocks':
      task.blocksRefs.push(value);
      break;
    case 'parallelWith':
      task.parallelRefs.push(value);
      break;
    case 'estimate':
      task.estimate = value.slice(0, 200);
      break;
    case 'complexity':
      task.complexity = value.slice(0, 200);
      break;
    case 'size': {
      const size = sizeOf(value);
      if (size) task.size = size;
      else warnings.push({ line: lineNo, message: `size "${value.slice(0, 40)}" of "${task.title}" is not XS, S, M, L or XL; ignored` });
      break;
    }
    case 'priority': {
      const priority = priorityOf(value);
      if (priority) task.priority = priority;
      else warnings.push({ line: lineNo, message: `priority "${value.slice(0, 40)}" of "${task.title}" was not understood; normal is used` });
      break;
    }
    case 'status':
      task.done = isDoneStatus(value);
      break;
    case 'validation':
      task.validation.push(written);
      break;
    case 'context': {
      const paths = filePathsIn(written);
      if (paths.length > 0) task.contextDocs.push(...paths.map((path) => ({ kind: 'file' as const, path })));
      else task.contextDocs.push({ kind: 'text', text: written });
      break;
    }
    case 'id':
      if (task.key === null) task.key = value.replace(/^#/, '');
      break;
    case 'phase':
      task.phase = value;
      break;
  }
}

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
  ['estimate', /estimate|^time$|effort|duration|^hours$|^days$|^eta$/i],
  ['complexity', /complexity|difficulty/i],
  ['size', /^size$|t-?shirt/i],
  ['priority', /priority|^prio$/i],
  ['status', /^(?:status|state|done|✓|✅)$/i],
  ['phase', /^(?:phase|stage|milestone|sprint|week)$/i],
  ['prompt', /^(?:prompt|instructions?|details|description|notes?)$/i],
];

export interface TableRow {
  line: number;
  cells: (column: keyof TableColumns) => string;
}

/**
 * Reads a table as a task table when its header has a title column and a column that only task
 * lists have (dependencies, assignee, or an id with a status, size or estimate); else null.
 */
export function readTable(table: Table, text: (node: Nodes) => string): { columns: TableColumns; rows: TableRow[] } | null {
  const [header, ...body] = table.children;
  if (!header || body.length === 0) return null;
  const columns: TableColumns = {};
  header.children.forEach((cell, index) => {
    const name = text(cell).replace(/[*_`:]/g, '').trim();
    const match = COLUMN_PATTERNS.find(([column, re]) => columns[column] === undefined && re.test(name));
    if (match) columns[match[0]] = index;
  });
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
