import { hostStatus, stopHost } from '../core/sessions/hostSupervisor';

/** `switchyard daemon status`: the data folder's session host, or that none runs. Resolves with the exit code. */
export async function daemonStatus(dataDir: string, flags: { json?: boolean }): Promise<number> {
  const status = await hostStatus(dataDir);
  if (flags.json) console.log(JSON.stringify(status, null, 2));
  else if (status === null) console.log(`no session host runs for ${dataDir}`);
  else {
    const since = new Date(status.startedAt).toISOString();
    console.log(`session host pid ${status.pid} (version ${status.version}), since ${since}: ${status.running} running of ${status.sessions} sessions${status.retiring ? '; it exits once they end' : ''}`);
  }
  return status === null ? 1 : 0;
}

/** `switchyard daemon stop [--all]`: ends the host once its agents have ended, or at once with --all (stopping them). */
export async function daemonStop(dataDir: string, flags: { all?: boolean; json?: boolean }): Promise<number> {
  const status = await stopHost(dataDir, { all: flags.all === true });
  if (flags.json) console.log(JSON.stringify(status, null, 2));
  else if (status === null) console.log(`no session host runs for ${dataDir}`);
  else if (flags.all) console.log(`session host pid ${status.pid} stopped, with its ${status.running} running agents`);
  else console.log(`session host pid ${status.pid} exits once its ${status.running} running agents have ended`);
  return status === null ? 1 : 0;
}
