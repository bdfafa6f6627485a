import { userInfo } from 'node:os';

/**
 * Variables of the app's own process that must not leak into an agent's terminal: they describe
 * the app (Electron, a test runner, a debugger), not the user's login.
 */
const APP_ONLY_VARIABLES = [/^ELECTRON_/, /^VITEST/, /^NODE_OPTIONS$/, /^NODE_CHANNEL_FD$/, /^npm_/, /^INIT_CWD$/];

/** What a terminal program expects to find when it starts in a login shell's terminal. */
export function loginEnvironment(extra: Record<string, string>, base: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined || APP_ONLY_VARIABLES.some((pattern) => pattern.test(key))) continue;
    env[key] = value;
  }
  const user = safeUserInfo();
  env.HOME ??= user?.homedir ?? '/';
  env.USER ??= user?.username ?? 'user';
  env.LOGNAME ??= env.USER;
  env.SHELL ??= user?.shell ?? '/bin/sh';
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  // Agents print UTF-8; without a UTF-8 locale some of them fall back to ASCII art.
  if (!env.LANG && !env.LC_ALL) env.LANG = 'C.UTF-8';
  env.TERM = 'xterm-256color';
  env.COLORTERM = 'truecolor';
  env.TERM_PROGRAM = 'Switchyard';
  return { ...env, ...extra };
}

function safeUserInfo(): { homedir: string; username: string; shell: string | null } | undefined {
  try {
    return userInfo();
  } catch {
    return undefined;
  }
}
