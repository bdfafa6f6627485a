/** Lines of history a mirror keeps; a re-attached pane gets this much scrollback. */
export const MIRROR_SCROLLBACK_LINES = 1_000;

/** Messages between the session host and the mirror thread (see mirrorWorker.ts). */
export type MirrorRequest =
  | { type: 'create'; id: string; cols: number; rows: number }
  /**
   * `answer`: what the terminal answers to queries in this output (a cursor position, its
   * attributes) goes to the program; no pane saw it. `seq`: the output's last batch.
   */
  | { type: 'write'; id: string; data: string; answer: boolean; seq: number }
  | { type: 'resize'; id: string; cols: number; rows: number }
  | { type: 'snapshot'; id: string; requestId: number }
  | { type: 'screen'; id: string; requestId: number }
  | { type: 'dispose'; id: string };

export type MirrorReply =
  | { type: 'parsed'; id: string; chars: number }
  | { type: 'title'; id: string; title: string }
  /** What the mirror answers to a query in output written with `answer`, for the program's input. */
  | { type: 'answer'; id: string; data: string; seq: number }
  | { type: 'snapshot'; requestId: number; snapshot: string }
  | { type: 'screen'; requestId: number; lines: string[] };
