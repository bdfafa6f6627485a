/**
 * The closed set of error codes that cross the contract. An expected failure is a value the UI can
 * explain; anything unexpected becomes INTERNAL, with its stack logged on the main side only.
 */
export const ERROR_CODES = [
  'BAD_INPUT',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PATH_NOT_FOUND',
  'NOT_A_GIT_REPO',
  'AGENT_NOT_FOUND',
  /** The editor the settings name (worktrees.editor) is not installed or not on PATH. */
  'EDITOR_NOT_FOUND',
  'SESSION_NOT_RUNNING',
  /** The agent asked to answer waits for no answer (it works, or it was answered already). */
  'NOT_WAITING',
  'WORKTREE_DIRTY',
  'SETUP_FAILED',
  'EMPTY_REPOSITORY',
  'DETACHED_HEAD',
  'UNAVAILABLE',
  'GIT_REFUSED',
  'GIT_LOCKED',
  'CYCLE',
  'BAD_PLAN',
  'CONFLICT',
  /** A task's lifecycle has no move for that event from the task's status. */
  'ILLEGAL_TRANSITION',
  'DISK_FULL',
  'UNAUTHORIZED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorData {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** Thrown by services for expected failures; the dispatcher turns it into an ErrorData value. */
export class SwitchyardError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'SwitchyardError';
    this.code = code;
    this.details = details;
  }

  toData(): ErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isErrorData(value: unknown): value is ErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorData).code === 'string' &&
    (ERROR_CODES as readonly string[]).includes((value as ErrorData).code) &&
    typeof (value as ErrorData).message === 'string'
  );
}
