import type { z } from 'zod';
import {
  isMessageName,
  isProcedureName,
  messages,
  procedures,
  type MessageName,
  type OutputOf,
  type ParsedInputOf,
  type ParsedMessageOf,
  type ProcedureName,
} from '../../../shared/contract';
import { SwitchyardError, type ErrorData } from '../../../shared/errors';
import { LOCAL_CLIENT, type ClientContext } from '../clientContext';
import type { Logger } from '../log';

export type Handler<K extends ProcedureName> = (
  input: ParsedInputOf<K>,
  client: ClientContext,
) => Promise<OutputOf<K>> | OutputOf<K>;
export type Handlers = { [K in ProcedureName]: Handler<K> };

/** What a one-way message does; nothing waits for it, so it returns nothing. */
export type MessageHandler<K extends MessageName> = (input: ParsedMessageOf<K>, client: ClientContext) => Promise<void> | void;
export type MessageHandlers = { [K in MessageName]: MessageHandler<K> };

export type CallResult = { ok: true; output: unknown } | { ok: false; error: ErrorData };

/**
 * Deepest nesting of arrays and objects a call's input may have. The contract's inputs nest a few
 * levels; a limit far above them, checked before validation, keeps recursive code further in
 * (zod, JSON.stringify, SQLite's JSON) from overflowing the stack on hostile input.
 */
export const MAX_INPUT_DEPTH = 64;

/** Whether `value` nests arrays or objects more than `limit` levels deep (itself is level 1), found without recursion. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (typeof next.value !== 'object' || next.value === null) continue;
    if (next.depth > limit) return true;
    for (const child of Object.values(next.value)) pending.push({ value: child, depth: next.depth + 1 });
  }
  return false;
}

/** Describes what zod refused, path by path, in words a person can read. */
function describeIssues(error: z.ZodError): { message: string; issues: { path: string; message: string }[] } {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(input)',
    message: issue.message,
  }));
  return { message: issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues };
}

/** Failures of the machine rather than of the code: a full disk is something the user can fix. */
function environmentalError(error: unknown): ErrorData | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') {
    return {
      code: 'DISK_FULL',
      message: 'The disk is full, so this change was not saved. Free some space and try again.',
    };
  }
  return null;
}

/** A thrown failure as a value: what a handler meant (typed), a full disk, or INTERNAL with the stack logged. */
function failureOf(method: string, error: unknown, log: Logger): ErrorData {
  if (error instanceof SwitchyardError) return error.toData();
  const environmental = environmentalError(error);
  if (environmental) {
    log.warn(`${method}: ${environmental.code} (${error instanceof Error ? error.message : String(error)})`);
    return environmental;
  }
  log.error(`${method} failed`, error);
  return { code: 'INTERNAL', message: `${method} failed unexpectedly; see the log` };
}

/** The input as the contract's schema reads it, or BAD_INPUT saying why not (too deeply nested, or what zod refused). */
function parseInput(schema: z.ZodType, method: string, rawInput: unknown): { ok: true; data: unknown } | { ok: false; error: ErrorData } {
  if (nestsDeeperThan(rawInput, MAX_INPUT_DEPTH)) {
    return {
      ok: false,
      error: { code: 'BAD_INPUT', message: `${method}: the input nests deeper than ${MAX_INPUT_DEPTH} levels`, details: { maxDepth: MAX_INPUT_DEPTH } },
    };
  }
  const parsed = schema.safeParse(rawInput ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  const { message, issues } = describeIssues(parsed.error);
  return { ok: false, error: { code: 'BAD_INPUT', message: `${method}: ${message}`, details: { issues } } };
}

/**
 * Validates a call's input against the contract, runs its handler and turns every outcome into a
 * value: the output, a typed error the handler meant, or INTERNAL for anything else (the stack goes
 * to the main side's log only). It never throws.
 */
export function createDispatcher(handlers: Handlers, log: Logger) {
  return async function dispatch(method: string, rawInput: unknown, client: ClientContext = LOCAL_CLIENT): Promise<CallResult> {
    if (!isProcedureName(method)) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown method "${method.slice(0, 100)}"` } };
    }
    try {
      const parsed = parseInput(procedures[method].input, method, rawInput);
      if (!parsed.ok) return parsed;
      const handler = handlers[method] as (input: unknown, client: ClientContext) => Promise<unknown> | unknown;
      const output = await handler(parsed.data, client);
      return { ok: true, output };
    } catch (error) {
      return { ok: false, error: failureOf(method, error, log) };
    }
  };
}

export type Dispatch = ReturnType<typeof createDispatcher>;

/**
 * Validates a one-way message against the contract and runs its handler. Nothing is answered; a
 * message that is refused resolves to the typed error, for its sender to be told. It never throws.
 */
export function createMessageDelivery(handlers: MessageHandlers, log: Logger) {
  return async function deliver(method: string, rawInput: unknown, client: ClientContext = LOCAL_CLIENT): Promise<ErrorData | null> {
    if (!isMessageName(method)) return { code: 'UNKNOWN_METHOD', message: `unknown message "${method.slice(0, 100)}"` };
    try {
      const parsed = parseInput(messages[method], method, rawInput);
      if (!parsed.ok) return parsed.error;
      const handler = handlers[method] as (input: unknown, client: ClientContext) => Promise<void> | void;
      await handler(parsed.data, client);
      return null;
    } catch (error) {
      return failureOf(method, error, log);
    }
  };
}

export type Deliver = ReturnType<typeof createMessageDelivery>;
