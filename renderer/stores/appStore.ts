import { create } from 'zustand';
import type { AppInfo, InputOf, PolicyPreset, Project, StorageStatus, Task, TaskGraph, TaskPatch, TrayModelDto } from '../../shared/contract';
import type { SettingsPage } from '../features/settings/settingsPages';
import type { RpcClient } from '../rpc/client';
import { RpcError } from '../rpc/client';
import type { ConnectionStatus } from '../rpc/transport';

export interface Notice {
  id: number;
  message: string;
  code?: string;
  /** A button beside the message that takes the user where it can be dealt with; it dismisses the notice. */
  action?: NoticeAction;
  /** News (something the user asked for went well) rather than a problem. */
  news?: boolean;
}

export interface NoticeAction {
  label: string;
  run: () => void;
}

interface AppState {
  info: AppInfo | null;
  connection: ConnectionStatus;
  projects: Project[];
  selectedProjectId: string | null;
  /** Tasks of the selected project, in board order. */
  tasks: Task[];
  notices: Notice[];
  /** What the tray shows on the desktop: sessions that work, wait or finished. */
  attention: TrayModelDto | null;
  /** The task whose details are open, if any. */
  openTaskId: string | null;
  /** The task whose diff and merge (the review panel) are open, if any. */
  reviewTaskId: string | null;
  settingsOpen: boolean;
  /** The page the Settings dialog opens on. */
  settingsPage: SettingsPage;
  /** The permission preset in force for each project whose tasks were loaded. */
  presets: Record<string, PolicyPreset>;
  /** Dependencies of the selected project's tasks: what waits for what, and the critical path. */
  graph: TaskGraph | null;
  /** Whether what the agents print reaches the disk (it does not while the disk is full). */
  storage: StorageStatus | null;
}

let noticeId = 0;

export const useAppStore = create<AppState>(() => ({
  info: null,
  connection: 'connecting',
  projects: [],
  selectedProjectId: null,
  tasks: [],
  notices: [],
  attention: null,
  openTaskId: null,
  reviewTaskId: null,
  settingsOpen: false,
  settingsPage: 'General',
  presets: {},
  graph: null,
  storage: null,
}));

/** Delay that folds a burst of task changes (a plan import, a run) into one graph reload (ms). */
const GRAPH_RELOAD_DELAY_MS = 150;

function byOrder(a: Task, b: Task): number {
  return a.order - b.order;
}

/** Shows a sentence to the user until dismissed, with a button that leads to the fix when there is one. */
export function showNotice(message: string, code?: string, action?: NoticeAction): void {
  const notice: Notice = { id: ++noticeId, message, ...(code === undefined ? {} : { code }), ...(action ? { action } : {}) };
  useAppStore.setState((s) => ({ notices: [...s.notices, notice] }));
}

/** Tells the user, until dismissed, that something they asked for was done. */
export function showNews(message: string): void {
  const notice: Notice = { id: ++noticeId, message, news: true };
  useAppStore.setState((s) => ({ notices: [...s.notices, notice] }));
}

/** Opens a task's review panel (its diff and merge) over the board. */
export function openReview(taskId: string | null): void {
  useAppStore.setState({ reviewTaskId: taskId });
}

/** Opens the Settings dialog on one of its pages. */
export function openSettings(page: SettingsPage): void {
  useAppStore.setState({ settingsOpen: true, settingsPage: page });
}

/** Shows an error as a sentence the user can act on; an RpcError keeps its code. */
export function reportError(error: unknown): void {
  if (error instanceof RpcError) showNotice(error.message, error.code);
  else showNotice(error instanceof Error ? error.message : String(error));
}

/** What the user is told when writing works again after a full disk. */
function storageRecoveredMessage(status: StorageStatus): string {
  const lost = status.lostChars > 0 ? ` ${status.lostChars} characters of agents' output could not be kept and are missing.` : '';
  return `There is room on the disk again: everything held in memory is saved.${lost}`;
}

/** An action whose failure is shown to the user as a notice instead of thrown: it resolves to undefined. */
export const guarded =
  <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R | undefined> => {
    try {
      return await fn(...args);
    } catch (error) {
      reportError(error);
      return undefined;
    }
  };

