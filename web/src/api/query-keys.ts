/** react-query keys, in one place so that live updates invalidate exactly what they change. */
import type { MessageListQuery } from '../../../common/schemas/webmail.js';
import type { SearchParams } from './client.js';

export const queryKeys = {
  mailboxes: ['mailboxes'] as const,
  /** Every page of every folder listing. */
  allLists: ['messages'] as const,
  list: (mailboxId: number) => ['messages', mailboxId] as const,
  listPage: (mailboxId: number, sort: MessageListQuery['sort'], order: MessageListQuery['order'], page: number) => ['messages', mailboxId, sort, order, page] as const,
  allSearches: ['search'] as const,
  searchPage: (params: SearchParams, page: number) => ['search', params, page] as const,
  allMessages: ['message'] as const,
  message: (id: number, remoteImages: boolean) => ['message', id, remoteImages] as const,
  messageAny: (id: number) => ['message', id] as const,
  receipts: (id: number) => ['receipts', id] as const,
  settings: ['settings'] as const,
  directory: (q: string) => ['directory', q] as const,
};
