import { createContext, useContext } from 'react';
import type { SessionActions } from './sessionActions';

export const TerminalsContext = createContext<SessionActions | null>(null);

export function useTerminals(): SessionActions {
  const value = useContext(TerminalsContext);
  if (!value) throw new Error('useTerminals outside TerminalsContext');
  return value;
}