export function dismissNotice(id: number): void {
  useAppStore.setState((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
}

/** The store's actions: each goes through the client, and state follows the main side's events. */
export function createActions(client: RpcClient) {
  /** Reads the permission preset in force for a project (its own setting, else the user's). */
  const loadPreset = async (projectId: string) => {
    const settings = await client.call('settings.get', { projectId });
    const preset = settings.find((s) => s.key === 'policy.preset')?.value as PolicyPreset | undefined;
    if (preset) useAppStore.setState((s) => ({ presets: { ...s.presets, [projectId]: preset } }));
  };

  const loadTasks = async (projectId: string | null) => {
    const [tasks, graph] = projectId
      ? await Promise.all([client.call('tasks.list', { projectId }), client.call('tasks.graph', { projectId }), loadPreset(projectId)])
      : [[], null];
    if (useAppStore.getState().selectedProjectId === projectId) useAppStore.setState({ tasks, graph });
  };

  let graphTimer: ReturnType<typeof setTimeout> | undefined;
  const reloadGraphSoon = (projectId: string) => {
    clearTimeout(graphTimer);
    graphTimer = setTimeout(() => {
      if (useAppStore.getState().selectedProjectId !== projectId) return;
      client
        .call('tasks.graph', { projectId })
        .then((graph) => useAppStore.getState().selectedProjectId === projectId && useAppStore.setState({ graph }))
        .catch(reportError);
    }, GRAPH_RELOAD_DELAY_MS);
  };
  client.on('task.dependenciesChanged', ({ projectId }) => reloadGraphSoon(projectId));

  const refresh = async () => {
    const [info, projects, attention, storage] = await Promise.all([
      client.call('app.info', {}),
      client.call('projects.list', {}),
      client.call('attention.get', {}),
      client.call('app.storage', {}),
    ]);
    const { selectedProjectId } = useAppStore.getState();
    const stillThere = projects.some((p) => p.id === selectedProjectId);
    const selected = stillThere ? selectedProjectId : (projects[0]?.id ?? null);
    useAppStore.setState({ info, projects, attention, storage, selectedProjectId: selected });
    await loadTasks(selected);
  };

  const onStatus = (connection: ConnectionStatus) => {
    useAppStore.setState({ connection });
    if (connection === 'open') refresh().catch(reportError);
  };
  client.onStatus(onStatus);
  onStatus(client.status);

  client.on('project.changed', (change) => {
    useAppStore.setState((s) => {
      if (change.kind === 'removed') {
        const projects = s.projects.filter((p) => p.id !== change.id);
        const selectedProjectId = s.selectedProjectId === change.id ? (projects[0]?.id ?? null) : s.selectedProjectId;
        if (selectedProjectId !== s.selectedProjectId) void loadTasks(selectedProjectId).catch(reportError);
        return { projects, selectedProjectId };
      }
      const others = s.projects.filter((p) => p.id !== change.project.id);
      return { projects: [...others, change.project].sort((a, b) => a.createdAt - b.createdAt) };
    });
  });

  client.on('task.changed', (change) => {
    const projectId = change.kind === 'deleted' ? change.projectId : change.task.projectId;
    if (projectId === useAppStore.getState().selectedProjectId) reloadGraphSoon(projectId);
    useAppStore.setState((s) => {
      if (change.kind === 'deleted') return { tasks: s.tasks.filter((t) => t.id !== change.id) };
      if (change.task.projectId !== s.selectedProjectId) return {};
      const others = s.tasks.filter((t) => t.id !== change.task.id);
      return { tasks: [...others, change.task].sort(byOrder) };
    });
  });

  // The permission preset shows on the cards: a change from any window reads it again.
  client.on('settings.changed', (change) => {
    const { selectedProjectId } = useAppStore.getState();
    if (change.key === 'policy.preset' && selectedProjectId) void loadPreset(selectedProjectId).catch(reportError);
  });
  client.on('attention.changed', (attention) => useAppStore.setState({ attention }));
  client.on('storage.changed', (storage) => {
    useAppStore.setState({ storage });
    if (!storage.degraded) showNotice(storageRecoveredMessage(storage));
  });
  const openTask = async (taskId: string) => {
    try {
      const task = await client.call('tasks.get', { id: taskId });
      if (useAppStore.getState().selectedProjectId !== task.projectId) {
        useAppStore.setState({ selectedProjectId: task.projectId, tasks: [] });
        await loadTasks(task.projectId);
      }
      useAppStore.setState({ openTaskId: taskId });
    } catch (error) {
      reportError(error);
    }
  };
  client.on('ui.openSettings', () => useAppStore.setState({ settingsOpen: true, settingsPage: 'General' }));

  const guard = guarded;

  return {
    client,
    refresh: guard(refresh),
    openTask,
    closeTask: () => useAppStore.setState({ openTaskId: null }),
    /** Tells the main side what the user is looking at, so it does not notify about that. */
    reportFocus: (taskId: string | null, windowFocused: boolean) =>
      void client.call('attention.focus', { taskId, windowFocused }).catch(() => undefined),
    selectProject: guard(async (id: string) => {
      useAppStore.setState({ selectedProjectId: id, tasks: [] });
      await loadTasks(id);
    }),
    addProject: guard((path: string) => client.call('projects.add', { path })),
    removeProject: guard((id: string) => client.call('projects.remove', { id })),
    createTask: guard((input: InputOf<'tasks.create'>) => client.call('tasks.create', input)),
    updateTask: guard((id: string, patch: TaskPatch) => client.call('tasks.update', { id, patch })),
    deleteTask: guard((id: string) => client.call('tasks.delete', { id })),
    /** Moves a card at once on screen, then asks the main side; on refusal the board reloads. */
    moveTask: async (id: string, drop: { status: Task['status']; order: number }) => {
      useAppStore.setState((s) => ({
        tasks: s.tasks.map((t) => (t.id === id ? { ...t, ...drop } : t)).sort(byOrder),
      }));
      try {
        await client.call('tasks.update', { id, patch: drop });
      } catch (error) {
        reportError(error);
        await loadTasks(useAppStore.getState().selectedProjectId).catch(reportError);
      }
    },
  };
}

export type Actions = ReturnType<typeof createActions>;
