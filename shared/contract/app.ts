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

export const appProcedures = {
  'app.info': { input: emptyInput, output: appInfoSchema },
} as const;
