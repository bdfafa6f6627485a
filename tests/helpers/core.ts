import { afterEach } from 'vitest';
import { createCore, type Core } from '../../electron/core/app';
import { memoryLogger } from '../../electron/core/log';
import { tempDir } from './tempDir';

const open: Core[] = [];

/** A real core on a real SQLite file in a temp data directory, disposed after the test. */
export function makeCore(dataDir = tempDir('switchyard-data-')): Core & { log: ReturnType<typeof memoryLogger> } {
  const log = memoryLogger();
  const core = createCore({ dataDir, mode: 'browser', log });
  open.push(core);
  return Object.assign(core, { log });
}

afterEach(async () => {
  for (const core of open.splice(0)) await core.dispose();
});
