/** Where the core writes what happened; every service gets one from the composition root. */
export interface Logger {
  error(message: string, error?: unknown): void;
  warn(message: string): void;
  info(message: string): void;
}

/** Logs to stderr with a level prefix; the stack of an unexpected error stays on this side. */
export function consoleLogger(prefix = 'switchyard'): Logger {
  return {
    error: (message, error) => console.error(`[${prefix}] error: ${message}`, error instanceof Error ? error.stack : (error ?? '')),
    warn: (message) => console.warn(`[${prefix}] warn: ${message}`),
    info: (message) => console.info(`[${prefix}] ${message}`),
  };
}

/** For tests and quiet commands: keeps what was logged so it can be checked. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    error: (message, error) => void lines.push(`error: ${message} ${error instanceof Error ? error.message : ''}`),
    warn: (message) => void lines.push(`warn: ${message}`),
    info: (message) => void lines.push(message),
  };
}
