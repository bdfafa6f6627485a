import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Project } from '../../shared/contract';
import { SwitchyardError, type ErrorData } from '../../shared/errors';
import type { ServerMessage } from '../../shared/protocol';
import type { Core } from '../core/app';
import type { Logger } from '../core/log';
import { inspectRepository } from '../core/git/repository';
import { APPROVE_MODES, headlessRun, RUN_GOALS, type RunProgress, type RunQuestion, type RunSummary } from './headlessRun';

/**
 * `switchyard run` beside a running app or serve: the run goes on in that core, for the client
 * that asked for it over the control socket. Its changes and questions go to that client only, as
 * events; when it ends (settled, timed out, stopped by the client, or the client went away) the
 * agents it started are stopped, as a run on its own core stops them, and the client is sent the
 * summary. The core itself goes on.
 */

/** A call: starts the run; answered with the project once the run is on. */
export const RUN_START_METHOD = 'run.start';
/** A one-way message: ends the run as Ctrl-C does (`interrupted`). */
export const RUN_STOP_MESSAGE = 'run.stop';
/** The events of a run, sent to its client only. */
export const RUN_EVENTS = { progress: 'run.progress', question: 'run.question', ended: 'run.ended' } as const;

export const runStartInputSchema = z.object({
  /** The project's repository, or a folder inside it (an absolute path). */
  project: z.string().min(1),
  approve: z.enum(APPROVE_MODES),
  until: z.enum(RUN_GOALS),
  maxConcurrent: z.number().int().min(1).max(64).optional(),
  /** ms */
  timeoutMs: z.number().int().positive().optional(),
});
export type RunStartInput = z.infer<typeof runStartInputSchema>;

export interface RunStarted {
  project: Pick<Project, 'id' | 'name' | 'path'>;
}

/** How a run ended, as its client is told: the summary, or the failure that ended it. */
export type RunEnded = { summary: RunSummary } | { error: ErrorData };

/** How long the agents a run started get to end once it stopped them (ms). */
const STOP_WAIT_MS = 15_000;

/** Projects with a run under way, in this core: one at a time per project. */
const underWay = new WeakMap<Core, Set<string>>();

/** The project of a repository (or a folder in it), or a typed failure naming the folder tried. */
async function projectAt(core: Core, path: string): Promise<Project> {
  const root = await realpath((await inspectRepository(resolve(path))).root);
  const project = core.projects.list().find((p) => p.path === root);
  if (!project) throw new SwitchyardError('BAD_INPUT', `${path} is not a project: import a plan into it first (switchyard import-plan)`);
  return project;
}

/** Stops the sessions given and waits (a while at most) for each one to end. */
async function stopSessions(core: Core, ids: readonly string[], log: Logger): Promise<void> {
  if (ids.length === 0) return;
  const open = new Set(ids);
  const ended = new Promise<void>((resolve) => {
    const timer = setTimeout(done, STOP_WAIT_MS);
    const subscription = core.bus.subscribe(({ event, payload }) => {
      if (event !== 'session.exited') return;
      open.delete((payload as { sessionId: string }).sessionId);
      if (open.size === 0) done();
    });
    function done() {
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    }
  });
  for (const id of ids) {
    await core.sessions.stop(id).catch((error: unknown) => {
      open.delete(id);
      log.error(`stopping session ${id} at the end of a run failed`, error);
    });
  }
  if (open.size > 0) await ended;
}

/** One client's runs over one control connection. */
export interface RunChannel {
  /** Takes the run's call and message; false for anything else (the core's own methods). */
  receive(message: unknown): boolean;
  /** The client went away: its run ends as if it was stopped. */
  close(): void;
}

export function runChannel(core: Core, send: (message: ServerMessage) => void, log: Logger): RunChannel {
  let stop: AbortController | null = null;
  /** A stop that came while the run was being started: it ends as soon as it is on. */
  let stopAsked = false;
  let closed = false;
  const event = (name: string, payload: unknown) => {
    if (!closed) send({ kind: 'event', event: name, payload });
  };

  const start = async (id: number, raw: unknown) => {
    const answer = (message: ServerMessage) => {
      if (!closed) send(message);
    };
    const parsed = runStartInputSchema.safeParse(raw);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(input)'}: ${issue.message}`).join('; ');
      return answer({ kind: 'result', id, ok: false, error: { code: 'BAD_INPUT', message: `${RUN_START_METHOD}: ${problems}` } });
    }
    if (stop) return answer({ kind: 'result', id, ok: false, error: { code: 'CONFLICT', message: 'this connection already follows a run' } });
    const input = parsed.data;
    let project: Project;
    try {
      project = await projectAt(core, input.project);
    } catch (error) {
      const data = error instanceof SwitchyardError ? error.toData() : { code: 'BAD_INPUT' as const, message: error instanceof Error ? error.message : String(error) };
      return answer({ kind: 'result', id, ok: false, error: data });
    }
    const projects = underWay.get(core) ?? new Set<string>();
    underWay.set(core, projects);
    if (projects.has(project.id)) {
      return answer({ kind: 'result', id, ok: false, error: { code: 'CONFLICT', message: `a run of ${project.name} (${project.path}) is already under way in this Switchyard` } });
    }
    if (closed) return;
    projects.add(project.id);
    const controller = new AbortController();
    stop = controller;
    if (stopAsked) controller.abort();
    // What the run leaves as it found it: agents that ran before it, and the project's own run.
    const before = new Set(core.sessions.live(project.id).map((s) => s.id));
    const wasActive = core.scheduler.status(project.id).active;
    answer({ kind: 'result', id, ok: true, output: { project: { id: project.id, name: project.name, path: project.path } } satisfies RunStarted });

    let ended: RunEnded;
    try {
      const summary = await headlessRun(core, project.id, {
        approve: input.approve,
        until: input.until,
        signal: controller.signal,
        ...(input.maxConcurrent !== undefined ? { maxConcurrent: input.maxConcurrent } : {}),
        ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
        onProgress: (p: RunProgress) => event(RUN_EVENTS.progress, p),
        onQuestion: (q: RunQuestion) => event(RUN_EVENTS.question, q),
      });
      ended = { summary };
    } catch (error) {
      log.error(`the run of ${project.name} failed`, error);
      ended = { error: error instanceof SwitchyardError ? error.toData() : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) } };
    }
    try {
      // The agents the run started are stopped with it, as a run on its own core stops them.
      await stopSessions(core, core.sessions.live(project.id).filter((s) => !before.has(s.id)).map((s) => s.id), log);
      if (wasActive) core.scheduler.run(project.id);
    } catch (error) {
      log.error(`ending the run of ${project.name} failed`, error);
    } finally {
      projects.delete(project.id);
    }
    event(RUN_EVENTS.ended, ended);
  };

  return {
    receive(message) {
      const m = message as { kind?: unknown; id?: unknown; method?: unknown; input?: unknown } | null;
      if (m === null || typeof m !== 'object') return false;
      if (m.kind === 'call' && m.method === RUN_START_METHOD && typeof m.id === 'number') {
        void start(m.id, m.input).catch((error: unknown) => log.error('a run over the control socket failed', error));
        return true;
      }
      if (m.kind === 'message' && m.method === RUN_STOP_MESSAGE) {
        if (stop) stop.abort();
        else stopAsked = true;
        return true;
      }
      return false;
    },
    close() {
      closed = true;
      stop?.abort();
    },
  };
}
