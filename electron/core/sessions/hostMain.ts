import { runHostProcess } from './hostProcess';

/**
 * The session host process of one data folder (argv[2]), started detached by the core: see
 * runHostProcess.
 */
const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: hostMain <data folder>');
await runHostProcess(dataDir);
