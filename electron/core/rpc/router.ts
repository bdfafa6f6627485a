import type { AppInfo, StorageStatus } from '../../../shared/contract';
import type { DependencyCache } from '../cache/dependencyCache';
import type { CheckService } from '../checks/checkService';
import type { AttentionService } from '../notify/attentionService';
import type { PlanImporter } from '../plans/planImporter';
import type { InboxService } from '../policy/inboxService';
import type { ProjectService } from '../projects/projectService';
import type { SchedulerService } from '../scheduler/schedulerService';
import type { SessionService } from '../sessions/sessionService';
import type { TranscriptQueries } from '../sessions/transcriptQueries';
import type { SettingsService } from '../settings/settingsService';
import type { TaskGraphService } from '../tasks/taskGraphService';
import type { TaskService } from '../tasks/taskService';
import type { OrphanFinder } from '../worktrees/orphans';
import type { WorktreeReview } from '../worktrees/review';
import type { ConflictHelp } from '../worktrees/conflictHelp';
import type { SavedChangesService } from '../worktrees/savedChanges';
import type { UsageService } from '../usage/usageService';
import type { WorktreeService } from '../worktrees/worktreeService';
import type { Handlers, MessageHandlers } from './dispatcher';

export interface RouterServices {
  info: () => AppInfo;
  storage: () => StorageStatus;
  projects: ProjectService;
  tasks: TaskService;
  taskGraph: TaskGraphService;
  plans: PlanImporter;
  settings: SettingsService;
  attention: AttentionService;
  inbox: InboxService;
  scheduler: SchedulerService;
  worktrees: WorktreeService;
  orphans: OrphanFinder;
  review: WorktreeReview;
  conflicts: ConflictHelp;
  savedChanges: SavedChangesService;
  sessions: SessionService;
  transcripts: TranscriptQueries;
  cache: DependencyCache;
  checks: CheckService;
  usage: UsageService;
}

