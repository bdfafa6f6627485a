/** Tuning numbers that more than one runtime needs. Each is named and says why it has its value. */

/** Largest wire message accepted from a client (bytes). Bigger frames are refused before parsing. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Longest task title, in characters: a card shows one or two lines, a branch name is made from it. */
export const MAX_TITLE_LENGTH = 500;

/** Longest task prompt, in characters: large enough for a pasted spec, small enough for SQLite rows. */
export const MAX_PROMPT_LENGTH = 200_000;

/** Longest filesystem path we accept from a client. */
export const MAX_PATH_LENGTH = 4096;

/** How long a client call may wait for its answer before the client gives up (ms). */
export const CALL_TIMEOUT_MS = 60_000;

/** Delay before the WebSocket transport tries to reconnect after losing the server (ms). */
export const RECONNECT_DELAY_MS = 1_000;

/**
 * Largest plan file the importer reads (bytes). Real plans are tens of kilobytes; a 10,000-task
 * plan is about 1 MB. The bound keeps a stray log or video from tying up the parser, and matches
 * the largest wire message so that a plan sent as text fits in one call.
 */
export const MAX_PLAN_BYTES = 4 * 1024 * 1024;

/** Most tasks one plan may hold: ten times the largest plans benchmarked, far above real ones. */
export const MAX_PLAN_TASKS = 20_000;
