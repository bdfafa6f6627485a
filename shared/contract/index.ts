import type { z } from 'zod';
import { appEvents, appProcedures } from './app';
import { envelopeEvents } from './common';
import { attentionEvents, attentionProcedures } from './attention';
import { cacheEvents, cacheProcedures } from './cache';
import { checkEvents, checkProcedures } from './checks';
import { inboxEvents, inboxProcedures } from './inbox';
import { notifyEvents } from './notify';
import { planProcedures } from './plans';
import { projectEvents, projectProcedures } from './projects';
import { schedulerEvents, schedulerProcedures } from './scheduler';
import { sessionEvents, sessionMessages, sessionProcedures } from './sessions';
import { settingsEvents, settingsProcedures } from './settings';
import { taskEvents, taskProcedures } from './tasks';
import { usageEvents, usageProcedures } from './usage';
import { worktreeEvents, worktreeProcedures } from './worktrees';

export * from './app';
export * from './attention';
export * from './cache';
export * from './checks';
export * from './common';
export * from './inbox';
export * from './notify';
export * from './plans';
export * from './policy';
export * from './projects';
export * from './scheduler';
export * from './sessions';
export * from './sessionState';
export * from './settings';
export * from './tasks';
export * from './usage';
export * from './worktrees';

/** Every procedure of the API: its name, its input schema and its output schema. */
export const procedures = {
  ...appProcedures,
  ...projectProcedures,
  ...taskProcedures,
  ...planProcedures,
  ...settingsProcedures,
  ...schedulerProcedures,
  ...attentionProcedures,
  ...inboxProcedures,
  ...worktreeProcedures,
  ...sessionProcedures,
  ...cacheProcedures,
  ...checkProcedures,
  ...usageProcedures,
} as const;

/** Every one-way message a client may send (no reply), with its input schema. */
export const messages = {
  ...sessionMessages,
} as const;

/** Every event the main side pushes, with its payload schema. */
export const events = {
  ...envelopeEvents,
  ...appEvents,
  ...projectEvents,
  ...taskEvents,
  ...schedulerEvents,
  ...attentionEvents,
  ...inboxEvents,
  ...worktreeEvents,
  ...sessionEvents,
  ...notifyEvents,
  ...cacheEvents,
  ...checkEvents,
  ...usageEvents,
  ...settingsEvents,
} as const;

export type Procedures = typeof procedures;
export type ProcedureName = keyof Procedures;
/** What a caller passes (defaults not yet applied). */
export type InputOf<K extends ProcedureName> = z.input<Procedures[K]['input']>;
/** What a handler receives (after validation and defaults). */
export type ParsedInputOf<K extends ProcedureName> = z.output<Procedures[K]['input']>;
export type OutputOf<K extends ProcedureName> = z.output<Procedures[K]['output']>;

export type Messages = typeof messages;
export type MessageName = keyof Messages;
/** What a sender passes. */
export type MessageInputOf<K extends MessageName> = z.input<Messages[K]>;
/** What a handler receives (after validation). */
export type ParsedMessageOf<K extends MessageName> = z.output<Messages[K]>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<K extends EventName> = z.output<Events[K]>;

export function isProcedureName(name: string): name is ProcedureName {
  return Object.hasOwn(procedures, name);
}

export function isMessageName(name: string): name is MessageName {
  return Object.hasOwn(messages, name);
}

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}
