import { z } from 'zod';
import { emptyInput } from './common';

export const appInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** Which host serves the core: the Electron shell, or browser mode (`switchyard serve`). */
  mode: z.enum(['desktop', 'browser']),
  dataDir: z.string(),
  platform: z.string(),
  versions: z.object({ node: z.string(), electron: z.string().nullable() }),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

/** Whether everything the core records reaches the disk. */
export const storageStatusSchema = z.object({
  /**
   * Writes are failing (the disk is full, or the database cannot be written): agents' output and
   * session states are held in memory meanwhile, and written once there is room again.
   */
  degraded: z.boolean(),
  /** What the database answered to the last failed write; null when everything is written. */
  reason: z.string().nullable(),
  /** Characters of agents' output beyond what can be held in memory, lost while writes failed. */
  lostChars: z.number().int().nonnegative(),
});
export type StorageStatus = z.infer<typeof storageStatusSchema>;

export const appProcedures = {
  'app.info': { input: emptyInput, output: appInfoSchema },
  'app.storage': { input: emptyInput, output: storageStatusSchema },
} as const;

export const appEvents = {
  /** Sent once when writes start failing, and once when everything held is written again. */
  'storage.changed': storageStatusSchema,
} as const;
