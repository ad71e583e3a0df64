/**
 * A list of messages beside the reading pane — a folder or search results. Owns the visible
 * range (which pages to fetch) and the keyboard: j/k next/previous, r/a/f reply, reply all,
 * forward. On a phone the list and the message take turns.
 */
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import type { MessageSummary } from '../../../common/schemas/webmail.js';
import { useIsPhone } from '../hooks/use-is-phone.js';
import { useShortcuts } from '../hooks/use-shortcuts.js';
import { useI18n } from '../i18n/index.js';
import { useMessageActions, useMessagePages, type ListSource } from './mail-data.js';
import { MessageList } from './message-list.js';
import { composePath, MessageReader } from './message-reader.js';

interface Props {
  source: ListSource;
  selectedId: number | null;
  /** URL that opens a message of this list (keeps the folder or the search). */
  openPath(id: number): string;
  /** URL of the list without a message open. */
  listPath: string;
  header: ReactNode;
  label: string;
  emptyText: string;
  showRecipients?: boolean;
}

export function MessagesPane({ source, selectedId, openPath, listPath, header, label, emptyText, showRecipients = false }: Props) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const phone = useIsPhone();
  const actions = useMessageActions();
  const [range, setRange] = useState({ start: 0, end: 30 });
  const pages = useMessagePages(source, range);
  const onRangeChange = useCallback((start: number, end: number) => setRange((r) => (r.start === start && r.end === end ? r : { start, end })), []);

  const selectedIndex = selectedId === null ? -1 : pages.indexOf(selectedId);
  // The message last asked for: keys pressed faster than the route renders still step on from it.
  const cursor = useRef<number | null>(selectedId);
  useEffect(() => {
    cursor.current = selectedId;
  }, [selectedId]);

  const open = useCallback(
    (m: MessageSummary) => {
      const replace = cursor.current !== null;
      cursor.current = m.id;
      navigate(openPath(m.id), { replace });
    },
    [navigate, openPath],
  );

  const step = (delta: number) => {
    const total = pages.total ?? 0;
    if (total === 0) return;
    const current = cursor.current === null ? -1 : pages.indexOf(cursor.current);
    const next = current < 0 ? 0 : Math.min(total - 1, Math.max(0, current + delta));
    const m = pages.itemAt(next);
    if (m) open(m);
  };

  /** After a move or delete: the next message, else the previous, else none. */
  const afterRemoval = () => {
    const next = pages.itemAt(selectedIndex + 1) ?? pages.itemAt(selectedIndex - 1);
    if (next && selectedIndex >= 0) navigate(openPath(next.id), { replace: true });
    else navigate(listPath, { replace: true });
  };

  useShortcuts({
    j: () => step(1),
    k: () => step(-1),
    r: () => selectedId !== null && navigate(composePath('reply', selectedId)),
    a: () => selectedId !== null && navigate(composePath('replyAll', selectedId)),
    f: () => selectedId !== null && navigate(composePath('forward', selectedId)),
  });

  const onListKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      step(1);
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      step(-1);
    } else if (event.key === 'Home') {
      event.preventDefault();
      step(-Infinity);
    } else if (event.key === 'End') {
      event.preventDefault();
      step(Infinity);
    }
  };

  const showList = !phone || selectedId === null;
  const showReader = !phone || selectedId !== null;

  return (
    <div className="messages-pane">
      {showList && (
        <section className="list-column" aria-label={label}>
          {header}
          <MessageList
            pages={pages}
            selectedId={selectedId}
            showRecipients={showRecipients}
            label={label}
            emptyText={emptyText}
            onRangeChange={onRangeChange}
            onOpen={open}
            onToggleFlag={(m) => actions.flags.mutate({ id: m.id, flagged: !m.flagged })}
            onKeyDown={onListKeyDown}
          />
        </section>
      )}
      {showReader && (
        <section className="reader-column" aria-label={t('reader.bodyFrame')}>
          {selectedId === null ? (
            <div className="reader-empty">
              <p>{t('reader.empty')}</p>
              <p className="shortcut-help">{t('shortcuts.help')}</p>
            </div>
          ) : (
            <MessageReader key={selectedId} id={selectedId} onRemoved={afterRemoval} onBack={phone ? () => navigate(listPath) : undefined} />
          )}
        </section>
      )}
    </div>
  );
}
