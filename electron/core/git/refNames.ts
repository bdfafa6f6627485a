import { SwitchyardError } from '../../../shared/errors';

/** Longest slug made from a task title: long enough to recognise the task, short enough for a path. */
const MAX_SLUG_LENGTH = 48;

/** The slug used when a title has nothing left after sanitising (e.g. only emoji). */
const EMPTY_SLUG = 'task';

/** Longest branch name taken (characters): well under the file name limits a ref is stored with. */
const MAX_BRANCH_NAME_LENGTH = 200;

/**
 * Why a branch name is not acceptable, or null when it is: the rules of
 * `git check-ref-format --branch` (any letter of any script is fine, as in git), plus three of ours:
 * no control character of any kind (C1 codes such as U+009B are terminal escapes too), not "@"
 * (which revisions read as HEAD), and a length limit.
 */
export function branchNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_BRANCH_NAME_LENGTH) return `it is longer than ${MAX_BRANCH_NAME_LENGTH} characters`;
  if (/\p{Cs}/u.test(name)) return 'it is not valid Unicode text';
  if (name.startsWith('-')) return 'it starts with "-" and would be read as an option';
  if (/[\p{Cc} ]/u.test(name)) return 'it contains a space or a control character';
  if (/[~^:?*[\\]/.test(name)) return 'it contains one of ~ ^ : ? * [ \\';
  if (name.includes('..')) return 'it contains ".."';
  if (name.includes('@{')) return 'it contains "@{"';
  if (name === '@' || name === 'HEAD') return `"${name}" is reserved`;
  if (name.startsWith('/') || name.endsWith('/') || name.includes('//')) return 'it has an empty path component';
  if (name.endsWith('.')) return 'it ends with "."';
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return 'a component starts with "."';
    if (part.endsWith('.lock')) return 'a component ends with ".lock"';
  }
  return null;
}

/** Throws BAD_INPUT unless git accepts the name as a branch name (and it passes our three rules). */
export function assertBranchName(name: string, what = 'branch'): string {
  const problem = branchNameProblem(name);
  if (problem) throw new SwitchyardError('BAD_INPUT', `"${name.slice(0, 100)}" is not a usable ${what} name: ${problem}`, { name });
  return name;
}

/**
 * A lowercase ASCII slug from free text: accents dropped, everything else that is not a letter or
 * a digit becomes one "-". "Fix the login ünïcødé bug 🚀" → "fix-the-login-unicode-bug".
 */
/** Latin letters that Unicode decomposition does not reduce to ASCII. */
const TRANSLITERATED: Record<string, string> = { ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', đ: 'd', ł: 'l', þ: 'th', ð: 'd', ı: 'i' };

export function slugify(text: string, maxLength = MAX_SLUG_LENGTH): string {
  const slug = text
    .toLowerCase()
    .replace(/[øæœßđłþðı]/g, (c) => TRANSLITERATED[c] ?? c)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  return slug || EMPTY_SLUG;
}

/**
 * The first of `<prefix><slug>`, `<prefix><slug>-2`, `<prefix><slug>-3`, … that `taken` does not
 * hold. The result always passes assertBranchName.
 */
export function uniqueBranchName(prefix: string, title: string, taken: (name: string) => boolean): string {
  const base = `${prefix}${slugify(title)}`;
  assertBranchName(base);
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken(candidate)) return candidate;
  }
}

/**
 * The existing branch that would keep `name` from being created (git stores refs as files, so
 * "a" and "a/b" cannot both exist), or null: `name` itself, a branch below it, or one above it.
 */
export function clashingBranch(name: string, existing: ReadonlySet<string>): string | null {
  if (existing.has(name)) return name;
  const parts = name.split('/');
  for (let i = 1; i < parts.length; i++) {
    const above = parts.slice(0, i).join('/');
    if (existing.has(above)) return above;
  }
  for (const branch of existing) if (branch.startsWith(`${name}/`)) return branch;
  return null;
}
