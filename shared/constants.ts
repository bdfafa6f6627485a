/** Tuning numbers that more than one runtime needs. Each is named and says why it has its value. */

/**
 * Largest plan file the importer reads (bytes). Real plans are tens of kilobytes; a 10,000-task
 * plan is about 1 MB. The bound keeps a stray log or video from tying up the parser.
 */
export const MAX_PLAN_BYTES = 4 * 1024 * 1024;

/**
 * Largest wire message accepted from a client (bytes). Bigger frames are refused before parsing.
 * A plan sent as text (pasted or dropped) must fit in one: the largest plan, every byte of it a
 * newline, tab, quote or backslash (two bytes each once escaped), and a megabyte for what goes
 * with it. Control characters (six bytes each) do not make a plan: the importer refuses them.
 */
export const MAX_MESSAGE_BYTES = 2 * MAX_PLAN_BYTES + 1024 * 1024;

/** Longest task title, in characters: a card shows one or two lines, a branch name is made from it. */
export const MAX_TITLE_LENGTH = 500;

/** Longest task prompt, in characters: large enough for a pasted spec, small enough for SQLite rows. */
export const MAX_PROMPT_LENGTH = 200_000;

/** Longest filesystem path we accept from a client. */
export const MAX_PATH_LENGTH = 4096;

/** How long a client call may wait for its answer before the client gives up (ms). */
export const CALL_TIMEOUT_MS = 60_000;

/** Delay before the WebSocket transport tries to reconnect after losing the server (ms); it doubles at each failed try. */
export const RECONNECT_DELAY_MS = 1_000;
/**
 * The longest wait between two tries (ms): a tab left open while serve is down tries a few times a
 * minute, and is back within this long of a restart.
 */
export const RECONNECT_MAX_DELAY_MS = 8_000;


/** Most tasks one plan may hold: ten times the largest plans benchmarked, far above real ones. */
export const MAX_PLAN_TASKS = 20_000;

/**
 * Terminal flow control, after VS Code's terminal (FlowControlConstants). A client acknowledges
 * the characters its xterm has parsed, in steps of TERMINAL_ACK_CHARS; the host pauses the pty
 * while any attached client has more than TERMINAL_HIGH_WATERMARK_CHARS unacknowledged, and
 * resumes it once all are below TERMINAL_LOW_WATERMARK_CHARS. The window is larger than VS Code's
 * (100k/5k) because an ack here crosses a WebSocket and JSON, a longer round trip than VS Code's
 * IPC; and resuming at half the window keeps the pipe full instead of draining it every cycle.
 * A client that keeps the pty paused longer than TERMINAL_SLOW_CLIENT_MS is detached and must
 * re-attach from a snapshot, so that one slow pane never stalls an agent.
 */
export const TERMINAL_HIGH_WATERMARK_CHARS = 1_000_000;
export const TERMINAL_LOW_WATERMARK_CHARS = 500_000;
/**
 * Acknowledge in steps this size: well under the gap between the watermarks, so that the pty resumes
 * in time, and large enough that a flood costs a few hundred acks rather than thousands of messages.
 */
export const TERMINAL_ACK_CHARS = 50_000;
/** How long one client may hold a pty paused before it is detached (ms). */
export const TERMINAL_SLOW_CLIENT_MS = 5_000;

/** Largest terminal a client may ask for: beyond this a pane is a mistake, not a screen. */
export const MAX_TERMINAL_COLS = 1_000;
export const MAX_TERMINAL_ROWS = 500;
/** Largest single terminal.input message (characters): a big paste, not a file transfer. */
export const MAX_TERMINAL_INPUT_CHARS = 1_000_000;

/**
 * Deepest nesting of lists and block quotes a plan may have (containers open on one line). Plans
 * nest a few levels; the markdown parser's cost grows with each one, and a plan of 64 nested levels
 * once held the importer for half a minute. Checked by a line scan before parsing.
 */
export const MAX_PLAN_NESTING_DEPTH = 16;
/**
 * Most parsing work a plan's nested lists may cost, as planLimits.ts estimates it before parsing
 * (events the parser moves). 8,000 lines of two-level nesting that no heading cuts are 40M, about
 * 4.5 s of parsing on a slow two-core machine; a 10,000-task plan with two sub-items per task, in
 * phases of 500, is 20M.
 */
export const MAX_PLAN_NESTING_WORK = 40_000_000;
/**
 * Most time a parsing thread may spend on one plan (ms) before it is stopped and the plan refused
 * (BAD_PLAN, `timeout`): three times what the slowest plan within the limits takes on a slow
 * machine. Counted in the thread's processor time where Linux tells it, so that a machine busy
 * with other work slows a parse without failing it; else on the wall clock.
 */
export const PLAN_PARSE_TIMEOUT_MS = 15_000;
