import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { wireFailureToasts } from './features/board/failureToasts';
import { wireInbox } from './features/inbox/inboxStore';
import { wireNotifications } from './features/notify/wireNotifications';
import { createSessionActions } from './features/terminals/sessionActions';
import { TerminalsContext } from './features/terminals/terminalsContext';
import { ActionsContext } from './stores/actionsContext';
import { createActions } from './stores/appStore';
import { reloadOnNewToken } from './rpc/browserToken';
import { connect } from './rpc/client';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
reloadOnNewToken();
const client = connect();
if (client) {
  const actions = createActions(client);
  const terminals = createSessionActions(client);
  wireNotifications(client, actions, terminals);
  wireInbox(client);
  wireFailureToasts(client, (taskId) => void actions.openTask(taskId));
  createRoot(root).render(
    <StrictMode>
      <ActionsContext.Provider value={actions}>
        <TerminalsContext.Provider value={terminals}>
          <App />
        </TerminalsContext.Provider>
      </ActionsContext.Provider>
    </StrictMode>,
  );
} else {
  createRoot(root).render(
    <main className="login-needed" role="alert">
      <h1>Switchyard</h1>
      <p>
        This tab has no token. Open the address that <code>switchyard serve</code> printed; it ends in{' '}
        <code>#token=…</code>.
      </p>
    </main>,
  );
}
