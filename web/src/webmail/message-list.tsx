/**
 * The message list: a virtualised listbox (components/virtual-list.tsx) whose rows are fetched
 * a page at a time. Unread in bold; marks for flag, attachment, importance, classification and
 * 外部. Rows drag onto a folder of the tree to move.
 */
import { PaperClipOutlined, StarFilled, StarOutlined } from '@ant-design/icons';
import { Button, Empty, Result, Skeleton } from 'antd';
import { useCallback, type DragEvent, type KeyboardEvent } from 'react';
import type { MessageSummary } from '../../../common/schemas/webmail.js';
import { ClassificationTag, ExternalTag, ImportanceTag } from '../components/message-marks.js';
import { VirtualList } from '../components/virtual-list.js';
import { formatListDate, formatSize } from '../i18n/format.js';
import { useI18n } from '../i18n/index.js';
import { DRAG_TYPE, type MessagePages } from './mail-data.js';

export const ROW_HEIGHT = 84;

interface Props {
  pages: MessagePages;
  selectedId: number | null;
  /** Sent and Drafts show whom a message is to, not who it is from. */
  showRecipients: boolean;
  label: string;
  emptyText: string;
  onRangeChange(start: number, end: number): void;
  onOpen(message: MessageSummary): void;
  onToggleFlag(message: MessageSummary): void;
  onKeyDown?(event: KeyboardEvent<HTMLDivElement>): void;
}

export function MessageList({ pages, selectedId, showRecipients, label, emptyText, onRangeChange, onOpen, onToggleFlag, onKeyDown }: Props) {
  const { t, locale, errorText } = useI18n();
  const selectedIndex = selectedId === null ? -1 : pages.indexOf(selectedId);

  const people = useCallback(
    (m: MessageSummary) => {
      if (showRecipients) {
        const names = m.to.map((a) => a.name || a.address).join('、');
        return `${t('list.toPrefix')}${names}`;
      }
      return m.from ? m.from.name || m.from.address : t('list.unknownSender');
    },
    [showRecipients, t],
  );

  const rowLabel = (index: number) => {
    const m = pages.itemAt(index);
    if (!m) return t('list.loadingRow');
    const parts = [people(m), m.subject || t('list.noSubject'), formatListDate(locale, m.date)];
    if (!m.seen) parts.unshift(t('list.unread'));
    if (m.flagged) parts.push(t('list.flagged'));
    if (m.hasAttachments) parts.push(t('list.attachment'));
    if (m.importance !== 'normal') parts.push(t('mark.important'));
    if (m.external) parts.push(t('mark.external'));
    parts.push(`${t('classification.label')} ${m.classification}`);
    return parts.join('，');
  };

  if (pages.error && pages.total === null) {
    return (
      <Result
        status="warning"
        title={t('common.loadFailed')}
        subTitle={errorText(pages.error)}
        extra={
          <Button onClick={() => pages.refetch()} type="primary">
            {t('common.retry')}
          </Button>
        }
      />
    );
  }
  if (pages.total === null) {
    return (
      <div className="list-loading" role="status" aria-label={t('app.loading')}>
        <Skeleton active paragraph={{ rows: 8 }} />
      </div>
    );
  }

  return (
    <VirtualList
      count={pages.total}
      rowHeight={ROW_HEIGHT}
      idPrefix="msg"
      ariaLabel={label}
      activeIndex={selectedIndex >= 0 ? selectedIndex : null}
      onRangeChange={onRangeChange}
      onKeyDown={onKeyDown}
      rowKey={(index) => pages.itemAt(index)?.id ?? `i${index}`}
      rowLabel={rowLabel}
      onActivate={(index) => {
        const m = pages.itemAt(index);
        if (m) onOpen(m);
      }}
      rowProps={(index) => {
        const m = pages.itemAt(index);
        if (!m) return {};
        return {
          draggable: true,
          onDragStart: (event: DragEvent) => {
            event.dataTransfer.setData(DRAG_TYPE, JSON.stringify([m.id]));
            event.dataTransfer.setData('text/plain', m.subject);
            event.dataTransfer.effectAllowed = 'move';
          },
        };
      }}
      empty={<Empty className="list-empty" description={emptyText} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
      renderRow={(index) => {
        const m = pages.itemAt(index);
        if (!m) return <div className="row row-placeholder" aria-hidden />;
        return (
          <div className={m.seen ? 'row' : 'row row-unread'}>
            <div className="row-line">
              {!m.seen && <span className="unread-dot" aria-hidden />}
              <span className="row-from">{people(m)}</span>
              {m.external && <ExternalTag />}
              <span className="row-date" title={formatSize(m.size)}>
                {formatListDate(locale, m.date)}
              </span>
            </div>
            <div className="row-line">
              <span className="row-subject">{m.subject || t('list.noSubject')}</span>
              {m.hasAttachments && <PaperClipOutlined className="row-icon" aria-label={t('list.attachment')} />}
              <Button
                type="text"
                size="small"
                className={m.flagged ? 'row-flag row-flag-on' : 'row-flag'}
                icon={m.flagged ? <StarFilled /> : <StarOutlined />}
                aria-label={m.flagged ? t('reader.unflag') : t('reader.flag')}
                aria-pressed={m.flagged}
                tabIndex={-1}
                onClick={(event) => {
                  event.stopPropagation();
                  onToggleFlag(m);
                }}
              />
            </div>
            <div className="row-line row-meta">
              <ImportanceTag value={m.importance} />
              <ClassificationTag value={m.classification} />
              <span className="row-preview">{m.preview}</span>
            </div>
          </div>
        );
      }}
    />
  );
}
