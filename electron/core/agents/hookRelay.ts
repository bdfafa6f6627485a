/**
 * The program a hook command runs: it reads the hook's JSON on stdin and posts it to the core's
 * hook server with the session's token, then exits 0 whatever happens. It prints only what the
 * core answers with a 200 (a decision for a PermissionRequest, which the agent obeys); otherwise
 * nothing, since a hook's stdout can reach the model and a failing hook must never disturb the agent.
 *
 * Run with arguments, it is a notify program instead (Codex's `notify`): the JSON is the last
 * argument, and the arguments before it, when there are any, are the user's own notify program,
 * which is started with the same JSON appended (and not waited for), as the agent would have.
 *
 * It is passed to the runtime with `-e` rather than shipped as a file, so that it works the same
 * from the source tree, a bundle and a packaged app. Under Electron, `process.execPath` is the
 * Electron binary, which behaves as Node with ELECTRON_RUN_AS_NODE=1.
 */

/** Environment variables the relay reads; the adapter puts them into the agent's environment. */
export const HOOK_ENV = {
  url: 'SWITCHYARD_HOOK_URL',
  token: 'SWITCHYARD_HOOK_TOKEN',
  session: 'SWITCHYARD_SESSION_ID',
  /** Set in a hook command's own line for an agent whose hook JSON does not name its event (Copilot CLI). */
  event: 'SWITCHYARD_HOOK_EVENT',
} as const;

/** The header in which the relay names the event the hook command was given for (HOOK_ENV.event). */
export const HOOK_EVENT_HEADER = 'x-switchyard-event';

/**
 * How long the relay waits for the core before giving up silently (ms): well inside the agent's
 * hook timeout (claudeCode.ts HOOK_COMMAND_TIMEOUT_S), so that a late core means "no decision".
 */
export const HOOK_RELAY_TIMEOUT_MS = 3_000;

/**
 * How long the core holds a permission question that no rule decided, for the user to answer from
 * the inbox (ms). The agent shows its own question meanwhile (Claude Code races its dialog against
 * its PermissionRequest hooks: the first answer wins); past this, only its terminal answers it.
 */
export const PERMISSION_HOLD_MS = 10 * 60_000;

/** How long the relay waits for the answer to a PermissionRequest (ms): past the core's hold. */
export const PERMISSION_RELAY_TIMEOUT_MS = PERMISSION_HOLD_MS + 5_000;

/** The relay's source. No single quote inside: it is quoted for a POSIX shell as one word. */
export const HOOK_RELAY_SOURCE = [
  `const e=process.env,u=e.${HOOK_ENV.url},t=e.${HOOK_ENV.token},s=e.${HOOK_ENV.session};`,
  'const a=process.argv.slice(1),j=a.pop();',
  // A notify program: the user's own one first, so that it runs even when the core is gone.
  'if(a.length>0){try{require("child_process").spawn(a[0],[...a.slice(1),j],{stdio:"inherit"}).on("error",()=>{}).unref()}catch{}}',
  'if(!u||!t||!s)process.exit(0);',
  'const post=c=>{',
  // A permission question may be held for the user: its answer is waited for longer.
  `const w=/"hook_event_name"\\s*:\\s*"PermissionRequest"/.test(Buffer.concat(c).toString())?${PERMISSION_RELAY_TIMEOUT_MS}:${HOOK_RELAY_TIMEOUT_MS};`,
  'const r=require("http").request(u,{method:"POST",timeout:w,',
  `headers:Object.assign({"content-type":"application/json","authorization":"Bearer "+t,"x-switchyard-session":s},e.${HOOK_ENV.event}?{"${HOOK_EVENT_HEADER}":e.${HOOK_ENV.event}}:{})},`,
  'x=>{const b=[];x.on("data",d=>b.push(d));x.on("end",()=>{',
  'const o=Buffer.concat(b);if(x.statusCode===200&&o.length>0)process.stdout.write(o,()=>process.exit(0));else process.exit(0)})});',
  'r.on("error",()=>process.exit(0));r.on("timeout",()=>{r.destroy();process.exit(0)});',
  'r.end(Buffer.concat(c))};',
  'if(j!==undefined)post([Buffer.from(j)]);',
  'else{const c=[];process.stdin.on("data",d=>c.push(d));process.stdin.on("error",()=>process.exit(0));process.stdin.on("end",()=>post(c))}',
].join('');

/** Quotes one word for a POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The hook command line: `ELECTRON_RUN_AS_NODE=1 '<runtime>' -e '<relay>'`. */
export function hookRelayCommand(runtime: string = process.execPath): string {
  if (HOOK_RELAY_SOURCE.includes("'")) throw new Error('the relay source must not contain a single quote');
  return `ELECTRON_RUN_AS_NODE=1 ${shellQuote(runtime)} -e ${shellQuote(HOOK_RELAY_SOURCE)}`;
}

/**
 * The relay as a program and its arguments, for an agent that runs a notify program rather than a
 * shell line: `/usr/bin/env ELECTRON_RUN_AS_NODE=1 <runtime> -e <relay> --`, then the user's own
 * notify program, if any; the agent appends the JSON. The variable is set for the relay alone,
 * never in the agent's environment (an Electron app the agent runs must stay one).
 */
export function hookRelayArgv(runtime: string = process.execPath, chained: readonly string[] = []): string[] {
  return ['/usr/bin/env', 'ELECTRON_RUN_AS_NODE=1', runtime, '-e', HOOK_RELAY_SOURCE, '--', ...chained];
}
