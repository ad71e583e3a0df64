/** The signed-in session, for every page under the mail routes. */
import { createContext, useContext } from 'react';
import type { SessionView } from '../../../common/schemas/session.js';

export interface SessionContextValue {
  session: SessionView;
  signOut(): Promise<void>;
  /** Reads the session again (after the display name changed). */
  refresh(): Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside a signed-in page');
  return value;
}
