import type { SessionView } from '../../../common/schemas/session.js';
import type { WebSession } from '../session-store.js';
import { presentAccount } from './account.js';

export function presentSession(session: WebSession): SessionView {
  return { account: presentAccount(session.account), csrfToken: session.csrfToken };
}
