import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE, writePrivateFile } from '../core/privateFile';
import { newToken } from './auth';

/** The file in the data folder that keeps browser mode's token across restarts. */
export const TOKEN_FILE = 'browser-token';

/** A token as newToken() writes it: 32 bytes, base64url. Anything else in the file is replaced. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Browser mode's token for this data folder: the one kept in its token file, so that a tab opened
 * before a restart is let in again after it; a new one when there is none, or when `rotate` asks
 * for it (`serve --new-token`), which locks out every tab opened with the old one.
 */
export function browserToken(dataDir: string, options: { rotate?: boolean } = {}): string {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, TOKEN_FILE);
  if (!options.rotate) {
    let kept: string | null = null;
    try {
      kept = readFileSync(file, 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (kept !== null && TOKEN_SHAPE.test(kept)) {
      // A file made looser by hand (a copy, a restore) is tightened again.
      chmodSync(file, PRIVATE_FILE_MODE);
      return kept;
    }
  }
  const token = newToken();
  // A crash leaves the old token or the new one, never half of one.
  writePrivateFile(file, `${token}\n`);
  return token;
}
