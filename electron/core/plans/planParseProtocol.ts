import type { Root } from 'mdast';
import type { MessagePort } from 'node:worker_threads';
import type { ParsedPlan, PlanWarning } from '../../../shared/contract';
import type { ErrorData } from '../../../shared/errors';
import type { Cut } from './planPieces';

/** A plan as it reaches the parser: a file's bytes, text a client decoded, or text already decoded and checked. */
export type PlanInput = { bytes: Uint8Array } | { text: string } | { checked: string; warnings: PlanWarning[] };

/**
 * What the parsing threads are asked (planParseWorker.ts), each answered by one reply with its
 * requestId. A thread that reads a plan (or builds a tree) leads: it decodes and checks the text,
 * cuts it into pieces, parses them with the help of the threads at the other end of `helpers`,
 * and reads them in order.
 */
export type PlanParseRequest =
  /** Decode, check and read a plan: answered with the plan. */
  | { type: 'read'; requestId: number; input: PlanInput; helpers: MessagePort[] }
  /** Parse a checked text's markdown: answered with its tree. */
  | { type: 'tree'; requestId: number; text: string; helpers: MessagePort[] }
  /** Help the thread at the other end of `lead` parse the pieces of its text: answered once no piece is left to take. */
  | { type: 'help'; requestId: number; lead: MessagePort };

export type PlanParseReply =
  | { requestId: number; plan: ParsedPlan }
  | { requestId: number; tree: Root }
  | { requestId: number; helped: number }
  /** The request failed: a BAD_PLAN (or other typed error) as data, or what else went wrong. */
  | { requestId: number; error: ErrorData };

/** What a leading thread sends its helpers: the text to parse in pieces, or null when there is nothing to share. */
export type PieceJob = {
  text: string;
  cuts: Cut[];
  /** One Int32, the next piece to take, shared by every thread parsing the text. */
  next: SharedArrayBuffer;
  /** One Int32, how many pieces the helpers have posted: the leading thread waits on it. */
  posted: SharedArrayBuffer;
} | null;

/** A piece a helper parsed, with the positions its nodes have in the whole text; or that it could not. */
export type PieceMessage = { index: number; tree: Root } | { index: number; failed: true };

/** Posted once by a parsing thread when its modules are loaded and it takes requests. */
export interface ReadyMessage {
  ready: true;
  /** The kernel's id of the thread, where it can be told: the pool reads the thread's processor time by it. */
  tid: number | undefined;
}
