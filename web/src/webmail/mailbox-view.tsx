/** One folder: its list (sortable by date, sender, subject, size) and the reading pane. */
import { SortAscendingOutlined, SortDescendingOutlined } from '@ant-design/icons';
import { Button, Select, Tooltip } from 'antd';
import { useEffect, useState } from 'react';
import { Navigate, useNavigate, useParams } from 'react-router';
import { MESSAGE_SORTS, type MessageListQuery } from '../../../common/schemas/webmail.js';
import { findSpecial, folderLabel, specialUseOf } from '../components/folder-label.js';
import { useI18n } from '../i18n/index.js';
import { useMailboxes, type ListSource } from './mail-data.js';
import { MessagesPane } from './messages-pane.js';

const SORT_KEY = 'govmail.sort';

function initialSort(): { sort: MessageListQuery['sort']; order: MessageListQuery['order'] } {
  try {
    const saved = JSON.parse(localStorage.getItem(SORT_KEY) ?? 'null') as { sort?: unknown; order?: unknown } | null;
    const sort = MESSAGE_SORTS.find((s) => s === saved?.sort) ?? 'date';
    return { sort, order: saved?.order === 'asc' ? 'asc' : 'desc' };
  } catch {
    return { sort: 'date', order: 'desc' };
  }
}

/** `/mail`: the inbox. */
export function InboxRedirect() {
  const mailboxes = useMailboxes();
  const inbox = findSpecial(mailboxes.data, '\\Inbox') ?? mailboxes.data?.[0];
  if (!inbox) return null;
  return <Navigate to={`/mail/${inbox.id}`} replace />;
}

export function MailboxView() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const params = useParams();
  const mailboxId = Number(params.mailboxId);
  const messageId = params.messageId ? Number(params.messageId) : null;
  const mailboxes = useMailboxes();
  const [{ sort, order }, setSortState] = useState(initialSort);

  useEffect(() => {
    try {
      localStorage.setItem(SORT_KEY, JSON.stringify({ sort, order }));
    } catch {
      // not remembered
    }
  }, [sort, order]);

  const mailbox = mailboxes.data?.find((m) => m.id === mailboxId);
  // A folder that is not (or no longer) ours: back to the inbox.
  useEffect(() => {
    if (mailboxes.data && !mailbox) navigate('/mail', { replace: true });
  }, [mailboxes.data, mailbox, navigate]);
  if (!mailbox) return null;

  const special = specialUseOf(mailbox);
  const label = folderLabel(t, mailbox);
  const source: ListSource = { kind: 'mailbox', mailboxId, sort, order };

  return (
    <MessagesPane
      source={source}
      selectedId={messageId}
      openPath={(id) => `/mail/${mailboxId}/${id}`}
      listPath={`/mail/${mailboxId}`}
      label={`${t('list.label')}：${label}`}
      emptyText={t('list.empty')}
      showRecipients={special === '\\Sent' || special === '\\Drafts'}
      header={
        <div className="list-header">
          <h1 className="list-title">
            {label}
            <span className="list-count">{t('list.total', { count: mailbox.total })}</span>
          </h1>
          <div className="list-sort">
            <Select
              size="small"
              aria-label={t('list.sort')}
              value={sort}
              onChange={(value) => setSortState({ sort: value, order })}
              options={MESSAGE_SORTS.map((s) => ({ value: s, label: t(`list.sort.${s}`) }))}
              popupMatchSelectWidth={false}
            />
            <Tooltip title={order === 'desc' ? t('list.order.desc') : t('list.order.asc')}>
              <Button
                size="small"
                icon={order === 'desc' ? <SortDescendingOutlined /> : <SortAscendingOutlined />}
                aria-label={order === 'desc' ? t('list.order.desc') : t('list.order.asc')}
                onClick={() => setSortState({ sort, order: order === 'desc' ? 'asc' : 'desc' })}
              />
            </Tooltip>
          </div>
        </div>
      }
    />
  );
}
