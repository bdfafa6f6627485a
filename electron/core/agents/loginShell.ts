import { spawn } from 'node:child_process';

/** Longest wait for the user's login shell to print its environment (ms); a slow profile must not hold the app. */
export const LOGIN_ENV_TIMEOUT_MS = 5_000;

const MARK = '__SWITCHYARD_ENV__';

/**
 * Variables of the login shell that describe that shell itself, not the user's set-up: never
 * taken into the app's environment.
 */
const SHELL_OWN = new Set(['PWD', 'OLDPWD', 'SHLVL', '_', 'ELECTRON_RUN_AS_NODE', 'ELECTRON_NO_ATTACH_CONSOLE']);

/** The text as one single-quoted word, for a POSIX shell or fish. */
const quoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * The environment the user's login shell sets up: PATH, and the API keys, proxies and agent
 * folders (CODEX_HOME, CLAUDE_CONFIG_DIR, …) a profile exports. A desktop app started from the
 * Dock or a launcher gets none of them, and its agents would run without a sign-in, a proxy or
 * the CLIs installed with npm, Homebrew or pipx; a terminal has them all. It is printed as JSON by
 * this very program (`node`, or Electron run as Node) started by the shell, so that no value is
 * misread, whatever its characters; null when the shell cannot be run or says nothing in time.
 */
export function loginShellEnvironment(shell = process.env.SHELL, timeoutMs = LOGIN_ENV_TIMEOUT_MS): Promise<Record<string, string> | null> {
  if (!shell || process.platform === 'win32') return Promise.resolve(null);
  const script = `process.stdout.write(${JSON.stringify(MARK)} + JSON.stringify(process.env) + ${JSON.stringify(MARK)})`;
  return new Promise((resolve) => {
    let output = '';
    let settled = false;
    const finish = (env: Record<string, string> | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(env);
    };
    // Its own process group, so that a profile that hangs is ended with everything it started.
    const child = spawn(shell, ['-ilc', `${quoted(process.execPath)} -e ${quoted(script)}`], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
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
      if (code !== 0 || !match) return finish(null);
      try {
        const parsed = JSON.parse(match[1]!) as Record<string, unknown>;
        const env: Record<string, string> = {};
        for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string' && !SHELL_OWN.has(key)) env[key] = value;
        finish(env);
      } catch {
        finish(null);
      }
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

/**
 * What the login environment adds to the current one: every variable the current one lacks (a
 * value the app was started with wins: it was set on purpose, e.g. in the terminal that ran
 * `switchyard start`), and PATH merged with the login folders first.
 */
export function withLoginEnvironment(login: Record<string, string>, current: NodeJS.ProcessEnv): Record<string, string> {
  const added: Record<string, string> = {};
  for (const [key, value] of Object.entries(login)) if (current[key] === undefined && key !== 'PATH') added[key] = value;
  if (login.PATH) added.PATH = mergePaths(login.PATH, current.PATH);
  return added;
}
