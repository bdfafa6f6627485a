/** Lines of history a mirror keeps; a re-attached pane gets this much scrollback. */
export const MIRROR_SCROLLBACK_LINES = 1_000;

/** Messages between the session host and the mirror thread (see mirrorWorker.ts). */
export type MirrorRequest =
  | { type: 'create'; id: string; cols: number; rows: number }
  | { type: 'write'; id: string; data: string }
  | { type: 'resize'; id: string; cols: number; rows: number }
  | { type: 'snapshot'; id: string; requestId: number }
  | { type: 'screen'; id: string; requestId: number }
  | { type: 'dispose'; id: string };

export type MirrorReply =
  | { type: 'parsed'; id: string; chars: number }
  | { type: 'title'; id: string; title: string }
  | { type: 'snapshot'; requestId: number; snapshot: string }
  | { type: 'screen'; requestId: number; lines: string[] };
