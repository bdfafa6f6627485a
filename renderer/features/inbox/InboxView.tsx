import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { InboxAnswer, InboxItem } from '../../../shared/contract';
import { EmptyState } from '../../components/EmptyState';
import { reportError, useAppStore } from '../../stores/appStore';
import { useActions } from '../../stores/actionsContext';
import { AGENT_LABELS } from '../board/columns';
import { useTerminals } from '../terminals/terminalsContext';
import { selectedItem, useInboxStore } from './inboxStore';

const clock = (at: number) => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Whether words can answer it: a permission question held at its hook (a no, with the words), or one with no choices. */
const takesWords = (item: InboxItem) => item.delivery === 'hook' || item.choices.length === 0;

function InboxEntry({ item, selected }: { item: InboxItem; selected: boolean }) {
  const { client } = useActions();
  const terminals = useTerminals();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const ref = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (selected && !ref.current?.contains(document.activeElement)) ref.current?.focus();
  }, [selected]);

  const send = (answer: InboxAnswer) => {
    setSending(true);
    client
      .call('inbox.answer', { sessionId: item.sessionId, answer })
      .catch(reportError)
      .finally(() => setSending(false));
  };
  const sendText = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() !== '') send({ kind: 'text', text: text.trim() });
  };
  const openPane = async () => {
    if (useAppStore.getState().selectedProjectId !== item.projectId) useAppStore.setState({ selectedProjectId: item.projectId });
    await terminals.openTask(item.taskId, false);
  };

  return (
    <li
      ref={ref}
      tabIndex={-1}
      className={selected ? 'inbox-item selected' : 'inbox-item'}
      aria-label={`${item.taskTitle} asks`}
      aria-current={selected ? 'true' : undefined}
      onFocus={() => useInboxStore.setState({ selected: item.sessionId })}
    >
      <header className="inbox-item-head">
        <strong>{item.taskKey ? `${item.taskKey} ${item.taskTitle}` : item.taskTitle}</strong>
        <span className="muted">
          {AGENT_LABELS[item.agentKind]} · {item.projectName} · waiting since {clock(item.since)}
        </span>
      </header>
      <p className="inbox-question">{item.question}</p>
      <div className="inbox-answers" role="group" aria-label="Answers">
        {item.choices.length > 0 ? (
          item.choices.map((choice) => (
            <button key={choice.n} type="button" disabled={sending} onClick={() => send({ kind: 'choice', n: choice.n })}>
              {choice.n}. {choice.label}
            </button>
          ))
        ) : (
          <>
            <button type="button" disabled={sending} onClick={() => send({ kind: 'allow' })}>
              Yes (Enter)
            </button>
            <button type="button" disabled={sending} onClick={() => send({ kind: 'deny' })}>
              No (Esc)
            </button>
          </>
        )}
        <button type="button" className="danger-link" onClick={() => void openPane()}>
          Open its terminal
        </button>
      </div>
      {takesWords(item) && (
        <form className="inbox-words" onSubmit={sendText}>
          <input
            aria-label="Answer in words"
            value={text}
            placeholder={item.delivery === 'hook' ? 'No, and tell it what to do instead…' : 'Type the answer…'}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" disabled={sending || text.trim() === ''}>
            Send
          </button>
        </form>
      )}
      {item.screen.length > 0 && (
        <pre className="inbox-screen" aria-label="The bottom of its screen">
          {item.screen.join('\n')}
        </pre>
      )}
    </li>
  );
}

/**
 * Every agent waiting for the user, the oldest first: its question, its answers, the bottom of its
 * screen. Keys (outside a text field): J / ↓ the next, K / ↑ the previous, 1–9 that answer of the
 * selected one; Alt+N anywhere opens the inbox at the next waiting agent.
 */
export function InboxView() {
  const items = useInboxStore((s) => s.items);
  const selected = useInboxStore((s) => selectedItem(s.items, s.selected));
  const { client } = useActions();

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const { items: list, selected: current } = useInboxStore.getState();
      const at = Math.max(0, list.findIndex((i) => i.sessionId === current));
      if (event.key === 'j' || event.key === 'ArrowDown') {
        const next = list[Math.min(list.length - 1, at + 1)];
        if (next) useInboxStore.setState({ selected: next.sessionId });
      } else if (event.key === 'k' || event.key === 'ArrowUp') {
        const previous = list[Math.max(0, at - 1)];
        if (previous) useInboxStore.setState({ selected: previous.sessionId });
      } else if (/^[1-9]$/.test(event.key)) {
        const item = selectedItem(list, current);
        if (!item?.choices.some((c) => c.n === Number(event.key))) return;
        void client.call('inbox.answer', { sessionId: item.sessionId, answer: { kind: 'choice', n: Number(event.key) } }).catch(reportError);
      } else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [client]);

  if (items.length === 0) {
    return (
      <section className="inbox" aria-label="Inbox">
        <EmptyState title="No agent waits for you">
          <p className="muted">Questions that no rule answers come here, the oldest first.</p>
        </EmptyState>
      </section>
    );
  }
  return (
    <section className="inbox" aria-label="Inbox">
      <ol className="inbox-list">
        {items.map((item) => (
          <InboxEntry key={`${item.sessionId}:${item.since}`} item={item} selected={item.sessionId === selected?.sessionId} />
        ))}
      </ol>
    </section>
  );
}