/** Maps every procedure of the contract onto the service that answers it. */
export function createRouter(s: RouterServices): Handlers {
  return {
    'app.info': () => s.info(),
    'app.storage': () => s.storage(),
    'projects.add': ({ path, name }) => s.projects.add(path, name),
    'projects.list': () => s.projects.list(),
    'projects.remove': ({ id }) => s.projects.remove(id),
    'tasks.create': (input) => s.tasks.create(input),
    'tasks.update': ({ id, patch }) => s.tasks.update(id, patch),
    'tasks.delete': ({ id }) => s.tasks.delete(id),
    'tasks.list': ({ projectId }) => s.tasks.list(projectId),
    'tasks.get': ({ id }) => s.tasks.get(id),
    'tasks.addDependency': (edge) => s.taskGraph.add(edge),
    'tasks.removeDependency': (edge) => s.taskGraph.remove(edge),
    'tasks.dependencies': ({ projectId }) => s.taskGraph.edges(projectId),
    'tasks.graph': ({ projectId }) => s.taskGraph.graph(projectId),
    'plans.preview': (source) => s.plans.preview(source),
    'plans.import': (source) => s.plans.import(source),
    'plans.list': ({ projectId }) => s.plans.list(projectId),
    'settings.get': ({ projectId }) => s.settings.list(projectId),
    'settings.set': ({ key, value, scope, projectId }) => s.settings.set(key, value, scope, projectId),
    'settings.reset': ({ key, scope, projectId }) => s.settings.reset(key, scope, projectId),
    'scheduler.run': ({ projectId }) => s.scheduler.run(projectId),
    'scheduler.pause': ({ projectId }) => s.scheduler.pause(projectId),
    'scheduler.status': ({ projectId }) => s.scheduler.status(projectId),
    'attention.get': () => s.attention.model(),
    'attention.focus': ({ taskId, windowFocused }, client) => {
      s.attention.setFocus(client, taskId, windowFocused);
      return {};
    },
    'inbox.list': () => ({ items: s.inbox.list() }),
    'inbox.answer': ({ taskId, sessionId, answer }) => s.inbox.answer({ taskId, sessionId }, answer),
    'worktrees.create': (input) => s.worktrees.create(input),
    'worktrees.get': ({ taskId }) => s.worktrees.get(taskId),
    'worktrees.list': ({ projectId, includeRemoved }) => s.worktrees.list(projectId, includeRemoved),
    'worktrees.status': ({ taskId }) => s.worktrees.status(taskId),
    'worktrees.overview': ({ projectId }) => s.worktrees.overview(projectId),
    'worktrees.root': async ({ projectId }) => ({ path: await s.worktrees.root(projectId) }),
    'worktrees.remove': ({ taskId, force }) => s.worktrees.remove(taskId, force),
    'worktrees.archive': ({ taskId, force }) => s.worktrees.archive(taskId, force),
    'worktrees.restore': ({ taskId }) => s.worktrees.restore(taskId),
    'worktrees.prune': ({ projectId }) => s.worktrees.prune(projectId),
    'worktrees.saved': ({ projectId, taskId }) => s.savedChanges.saved(projectId, taskId),
    'worktrees.restoreSaved': ({ projectId, ref }) => s.savedChanges.restoreSaved(projectId, ref),
    'worktrees.orphans': ({ projectId }) => s.orphans.find(projectId),
    'worktrees.adopt': ({ projectId, path, taskId }) => s.orphans.adopt(projectId, path, taskId),
    'worktrees.clean': ({ projectId, path, force }) => s.orphans.clean(projectId, path, force),
    'worktrees.activity': ({ taskId }) => s.worktrees.activity(taskId),
    'review.diff': ({ taskId }) => s.review.diff(taskId),
    'review.commit': ({ taskId, message }) => s.review.commit(taskId, message),
    'review.rebase': ({ taskId }) => s.review.rebase(taskId),
    'review.merge': ({ taskId, strategy, message, finish }) => s.review.merge(taskId, strategy, { message, finish }),
    'review.askAgentToResolve': ({ taskId }) => s.conflicts.askAgent(taskId),
    'review.openInEditor': ({ taskId }) => s.conflicts.openInEditor(taskId),
    'review.pushAvailability': ({ taskId }) => s.review.pushAvailability(taskId),
    'review.openPullRequest': ({ taskId, title, body }) => s.review.openPullRequest(taskId, title, body),
    'sessions.start': ({ taskId, cols, rows }) => s.sessions.start(taskId, { cols, rows }),
    'sessions.stop': ({ sessionId }) => s.sessions.stop(sessionId),
    'sessions.interrupt': ({ sessionId }) => s.sessions.interrupt(sessionId),
    'sessions.restart': ({ sessionId }) => s.sessions.relaunch(sessionId, false),
    'sessions.resume': ({ sessionId }) => s.sessions.relaunch(sessionId, true),
    'sessions.list': (filter) => s.sessions.list(filter),
    'sessions.get': ({ sessionId }) => s.sessions.get(sessionId),
    'sessions.live': ({ projectId }) => s.sessions.live(projectId),
    'sessions.history': ({ sessionId }) => s.sessions.history(sessionId),
    'terminal.attach': ({ sessionId, cols, rows }, client) => s.sessions.attach(sessionId, client, { cols, rows }),
    'terminal.detach': ({ sessionId }, client) => s.sessions.detach(sessionId, client),
    'transcript.search': ({ sessionId, query, context, limit }) => s.transcripts.search(sessionId, query, context, limit),
    'transcript.export': ({ sessionId, format }) => s.transcripts.export(sessionId, format),
    'cache.list': () => s.cache.overview(),
    'cache.strategy': async ({ projectId }) => s.cache.strategyFor(s.projects.get(projectId), await s.worktrees.root(projectId)),
    'cache.verify': ({ keys }) => s.cache.verifyMany(keys),
    'cache.evict': async ({ keys }) => ({ evicted: await s.cache.evictMany(keys) }),
    'cache.clear': async () => ({ removed: await s.cache.clear() }),
    'checks.get': ({ taskId }) => s.checks.get(taskId),
    'checks.run': ({ taskId }) => s.checks.run(taskId),
    'usage.report': ({ projectId, since }) => s.usage.report({ projectId, since }),
  };
}

/** Maps every one-way message of the contract onto the service that acts on it. */
export function createMessageRouter(s: Pick<RouterServices, 'sessions'>): MessageHandlers {
  return {
    'terminal.input': ({ sessionId, data }) => s.sessions.input(sessionId, data),
    'terminal.resize': ({ sessionId, cols, rows }) => s.sessions.resize(sessionId, cols, rows),
    'terminal.ack': ({ sessionId, chars }, client) => s.sessions.ack(sessionId, client, chars),
  };
}
