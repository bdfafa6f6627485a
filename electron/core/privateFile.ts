import { chmodSync, renameSync, writeFileSync } from 'node:fs';

/** Read and written by the user alone. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Writes `text` to `file`, readable by the user alone, all at once: it is written beside and then
 * renamed over the file, so that a crash or a full disk leaves the old contents or the new, never
 * half of them. The mode is set again on the new file, whatever the umask did to it.
 */
export function writePrivateFile(file: string, text: string): void {
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, text, { mode: PRIVATE_FILE_MODE });
  chmodSync(partial, PRIVATE_FILE_MODE);
  renameSync(partial, file);
}
