import { useCallback, useEffect, useMemo, useState } from 'react';
import { useDialogFocus } from '../../components/useDialogFocus';
import { useActions } from '../../stores/actionsContext';
import { openReview, showNotice, useAppStore } from '../../stores/appStore';
import { openPane, useSessionStore } from '../terminals/sessionStore';
import { useTerminals } from '../terminals/terminalsContext';
import { filterCommands, type PaletteCommand } from './paletteCommands';

/** The first live agent that waits for the user, by the order it started. */
export function nextWaitingAgent(): string | undefined {
  const { sessions, latest } = useSessionStore.getState();
  return Object.values(sessions)
    .filter((s) => s.endedAt === null && latest[s.id]?.state === 'needs_input')
    .sort((a, b) => a.startedAt - b.startedAt)[0]?.id;
}

function useCommands(): PaletteCommand[] {
  const actions = useActions();
  const terminals = useTerminals();
  const tasks = useAppStore((s) => s.tasks);
  const projects = useAppStore((s) => s.projects);
  const sessions = useSessionStore((s) => s.sessions);
  return useMemo(() => {
    const show = (sessionId: string) => {
      openPane(sessionId);
      useSessionStore.setState({ view: 'terminals', taskView: null, active: sessionId });
    };
    const list: PaletteCommand[] = [
      {
        id: 'next-waiting',
        title: 'Next agent waiting',
        run: () => {
          const id = nextWaitingAgent();
          if (id) show(id);
          else showNotice('No agent is waiting.');
        },
      },
      { id: 'settings', title: 'Settings', run: () => useAppStore.setState({ settingsOpen: true }) },
      {
        id: 'import-plan',
        title: 'Import plan',
        run: () => {
          useSessionStore.setState({ view: 'board', taskView: null });
          setTimeout(() => document.querySelector<HTMLElement>('[data-command="import-plan"]')?.click(), 0);
        },
      },
      { id: 'board', title: 'Show the board', run: () => useSessionStore.setState({ view: 'board', taskView: null }) },
      { id: 'terminals', title: 'Show the terminals', run: () => useSessionStore.setState({ view: 'terminals', taskView: null }) },
    ];
    for (const task of tasks) {
      list.push({ id: `open:${task.id}`, title: `Open task: ${task.title}`, run: () => useSessionStore.setState({ taskView: task.id }) });
      const live = Object.values(sessions).find((s) => s.taskId === task.id && s.endedAt === null);
      if (live) list.push({ id: `stop:${task.id}`, title: `Stop: ${task.title}`, run: () => void terminals.stop(live.id) });
      else {
        list.push({ id: `start:${task.id}`, title: `Start: ${task.title}`, run: () => void terminals.start(task.id) });
        const ended = Object.values(sessions)
          .filter((s) => s.taskId === task.id)
          .sort((a, b) => b.startedAt - a.startedAt)[0];
        if (ended) list.push({ id: `resume:${task.id}`, title: `Resume: ${task.title}`, run: () => void terminals.resumeTask(task.id, ended.id) });
      }
      if (task.status === 'review')
        list.push({
          id: `review:${task.id}`,
          title: `Review: ${task.title}`,
          run: () => {
            useSessionStore.setState({ view: 'board', taskView: null });
            openReview(task.id);
          },
        });
    }
    for (const project of projects) list.push({ id: `project:${project.id}`, title: `Switch project: ${project.name}`, run: () => void actions.selectProject(project.id) });
    return list;
  }, [actions, terminals, tasks, projects, sessions]);
}

/** The command palette: type to filter, arrows to choose, Enter to run, Escape to close. */
export function CommandPalette({ onClose }: { onClose: () => void }) {
  const commands = useCommands();
  const [query, setQuery] = useState('');
  const [index, setIndex] = useState(0);
  const dialog = useDialogFocus<HTMLDivElement>(onClose);
  const shown = filterCommands(commands, query);
  const chosen = shown[Math.min(index, shown.length - 1)];
  const run = (command: PaletteCommand | undefined) => {
    if (!command) return;
    onClose();
    command.run();
  };
  return (
    <div className="overlay" onMouseDown={onClose}>
      <div ref={dialog} role="dialog" aria-modal="true" aria-label="Command palette" className="dialog palette" onMouseDown={(e) => e.stopPropagation()}>
        <input
          data-autofocus
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={chosen ? `palette-${chosen.id}` : undefined}
          aria-label="Command"
          placeholder="Type a command"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setIndex(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setIndex((i) => Math.min(i + 1, shown.length - 1));
            else if (e.key === 'ArrowUp') setIndex((i) => Math.max(i - 1, 0));
            else if (e.key === 'Enter') run(chosen);
            else return;
            e.preventDefault();
          }}
        />
        <ul id="palette-list" role="listbox" aria-label="Commands" className="palette-list">
          {shown.slice(0, 50).map((c) => (
            <li key={c.id} id={`palette-${c.id}`} role="option" aria-selected={c === chosen} className={c === chosen ? 'active' : ''} onMouseDown={() => run(c)}>
              {c.title}
            </li>
          ))}
          {shown.length === 0 && <li className="muted">No command matches.</li>}
        </ul>
      </div>
    </div>
  );
}

/** Whether keyboard focus is in a text field or a terminal, where plain keys belong to it. */
export function typingTarget(element: Element | null): boolean {
  if (!element) return false;
  if (element.closest('.xterm')) return true;
  return element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement || (element as HTMLElement).isContentEditable;
}

/** Ctrl+K (outside terminals, where it is the shell's kill-line) and Ctrl+Shift+P open the palette. */
export function usePaletteKeys(): [boolean, () => void] {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const inTerminal = document.activeElement?.closest('.xterm') != null;
      const k = event.key.toLowerCase();
      const palette = (event.ctrlKey || event.metaKey) && !event.altKey && ((k === 'k' && !event.shiftKey && !inTerminal) || (k === 'p' && event.shiftKey));
      if (!palette) return;
      event.preventDefault();
      event.stopPropagation();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
  return [open, useCallback(() => setOpen(false), [])];
}

/** `?` outside text fields, terminals and dialogs opens the shortcut sheet. */
export function useShortcutSheetKey(): [boolean, () => void] {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey || typingTarget(document.activeElement)) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return [open, useCallback(() => setOpen(false), [])];
}
