import { z } from 'zod';
import { MAX_PATH_LENGTH } from '../constants';
import { ERROR_CODES } from '../errors';

/** Ids are opaque strings made by the main side (UUIDs today). */
export const idSchema = z.string().min(1).max(64);

/** A filesystem path from a client: non-empty, bounded, no NUL byte. */
export const pathSchema = z
  .string()
  .min(1)
  .max(MAX_PATH_LENGTH)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

export const emptyInput = z.object({}).strict();

/** Epoch milliseconds. */
export const timestampSchema = z.number().int().nonnegative();

/** A typed failure as it crosses the contract (see shared/errors.ts). */
export const errorDataSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** Events that belong to the envelope rather than to one service. */
export const envelopeEvents = {
  /** A one-way message of this client's was refused and dropped: which one, and why. */
  'message.refused': z.object({ method: z.string(), error: errorDataSchema }),
} as const;
