import { MAX_MESSAGE_BYTES, MAX_PLAN_BYTES } from '../../../shared/constants';
import { SwitchyardError } from '../../../shared/errors';

/**
 * Room kept in one wire message for what goes with a plan's text: the envelope, the project's id,
 * the file's name and the preview's edits (bytes). The text itself must fit in what is left.
 */
const PLAN_MESSAGE_ALLOWANCE_BYTES = 256 * 1024;

/** Media types a plan never has: such a file is refused before it is read. */
const NOT_TEXT_TYPE =
  /^(image|audio|video|font|model)\/|^application\/(pdf|zip|x-zip-compressed|gzip|x-gzip|x-tar|x-7z-compressed|x-rar-compressed|vnd\.rar|x-bzip2|x-xz|wasm|x-msdownload|x-executable|java-archive|msword|vnd\.openxmlformats)/i;

/** A plan taken in by the dialog, ready for the preview: its text and, for a file, its name. */
export interface PlanText {
  content: string;
  fileName?: string;
}

function badPlan(reason: string, message: string, details: Record<string, unknown> = {}): SwitchyardError {
  return new SwitchyardError('BAD_PLAN', message, { reason, ...details });
}

/** A size in megabytes to one decimal, rounded up: anything over a limit reads as over it. */
function megabytes(bytes: number): string {
  return `${(Math.ceil((bytes / (1024 * 1024)) * 10) / 10).toFixed(1)} MB`;
}

/**
 * Refuses, before a byte is read, a file that cannot be a plan: one bigger than the importer
 * reads (MAX_PLAN_BYTES) or one whose type says it is not text (an image, an archive, a PDF).
 */
export function checkPlanFile(file: Pick<File, 'name' | 'size' | 'type'>): void {
  if (NOT_TEXT_TYPE.test(file.type)) {
    throw badPlan('not-text', `${file.name} is not a text file (${file.type}): a plan is markdown or plain text`, { type: file.type });
  }
  if (file.size > MAX_PLAN_BYTES) {
    throw badPlan('too-large', `${file.name} is ${megabytes(file.size)}; a plan may be at most ${megabytes(MAX_PLAN_BYTES)}`, {
      bytes: file.size,
      limit: MAX_PLAN_BYTES,
    });
  }
  if (file.size === 0) throw badPlan('empty', `${file.name} is empty`);
}

/**
 * Refuses text that is empty or would not fit: over MAX_PLAN_BYTES as UTF-8, or, once escaped
 * for the wire, too big for one message (MAX_MESSAGE_BYTES less what goes with it).
 */
export function checkPlanText(text: string, origin = 'The pasted plan'): void {
  if (text.trim() === '') throw badPlan('empty', `${origin} is empty`);
  const encoder = new TextEncoder();
  const bytes = encoder.encode(text).length;
  if (bytes > MAX_PLAN_BYTES) {
    throw badPlan('too-large', `${origin} is ${megabytes(bytes)}; a plan may be at most ${megabytes(MAX_PLAN_BYTES)}`, {
      bytes,
      limit: MAX_PLAN_BYTES,
    });
  }
  const wireBytes = encoder.encode(JSON.stringify(text)).length;
  const wireLimit = MAX_MESSAGE_BYTES - PLAN_MESSAGE_ALLOWANCE_BYTES;
  if (wireBytes > wireLimit) {
    throw badPlan('too-large', `${origin} is ${megabytes(wireBytes)} once escaped to be sent, more than the ${megabytes(wireLimit)} one message carries`, {
      bytes,
      wireBytes,
      limit: wireLimit,
    });
  }
}

/** Reads a dropped, pasted or chosen file as plan text, refusing what cannot be a plan. */
export async function readPlanFile(file: File): Promise<PlanText> {
  checkPlanFile(file);
  let content: string;
  try {
    content = await file.text();
  } catch (error) {
    // A folder, or a file moved or locked since it was dropped.
    const why = error instanceof Error ? error.message : String(error);
    throw badPlan('unreadable', `${file.name} could not be read (is it a folder?): ${why}`);
  }
  checkPlanText(content, file.name);
  return { content, fileName: file.name };
}

/**
 * What a paste or a drop carries as a plan: its files if it has any (the first is the plan, see
 * {@link severalFilesNote}), else its plain text; null for neither.
 */
export function carriedPlan(data: DataTransfer | null): File[] | string | null {
  if (!data) return null;
  if (data.files.length > 0) return [...data.files];
  const text = data.getData('text/plain');
  return text === '' ? null : text;
}

/**
 * One plan is imported at a time: of several files given at once the first is taken. What the
 * dialog tells the user then, naming the file taken and those left out; null for one file.
 */
export function severalFilesNote(files: readonly Pick<File, 'name'>[]): string | null {
  const [taken, ...left] = files;
  if (!taken || left.length === 0) return null;
  return `${files.length} files at once: one plan is imported at a time, so this is ${taken.name}; left out: ${left.map((f) => f.name).join(', ')}.`;
}

/** The plan's text and name as the preview and the import take them. */
export function sourceOf({ content, fileName }: PlanText): PlanText {
  return fileName === undefined ? { content } : { content, fileName };
}
