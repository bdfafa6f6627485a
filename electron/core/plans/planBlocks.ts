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
  return stripInline(value).replace(/`/g, '').trim();
}

/**
 * Strong emphasis, strike-through and links out of a line, so that "**Assignee:** X" reads as
 * "Assignee: X". Only delimiters that open and close emphasis go, as CommonMark reads them:
 * `__init__.py` (a file name, though CommonMark would make "init" bold) and anything in a code span stay as written.
 */
export function stripInline(text: string): string {
  return text
    .split(/(`+[^`]*`+)/)
    .map((part, i) => (i % 2 === 1 ? part : stripEmphasis(part)))
    .join('');
}

function stripEmphasis(text: string): string {
  return text
    .replace(/(^|[^\w*])\*\*(?=\S)(.*?\S)\*\*(?![*])/g, '$1$2')
    .replace(/(^|[\s(])__(?=\S)(.*?\S)__(?=$|[\s,;:!?)])/g, '$1$2')
    .replace(/~~(?=\S)(.*?\S)~~/g, '$1')
    .replace(/(^|\s)\*\*(?=\S)|(?<=\S)\*\*(?=\s|$)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
}

/**
 * Sets the field a "Label: value" line names on a task; `line` is the markdown as written, so a
 * validation step keeps its `code`. A value it cannot read is a warning.
 */
export function applyField(task: TaskDraft, line: string, warnings: PlanWarning[], lineNo: number): void {
  const field = readFieldLine(stripInline(line));
  if (!field) return;
  const stripped = stripInline(line);
  const written = stripped.slice(stripped.indexOf(':') + 1).trim();
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
