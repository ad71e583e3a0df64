/**
 * Live updates: `/api/events` as server-sent events (event name = LiveEvent kind). The browser
 * reconnects by itself after a network break; when the server refuses the stream (the session
 * ended) EventSource gives up (readyState CLOSED) and `onClosed` lets the app check the session.
 */
import { liveEventSchema, type LiveEvent } from '../../../common/schemas/webmail.js';

const KINDS: LiveEvent['kind'][] = ['message-added', 'message-changed', 'message-removed', 'mailboxes-changed'];

export interface LiveEventsHandlers {
  onEvent(event: LiveEvent): void;
  /** The stream (re)opened: whatever happened while it was down is unknown. */
  onOpen(): void;
  onClosed(): void;
}

export function openLiveEvents(handlers: LiveEventsHandlers): () => void {
  const source = new EventSource('/api/events', { withCredentials: false });
  const onMessage = (message: MessageEvent<string>) => {
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    const parsed = liveEventSchema.safeParse(data);
    if (parsed.success) handlers.onEvent(parsed.data);
  };
  for (const kind of KINDS) source.addEventListener(kind, onMessage);
  source.addEventListener('open', () => handlers.onOpen());
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) handlers.onClosed();
  });
  return () => source.close();
}
