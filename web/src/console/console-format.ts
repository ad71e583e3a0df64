/** Small shared pieces of the onboarding console pages. */
import type { MessageKey } from '../i18n/index.js';

export const STATE_COLORS: Record<string, string> = {
  applied: 'blue',
  approved: 'cyan',
  rejected: 'red',
  allocated: 'green',
  pending_activation: 'gold',
  active: 'green',
  locked: 'orange',
  suspended: 'volcano',
  deactivating: 'purple',
  deactivated: 'default',
  purged: 'default',
};

const STATES = new Set(Object.keys(STATE_COLORS));
/** Actions with a translation (lifecycle.ts actions and creation kinds); others show their name. */
const ACTIONS = new Set([
  'apply', 'create', 'import', 'approve', 'reject', 'allocate', 'reissue_activation', 'activate', 'cancel_allocation', 'lock', 'unlock',
  'suspend', 'resume', 'request_deactivation', 'cancel_deactivation', 'complete_deactivation', 'purge',
]);

type T = (key: MessageKey) => string;

export function stateLabel(t: T, state: string): string {
  return STATES.has(state) ? t(`console.state.${state}` as MessageKey) : state;
}

export function actionLabel(t: T, action: string): string {
  return ACTIONS.has(action) ? t(`console.action.${action}` as MessageKey) : action;
}

export const GIB = 1024 ** 3;
