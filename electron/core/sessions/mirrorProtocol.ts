/** Lines of history a mirror keeps; a re-attached pane gets this much scrollback. */
export const MIRROR_SCROLLBACK_LINES = 1_000;

/** Messages between the session host and the mirror thread (see mirrorWorker.ts). */
export type MirrorRequest =
  /**
   * `answers`: what the terminal answers to queries in the output (a cursor position, its
   * attributes) is posted back as `answer`, for the program's input.
   */
  | { type: 'create'; id: string; cols: number; rows: number; answers: boolean }
  /** `seq`: the output's last batch. */
  | { type: 'write'; id: string; data: string; seq: number }
  | { type: 'resize'; id: string; cols: number; rows: number }
  | { type: 'snapshot'; id: string; requestId: number }
  | { type: 'screen'; id: string; requestId: number }
  | { type: 'dispose'; id: string };

export type MirrorReply =
  | { type: 'parsed'; id: string; chars: number }
  | { type: 'title'; id: string; title: string }
  /** What the mirror answers to a query in the output of a mirror created with `answers`. */
  | { type: 'answer'; id: string; data: string; seq: number }
  | { type: 'snapshot'; requestId: number; snapshot: string }
  | { type: 'screen'; requestId: number; lines: string[] };
