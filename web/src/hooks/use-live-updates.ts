/**
 * Keeps the open pages current: every live event invalidates the react-query caches it
 * affects, and the active queries refetch at once — a new message shows in the list and the
 * unread counts without a reload. After a reconnect everything is refetched (events may have
 * been missed while the stream was down).
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api } from '../api/client.js';
import { openLiveEvents } from '../api/events.js';
import { queryKeys } from '../api/query-keys.js';

/** Wait before opening a refused stream again. */
const RETRY_MS = 5_000;

export function useLiveUpdates(): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    let opened = false;
    let pending: ReturnType<typeof setTimeout> | null = null;
    const affected = new Set<number>();
    let mailboxesChanged = false;

    // Events come in bursts (a delivery to many folders, a move of 500 messages): gather them
    // for a moment and invalidate once.
    const flush = () => {
      pending = null;
      void queryClient.invalidateQueries({ queryKey: queryKeys.mailboxes });
      for (const id of affected) void queryClient.invalidateQueries({ queryKey: queryKeys.list(id) });
      if (mailboxesChanged) void queryClient.invalidateQueries({ queryKey: queryKeys.allLists });
      void queryClient.invalidateQueries({ queryKey: queryKeys.allSearches });
      affected.clear();
      mailboxesChanged = false;
    };
    const schedule = () => {
      pending ??= setTimeout(flush, 150);
    };

    let close: (() => void) | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const open = () => {
      close = openLiveEvents({
        onEvent(event) {
          if (event.kind === 'mailboxes-changed') mailboxesChanged = true;
          else affected.add(event.mailboxId);
          if (event.kind === 'message-changed') void queryClient.invalidateQueries({ queryKey: queryKeys.allMessages });
          schedule();
        },
        onOpen() {
          if (opened) void queryClient.invalidateQueries();
          opened = true;
        },
        onClosed() {
          // The server refused the stream (the session ended, or it was restarting). Asking for
          // the session reports a 401 to the app, which shows the sign-in page; otherwise the
          // stream is opened again a little later.
          close?.();
          close = null;
          retry = setTimeout(() => {
            retry = null;
            void api.getSession().then(
              (session) => {
                if (session && !stopped) open();
              },
              () => {
                if (!stopped) retry = setTimeout(open, RETRY_MS);
              },
            );
          }, RETRY_MS);
        },
      });
    };
    open();
    return () => {
      stopped = true;
      if (pending) clearTimeout(pending);
      if (retry) clearTimeout(retry);
      close?.();
    };
  }, [queryClient]);
}
