import { z } from 'zod';
import { MAX_PATH_LENGTH } from '../constants';

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
