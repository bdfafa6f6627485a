import { isErrorData, SwitchyardError, type ErrorCode } from '../../shared/errors';
import { resolveDataDir } from '../core/dataDir';
import { openAccess, type CoreAccess } from './coreAccess';

/** Exit codes of a typed failure, so that scripts can tell them apart; any other failure exits with 1. */
const EXIT_CODES: Partial<Record<ErrorCode, number>> = { NOT_FOUND: 4, UNAVAILABLE: 5, CONFLICT: 6, UNAUTHORIZED: 7, SESSION_NOT_RUNNING: 8, NOT_WAITING: 9 };

/** A typed failure as one line: "CODE: message". */
export function failure(error: unknown): Error {
  if (error instanceof SwitchyardError || isErrorData(error)) {
    const line = new Error(`${error.code}: ${error.message}`);
    (line as Error & { exitCode?: number }).exitCode = EXIT_CODES[error.code] ?? 1;
    return line;
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Runs a command against the running core of the data folder, or a core of its own. */
export async function withCore(dataDir: string | undefined, use: (access: CoreAccess) => Promise<unknown>, options: { requireRunning?: string } = {}): Promise<void> {
  const access = await openAccess({ dataDir: resolveDataDir({ explicit: dataDir }), role: 'cli', ...options }).catch((e: unknown) =>
    Promise.reject(failure(e)),
  );
  try {
    await use(access).catch((e: unknown) => Promise.reject(failure(e)));
  } finally {
    await access.close();
  }
}
