import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ActionsContext } from './stores/actionsContext';
import { createActions } from './stores/appStore';
import { connect } from './rpc/client';
import './styles.css';

const actions = createActions(connect());
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <ActionsContext.Provider value={actions}>
      <App />
    </ActionsContext.Provider>
  </StrictMode>,
);
