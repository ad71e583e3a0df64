/** Command name → handler. UID forms share the handler; it reads `ctx.byUid`. */
import type { CommandHandler } from '../command-context.js';
import { append } from './append.js';
import { authenticate } from './authenticate.js';
import { capability } from './capability.js';
import { close, unselect } from './close.js';
import { copy, move } from './copy.js';
import { create, deleteMailbox, rename, subscribe, unsubscribe } from './create.js';
import { enable } from './enable.js';
import { expunge } from './expunge.js';
import { id } from './id.js';
import { idle } from './idle.js';
import { list, lsub, status, xlist } from './list.js';
import { login } from './login.js';
import { logout } from './logout.js';
import { namespace } from './namespace.js';
import { check, noop } from './noop.js';
import { getquota, getquotaroot, setquota } from './quota.js';
import { examine, select } from './select.js';
import { starttls } from './starttls.js';
import { store } from './store.js';
import { fetch } from './fetch.js';
import { search } from './search.js';

export const COMMANDS: Record<string, CommandHandler> = {
  CAPABILITY: capability,
  NOOP: noop,
  LOGOUT: logout,
  STARTTLS: starttls,
  LOGIN: login,
  AUTHENTICATE: authenticate,
  ID: id,
  ENABLE: enable,
  NAMESPACE: namespace,
  IDLE: idle,
  SELECT: select,
  EXAMINE: examine,
  CREATE: create,
  DELETE: deleteMailbox,
  RENAME: rename,
  SUBSCRIBE: subscribe,
  UNSUBSCRIBE: unsubscribe,
  LIST: list,
  LSUB: lsub,
  XLIST: xlist,
  STATUS: status,
  APPEND: append,
  CHECK: check,
  CLOSE: close,
  UNSELECT: unselect,
  EXPUNGE: expunge,
  'UID EXPUNGE': expunge,
  STORE: store,
  'UID STORE': store,
  COPY: copy,
  'UID COPY': copy,
  MOVE: move,
  'UID MOVE': move,
  FETCH: fetch,
  'UID FETCH': fetch,
  SEARCH: search,
  'UID SEARCH': search,
  GETQUOTA: getquota,
  GETQUOTAROOT: getquotaroot,
  SETQUOTA: setquota,
};
