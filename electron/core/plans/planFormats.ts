import type { PlanFormat } from '../../../shared/contract';

/**
 * Stands in for Kiro's optional mark ("- [ ]* 4.3 …") in the text the markdown parser reads: the
 * "*" glued to the checkbox stops CommonMark from reading a task list item, so the checkbox is
 * written back with a space and this private-use character in front of the item's text.
 */
export const OPTIONAL_MARK = '\uE000';
const KIRO_OPTIONAL_RE = /^([ \t]*(?:[-*+]|\d+[.)])[ \t]+\[[ xX]\])\*(?=[ \t])/gm;

/** The text with Kiro's optional checkboxes made readable (see OPTIONAL_MARK). */
export function markOptionalItems(text: string): string {
  return text.includes(']*') ? text.replace(KIRO_OPTIONAL_RE, `$1 ${OPTIONAL_MARK}`) : text;
}

/** The text as the plan wrote it, for prompts: the optional mark back as "*". */
export function unmarkOptionalItems(text: string): string {
  return text.includes(OPTIONAL_MARK) ? text.replaceAll(` ${OPTIONAL_MARK}`, '*').replaceAll(OPTIONAL_MARK, '*') : text;
}

/** A line outside tasks that may state an order, with the headings it sits under. */
export interface OrderStatement {
  text: string;
  line: number;
  context: string;
}

/** spec-kit: "- [ ] T001 …" items with "[P]" / "[US1]" markers or its "Dependencies & Execution Order" section. */
const SPEC_KIT_TASK_RE = /^[ \t]*[-*][ \t]+\[[ xX]\][ \t]+T\d{3,}\b/gm;
const SPEC_KIT_SIGN_RE = /^[ \t]*[-*][ \t]+\[[ xX]\][ \t]+T\d{3,}[ \t]+\[(?:P|US\d+)\]|^#+\s*Dependencies\s*&\s*Execution Order/im;
/** Kiro: a numbered parent "- [ ] 1. …" with children "- [ ] 1.1 …", or its "_Requirements: 1.2_" lines. */
const KIRO_PARENT_RE = /^[-*][ \t]+\[[ xX]\](?:\*|[ \t]\uE000)?[ \t]+\d+\.[ \t]+\S/m;
const KIRO_CHILD_RE = /^[ \t]+[-*][ \t]+\[[ xX]\](?:\*|[ \t]\uE000)?[ \t]+\d+\.\d+\.?[ \t]+\S/m;
const KIRO_REQUIREMENTS_RE = /^[ \t]*[-*][ \t]+_Requirements?:[^\n]*_[ \t]*$/m;

/** Which tool wrote a markdown plan, from the marks its format has; "markdown" when none. */
export function detectFormat(text: string): PlanFormat {
  const specKitTasks = text.match(SPEC_KIT_TASK_RE)?.length ?? 0;
  if (specKitTasks >= 2 && SPEC_KIT_SIGN_RE.test(text)) return 'spec-kit';
  if (KIRO_PARENT_RE.test(text) && (KIRO_CHILD_RE.test(text) || KIRO_REQUIREMENTS_RE.test(text))) return 'kiro';
  return 'markdown';
}

/** Whether a text is JSON (a Task Master tasks.json) rather than markdown. */
export function looksLikeJson(text: string): boolean {
  const start = text.trimStart()[0];
  return start === '{' || start === '[';
}
