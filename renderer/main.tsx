import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createSessionActions } from './features/terminals/sessionActions';
import { TerminalsContext } from './features/terminals/terminalsContext';
import { ActionsContext } from './stores/actionsContext';
import { createActions } from './stores/appStore';
import { connect } from './rpc/client';
import './styles.css';

const client = connect();
const actions = createActions(client);
const terminals = createSessionActions(client);
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <ActionsContext.Provider value={actions}>
      <TerminalsContext.Provider value={terminals}>
        <App />
      </TerminalsContext.Provider>
    </ActionsContext.Provider>
  </StrictMode>,
);
