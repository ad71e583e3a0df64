/**
 * Data of the mail pages: the folder list, message lists fetched page by page as the
 * virtualised list scrolls, and the actions on messages with their cache updates.
 */
import { useMutation, useQueries, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useRef } from 'react';
import type { MailboxView, MessageListQuery, MessagePage, MessageSummary } from '../../../common/schemas/webmail.js';
import { api, type SearchParams } from '../api/client.js';
import { queryKeys } from '../api/query-keys.js';
import { useI18n } from '../i18n/index.js';

/** Rows per request: a screen is ~15 rows, so a page covers several screens of scrolling. */
export const PAGE_SIZE = 100;

export type ListSource =
  | { kind: 'mailbox'; mailboxId: number; sort: MessageListQuery['sort']; order: MessageListQuery['order'] }
  | { kind: 'search'; params: SearchParams };

export function useMailboxes() {
  return useQuery({ queryKey: queryKeys.mailboxes, queryFn: () => api.mailboxes(), staleTime: 60_000 });
}

function pageKey(source: ListSource, page: number) {
  return source.kind === 'mailbox' ? queryKeys.listPage(source.mailboxId, source.sort, source.order, page) : queryKeys.searchPage(source.params, page);
}

function fetchPage(source: ListSource, page: number): Promise<MessagePage> {
  const offset = page * PAGE_SIZE;
  return source.kind === 'mailbox'
    ? api.listMessages(source.mailboxId, { offset, limit: PAGE_SIZE, sort: source.sort, order: source.order })
    : api.search(source.params, offset, PAGE_SIZE);
}

export interface MessagePages {
  /** Messages in the list, null until the first page has arrived. */
  total: number | null;
  itemAt(index: number): MessageSummary | undefined;
  indexOf(id: number): number;
  error: unknown;
  refetch(): void;
}

/** The pages that cover rows [start, end), always with the first (it carries the total). */
export function useMessagePages(source: ListSource, range: { start: number; end: number }): MessagePages {
  const first = Math.floor(range.start / PAGE_SIZE);
  const last = Math.floor(Math.max(range.start, range.end - 1) / PAGE_SIZE);
  const pages = [...new Set([0, ...Array.from({ length: last - first + 1 }, (_, i) => first + i)])];
  const results = useQueries({
    queries: pages.map((page) => ({ queryKey: pageKey(source, page), queryFn: () => fetchPage(source, page) })),
  });

  const sourceKey = JSON.stringify(source);
  const lastTotal = useRef<{ key: string; total: number } | null>(null);
  const items = new Map<number, MessageSummary>();
  let total: number | null = null;
  for (const result of results) {
    if (!result.data) continue;
    total ??= result.data.total;
    result.data.items.forEach((item, i) => items.set(result.data.offset + i, item));
  }
  if (total !== null) lastTotal.current = { key: sourceKey, total };
  else if (lastTotal.current?.key === sourceKey) total = lastTotal.current.total;

  const error = results.find((r) => r.error)?.error ?? null;
  return {
    total,
    itemAt: (index) => items.get(index),
    indexOf: (id) => {
      for (const [index, item] of items) if (item.id === id) return index;
      return -1;
    },
    error,
    refetch: () => results.forEach((r) => void r.refetch()),
  };
}

/** Applies a change to a message wherever it is cached: folder pages and search pages. */
export function patchSummaries(queryClient: QueryClient, id: number, patch: Partial<MessageSummary>): void {
  const update = (page: MessagePage | undefined) => (page ? { ...page, items: page.items.map((m) => (m.id === id ? { ...m, ...patch } : m)) } : page);
  queryClient.setQueriesData<MessagePage>({ queryKey: queryKeys.allLists }, update);
  queryClient.setQueriesData<MessagePage>({ queryKey: queryKeys.allSearches }, update);
  queryClient.setQueriesData<MessageSummary>({ queryKey: queryKeys.messageAny(id) }, (m) => (m ? { ...m, ...patch } : m));
}

/** Drops messages from the cached pages at once (moved or deleted), before the refetch. */
function dropSummaries(queryClient: QueryClient, ids: readonly number[]): void {
  const gone = new Set(ids);
  const update = (page: MessagePage | undefined) => {
    if (!page) return page;
    const items = page.items.filter((m) => !gone.has(m.id));
    return { ...page, items, total: Math.max(0, page.total - (page.items.length - items.length)) };
  };
  queryClient.setQueriesData<MessagePage>({ queryKey: queryKeys.allLists }, update);
  queryClient.setQueriesData<MessagePage>({ queryKey: queryKeys.allSearches }, update);
}

function refreshLists(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: queryKeys.mailboxes });
  void queryClient.invalidateQueries({ queryKey: queryKeys.allLists });
  void queryClient.invalidateQueries({ queryKey: queryKeys.allSearches });
}

export function useMessageActions() {
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const { t, errorText } = useI18n();
  const onError = (err: unknown) => void message.error(errorText(err));

  const flags = useMutation({
    mutationFn: ({ id, ...change }: { id: number; seen?: boolean; flagged?: boolean }) => api.updateFlags(id, change),
    onMutate: ({ id, ...change }) => patchSummaries(queryClient, id, change),
    onSuccess: (summary) => {
      patchSummaries(queryClient, summary.id, summary);
      void queryClient.invalidateQueries({ queryKey: queryKeys.mailboxes });
    },
    onError: (err) => {
      onError(err);
      refreshLists(queryClient);
    },
  });

  const move = useMutation({
    mutationFn: ({ ids, mailbox }: { ids: number[]; mailbox: MailboxView; label: string }) => api.moveMessages(ids, mailbox.id),
    onMutate: ({ ids }) => dropSummaries(queryClient, ids),
    onSuccess: (_moved, { label }) => void message.success(t('reader.moved', { folder: label })),
    onError,
    onSettled: () => refreshLists(queryClient),
  });

  const remove = useMutation({
    mutationFn: ({ ids, permanent }: { ids: number[]; permanent: boolean }) => api.deleteMessages(ids, permanent),
    onMutate: ({ ids }) => dropSummaries(queryClient, ids),
    onSuccess: (_n, { permanent }) => void message.success(permanent ? t('reader.deletedForever') : t('reader.deleted')),
    onError,
    onSettled: () => refreshLists(queryClient),
  });

  return { flags, move, remove };
}

/** The MIME type of the drag payload: message ids dragged from the list onto a folder. */
export const DRAG_TYPE = 'application/x-govmail-messages';
