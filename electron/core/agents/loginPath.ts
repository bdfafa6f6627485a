import { spawn } from 'node:child_process';

/** Longest wait for the user's login shell to print its PATH (ms); a slow profile must not hold the app. */
export const LOGIN_PATH_TIMEOUT_MS = 5_000;

const MARK = '__SWITCHYARD_PATH__';

/**
 * The PATH the user's login shell sets up. A desktop app started from the Dock or a launcher gets a
 * short PATH without the folders where agent CLIs are installed (npm globals, ~/.local/bin, Homebrew);
 * the login shell's PATH has them. Null when the shell cannot be run or says nothing in time.
 */
export function loginShellPath(shell = process.env.SHELL, timeoutMs = LOGIN_PATH_TIMEOUT_MS): Promise<string | null> {
  if (!shell || process.platform === 'win32') return Promise.resolve(null);
  return new Promise((resolve) => {
    let output = '';
    let settled = false;
    const finish = (path: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(path);
    };
    // Its own process group, so that a profile that hangs is ended with everything it started.
    const child = spawn(shell, ['-ilc', `printf '${MARK}%s${MARK}' "$PATH"`], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Gone already.
      }
      finish(null);
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', () => finish(null));
    child.on('close', (code) => {
      const match = new RegExp(`${MARK}(.*?)${MARK}`, 's').exec(output);
      finish(code === 0 && match?.[1] ? match[1] : null);
    });
  });
}

/** The login PATH first, then whatever of the current one it lacks, each folder once. */
export function mergePaths(login: string, current: string | undefined): string {
  const seen = new Set<string>();
  return [...login.split(':'), ...(current ?? '').split(':')]
    .filter((dir) => dir !== '' && !seen.has(dir) && seen.add(dir))
    .join(':');
}
