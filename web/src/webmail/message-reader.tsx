/**
 * The reading pane: header, the 外部邮件 banner (SPEC Art. 4.2), remote-image choice, the body in
 * its sandboxed frame (components/mail-body.tsx), attachments with download and preview, and
 * for important mail (Art. 3.4) the 已阅/已办 banner for a recipient or the receipts table for
 * the sender. Toolbar: reply, reply all, forward (inline or as attachment), read/unread, flag,
 * move, delete (to 已删除; forever from 已删除), print, original source.
 */
import {
  ArrowLeftOutlined,
  CheckCircleOutlined,
  DeleteOutlined,
  DownloadOutlined,
  DownOutlined,
  EditOutlined,
  EyeOutlined,
  FileOutlined,
  FolderOutlined,
  MailOutlined,
  MoreOutlined,
  PrinterOutlined,
  RollbackOutlined,
  ShareAltOutlined,
  StarFilled,
  StarOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Dropdown, Modal, Result, Skeleton, Space, Table, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import type { AddressView, AttachmentView, MessageDetail, ReceiptView } from '../../../common/schemas/webmail.js';
import { api } from '../api/client.js';
import { queryKeys } from '../api/query-keys.js';
import { folderLabel, specialUseOf } from '../components/folder-label.js';
import { MailBody } from '../components/mail-body.js';
import { ClassificationTag, ExternalTag, ImportanceTag } from '../components/message-marks.js';
import { useSession } from '../hooks/use-session.js';
import { formatDateTime, formatShortDateTime, formatSize } from '../i18n/format.js';
import { useI18n } from '../i18n/index.js';
import { useMailboxes, useMessageActions } from './mail-data.js';
import { SecretMailPanel } from './secret-mail-panel.js';
import { ENVELOPE_MEDIA_TYPE } from '../../../common/secret-envelope.js';
import { ReportSuspiciousButton } from './report-suspicious.js';

const PREVIEWABLE = /^(?:image\/(?:png|gif|jpeg|webp|bmp)|application\/pdf)$/i;

/** Messages this page has marked read itself: after "mark unread" they stay unread. */
const autoMarked = new Set<number>();

export type ComposeMode = 'reply' | 'replyAll' | 'forward' | 'forwardAttachment';

export function composePath(mode: ComposeMode, id: number): string {
  return `/compose?mode=${mode}&id=${id}`;
}

function Address({ value }: { value: AddressView }) {
  return (
    <span className="address" title={value.address}>
      {value.name ? (
        <>
          <span className="address-name">{value.name}</span> <span className="address-mail">&lt;{value.address}&gt;</span>
        </>
      ) : (
        <span className="address-mail">{value.address}</span>
      )}
    </span>
  );
}

function AddressList({ values }: { values: AddressView[] }) {
  return (
    <>
      {values.map((a, i) => (
        <span key={`${a.address}-${i}`}>
          {i > 0 && '，'}
          <Address value={a} />
        </span>
      ))}
    </>
  );
}

interface Props {
  id: number;
  /** Shown on a phone, where list and message take turns. */
  onBack?: () => void;
  /** The message left this folder (moved or deleted): show the next one. */
  onRemoved(): void;
}

export function MessageReader({ id, onBack, onRemoved }: Props) {
  const { t, locale, errorText } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();
  const { session } = useSession();
  const mailboxes = useMailboxes();
  const actions = useMessageActions();
  const [remoteOnce, setRemoteOnce] = useState(false);
  const [preview, setPreview] = useState<AttachmentView | null>(null);

  const detail = useQuery({
    queryKey: queryKeys.message(id, remoteOnce),
    queryFn: () => api.message(id, { peek: true, remoteImages: remoteOnce }),
    staleTime: 60_000,
  });
  const data = detail.data;

  // Opening marks read: once per message per page load, so "mark unread" sticks.
  useEffect(() => {
    if (data && !data.seen && !autoMarked.has(data.id)) {
      autoMarked.add(data.id);
      actions.flags.mutate({ id: data.id, seen: true });
    }
  }, [data, actions.flags]);

  const trustSender = useMutation({
    mutationFn: (sender: string) => api.allowRemoteImages(sender),
    onSuccess: (_v, sender) => {
      void message.success(t('reader.remoteAllowedSender', { sender }));
      void queryClient.invalidateQueries({ queryKey: queryKeys.messageAny(id) });
    },
    onError: (err) => void message.error(errorText(err)),
  });

  if (detail.error) {
    return (
      <div className="reader">
        {onBack && <BackButton onBack={onBack} />}
        <Result status="warning" title={t('reader.loadFailed')} subTitle={errorText(detail.error)} extra={<Button onClick={() => void detail.refetch()}>{t('common.retry')}</Button>} />
      </div>
    );
  }
  if (!data) {
    return (
      <div className="reader" role="status" aria-label={t('app.loading')}>
        {onBack && <BackButton onBack={onBack} />}
        <Skeleton active paragraph={{ rows: 10 }} className="reader-skeleton" />
      </div>
    );
  }

  const mailbox = mailboxes.data?.find((m) => m.id === data.mailboxId);
  const special = mailbox ? specialUseOf(mailbox) : null;
  const inTrash = special === '\\Trash';
  const isDraft = special === '\\Drafts';
  const mine = data.from?.address.toLowerCase() === session.account.address.toLowerCase();
  // 工作秘密 end-to-end mail (SPEC 3.2): the envelope part is opened in the 加密邮件 panel, not listed.
  const envelopePart = data.attachments.find((a) => a.contentType.toLowerCase() === ENVELOPE_MEDIA_TYPE);
  const attachments = data.attachments.filter((a) => !a.inline && a !== envelopePart);

  // A link in the mail opens only after the reader has seen where it really goes (SPEC 4.2).
  const openLink = (href: string) => {
    if (!/^https?:/i.test(href)) return;
    modal.confirm({
      title: t('reader.openLinkTitle'),
      content: <p className="open-link-target">{href}</p>,
      okText: t('reader.openLink'),
      cancelText: t('common.cancel'),
      onOk: () => {
        window.open(href, '_blank', 'noopener,noreferrer');
      },
    });
  };
  const frameUrl = data.html === null ? null : `/api/messages/${data.id}/frame?lang=${locale}${remoteOnce ? '&remoteImages=1' : ''}`;

  const remove = () => {
    if (inTrash) {
      modal.confirm({
        title: t('reader.deleteForever'),
        content: t('reader.deleteForeverConfirm'),
        okText: t('reader.deleteForever'),
        okButtonProps: { danger: true },
        cancelText: t('common.cancel'),
        onOk: async () => {
          await actions.remove.mutateAsync({ ids: [data.id], permanent: true });
          onRemoved();
        },
      });
    } else {
      actions.remove.mutate({ ids: [data.id], permanent: false });
      onRemoved();
    }
  };

  const moveTargets = (mailboxes.data ?? []).filter((m) => m.id !== data.mailboxId && specialUseOf(m) !== '\\Drafts');

  return (
    <article className="reader" aria-labelledby="reader-subject">
      <div className="reader-toolbar" role="toolbar" aria-label={t('reader.toolbar')}>
        {onBack && <BackButton onBack={onBack} />}
        {isDraft ? (
          <Button type="primary" icon={<EditOutlined />} onClick={() => navigate(`/compose?draft=${data.id}`)}>
            {t('reader.editDraft')}
          </Button>
        ) : (
          <Space.Compact>
            <Button icon={<RollbackOutlined />} onClick={() => navigate(composePath('reply', data.id))} aria-keyshortcuts="r">
              {t('reader.reply')}
            </Button>
            <Button onClick={() => navigate(composePath('replyAll', data.id))} aria-keyshortcuts="a">
              {t('reader.replyAll')}
            </Button>
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'forward', label: t('reader.forwardInline') },
                  { key: 'forwardAttachment', label: t('reader.forwardAttachment') },
                ],
                onClick: ({ key }) => navigate(composePath(key as ComposeMode, data.id)),
              }}
            >
              <Button icon={<ShareAltOutlined />} aria-keyshortcuts="f">
                {t('reader.forward')} <DownOutlined />
              </Button>
            </Dropdown>
          </Space.Compact>
        )}
        <Space.Compact>
          <Tooltip title={data.flagged ? t('reader.unflag') : t('reader.flag')}>
            <Button
              icon={data.flagged ? <StarFilled className="flag-on" /> : <StarOutlined />}
              aria-label={data.flagged ? t('reader.unflag') : t('reader.flag')}
              aria-pressed={data.flagged}
              onClick={() => actions.flags.mutate({ id: data.id, flagged: !data.flagged })}
            />
          </Tooltip>
          <Tooltip title={data.seen ? t('reader.markUnread') : t('reader.markRead')}>
            <Button
              icon={<MailOutlined />}
              aria-label={data.seen ? t('reader.markUnread') : t('reader.markRead')}
              onClick={() => {
                autoMarked.add(data.id);
                actions.flags.mutate({ id: data.id, seen: !data.seen });
              }}
            />
          </Tooltip>
          <Dropdown
            trigger={['click']}
            menu={{
              items: moveTargets.map((m) => ({ key: String(m.id), label: folderLabel(t, m) === m.name ? m.name : folderLabel(t, m), icon: <FolderOutlined /> })),
              onClick: ({ key }) => {
                const target = moveTargets.find((m) => String(m.id) === key);
                if (!target) return;
                actions.move.mutate({ ids: [data.id], mailbox: target, label: folderLabel(t, target) });
                onRemoved();
              },
            }}
          >
            <Button icon={<FolderOutlined />}>
              {t('reader.move')} <DownOutlined />
            </Button>
          </Dropdown>
          <Tooltip title={inTrash ? t('reader.deleteForever') : t('reader.delete')}>
            <Button danger={inTrash} icon={<DeleteOutlined />} aria-label={inTrash ? t('reader.deleteForever') : t('reader.delete')} onClick={remove} />
          </Tooltip>
        </Space.Compact>
        {!isDraft && !mine && <ReportSuspiciousButton messageId={data.id} canMoveToJunk={special !== '\\Junk' && !inTrash} onMoved={onRemoved} />}
        <Dropdown
          trigger={['click']}
          menu={{
            items: [
              { key: 'print', icon: <PrinterOutlined />, label: t('reader.print') },
              { key: 'source', icon: <FileOutlined />, label: t('reader.source') },
            ],
            onClick: ({ key }) => {
              if (key === 'print') window.print();
              else window.open(api.rawUrl(data.id), '_blank', 'noopener');
            },
          }}
        >
          <Button icon={<MoreOutlined />} aria-label={t('reader.more')} />
        </Dropdown>
      </div>

      <div className="reader-scroll">
        <header className="reader-header">
          <Typography.Title level={2} id="reader-subject" className="reader-subject">
            {data.subject || t('list.noSubject')}
          </Typography.Title>
          <div className="reader-marks">
            <ImportanceTag value={data.importance} />
            <ClassificationTag value={data.classification} />
            {data.external && <ExternalTag />}
          </div>
          <dl className="reader-fields">
            <dt>{t('reader.from')}</dt>
            <dd>{data.from ? <Address value={data.from} /> : t('list.unknownSender')}</dd>
            {data.to.length > 0 && (
              <>
                <dt>{t('reader.to')}</dt>
                <dd>
                  <AddressList values={data.to} />
                </dd>
              </>
            )}
            {data.cc.length > 0 && (
              <>
                <dt>{t('reader.cc')}</dt>
                <dd>
                  <AddressList values={data.cc} />
                </dd>
              </>
            )}
            {data.bcc.length > 0 && (
              <>
                <dt>{t('reader.bcc')}</dt>
                <dd>
                  <AddressList values={data.bcc} />
                </dd>
              </>
            )}
            {data.replyTo.length > 0 && data.replyTo.some((r) => r.address !== data.from?.address) && (
              <>
                <dt>{t('reader.replyTo')}</dt>
                <dd>
                  <AddressList values={data.replyTo} />
                </dd>
              </>
            )}
            <dt>{t('reader.date')}</dt>
            <dd>
              <time dateTime={data.date}>{formatDateTime(locale, data.date)}</time>
            </dd>
          </dl>
        </header>

        {data.external && <Alert className="banner-external" type="warning" showIcon icon={<WarningOutlined />} title={t('reader.external')} role="note" />}
        {data.riskWarnings.length > 0 && (
          <Alert
            className="banner-risk"
            type="error"
            showIcon
            title={t('reader.risk')}
            description={
              <ul className="risk-reasons">
                {data.riskWarnings.map((w, i) => (
                  <li key={i}>{w}</li>
                ))}
              </ul>
            }
            role="alert"
          />
        )}

        {data.receipt && <ImportantBanner detail={data} receipt={data.receipt} />}
        {data.importance === 'confirm' && mine && !data.receipt && <ReceiptsTable id={data.id} />}

        {data.hasRemoteImages && !data.remoteImagesAllowed && (
          <Alert
            className="banner-remote"
            type="info"
            showIcon
            title={t('reader.remoteBlocked')}
            action={
              <Space wrap>
                <Button size="small" onClick={() => setRemoteOnce(true)}>
                  {t('reader.showRemote')}
                </Button>
                {data.from && (
                  <Button size="small" loading={trustSender.isPending} onClick={() => trustSender.mutate(data.from!.address)}>
                    {t('reader.showRemoteAlways')}
                  </Button>
                )}
              </Space>
            }
          />
        )}

        {envelopePart ? (
          <SecretMailPanel key={data.id} detail={data} part={envelopePart} />
        ) : (
          <MailBody frameUrl={frameUrl} text={data.text} title={`${t('reader.bodyFrame')}：${data.subject}`} onOpenLink={openLink} />
        )}

        {attachments.length > 0 && (
          <section className="attachments" aria-label={t('reader.attachments', { count: attachments.length })}>
            <h3 className="attachments-heading">{t('reader.attachments', { count: attachments.length })}</h3>
            <ul className="attachment-list">
              {attachments.map((a) => (
                <li key={a.part} className="attachment">
                  <FileOutlined aria-hidden className="attachment-icon" />
                  <span className="attachment-name" title={a.filename}>
                    {a.filename || a.contentType}
                  </span>
                  <span className="attachment-size">{formatSize(a.size)}</span>
                  {PREVIEWABLE.test(a.contentType) && (
                    <Button size="small" type="link" icon={<EyeOutlined />} onClick={() => setPreview(a)}>
                      {t('reader.preview')}
                    </Button>
                  )}
                  <Button size="small" type="link" icon={<DownloadOutlined />} href={api.partUrl(data.id, a.part)} download={a.filename || true} aria-label={`${t('reader.download')} ${a.filename}`}>
                    {t('reader.download')}
                  </Button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>

      {preview && (
        <Modal open title={t('reader.previewTitle', { name: preview.filename })} footer={null} width="min(960px, 96vw)" onCancel={() => setPreview(null)} destroyOnHidden>
          {preview.contentType.toLowerCase() === 'application/pdf' ? (
            <iframe className="pdf-preview" title={preview.filename} src={api.partUrl(data.id, preview.part, true)} />
          ) : (
            <img className="image-preview" alt={preview.filename} src={api.partUrl(data.id, preview.part, true)} />
          )}
        </Modal>
      )}
    </article>
  );
}

function BackButton({ onBack }: { onBack(): void }) {
  const { t } = useI18n();
  return (
    <Button type="text" icon={<ArrowLeftOutlined />} onClick={onBack} className="reader-back">
      {t('reader.back')}
    </Button>
  );
}

/** For a recipient of important mail: 已阅 and 已办, each once, with the time it was given. */
function ImportantBanner({ detail, receipt }: { detail: MessageDetail; receipt: ReceiptView }) {
  const { t, locale, errorText } = useI18n();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const confirm = useMutation({
    mutationFn: (kind: 'read' | 'done') => api.confirmImportant(detail.id, kind),
    onSuccess: (next) => {
      queryClient.setQueriesData<MessageDetail>({ queryKey: queryKeys.messageAny(detail.id) }, (d) => (d ? { ...d, receipt: next } : d));
      void message.success(t('important.confirmed'));
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const overdue = detail.deadline !== null && !receipt.readConfirmedAt && !receipt.doneAt && new Date(detail.deadline).getTime() < Date.now();
  return (
    <Alert
      className="banner-important"
      type={overdue ? 'error' : 'warning'}
      showIcon
      title={t('important.banner')}
      description={
        <div className="important-body">
          {detail.deadline && <div>{t('important.deadline', { time: formatDateTime(locale, detail.deadline) })}</div>}
          {overdue && <div className="important-overdue">{t('important.overdue')}</div>}
          {receipt.readConfirmedAt && <div>{t('important.readAt', { time: formatDateTime(locale, receipt.readConfirmedAt) })}</div>}
          {receipt.doneAt && <div>{t('important.doneAt', { time: formatDateTime(locale, receipt.doneAt) })}</div>}
        </div>
      }
      action={
        <Space orientation="vertical">
          <Button
            type="primary"
            size="small"
            icon={<CheckCircleOutlined />}
            disabled={Boolean(receipt.readConfirmedAt)}
            loading={confirm.isPending && confirm.variables === 'read'}
            onClick={() => confirm.mutate('read')}
          >
            {t('important.read')}
          </Button>
          <Button size="small" icon={<CheckCircleOutlined />} disabled={Boolean(receipt.doneAt)} loading={confirm.isPending && confirm.variables === 'done'} onClick={() => confirm.mutate('done')}>
            {t('important.done')}
          </Button>
        </Space>
      }
    />
  );
}

/** For the sender of important mail: per recipient, delivered / first opened / confirmed / replied. */
function ReceiptsTable({ id }: { id: number }) {
  const { t, locale } = useI18n();
  const receipts = useQuery({ queryKey: queryKeys.receipts(id), queryFn: () => api.receipts(id), staleTime: 15_000 });
  const time = (value: string | null) => (value ? <time dateTime={value} title={formatDateTime(locale, value)}>{formatShortDateTime(locale, value)}</time> : t('receipts.none'));
  const rows = receipts.data ?? [];
  const confirmed = useMemo(() => rows.filter((r) => r.readConfirmedAt || r.doneAt).length, [rows]);
  if (receipts.isError || (receipts.data && rows.length === 0)) return null;
  return (
    <section className="receipts" aria-labelledby={`receipts-${id}`}>
      <h3 id={`receipts-${id}`} className="receipts-heading">
        {t('receipts.heading')} <span className="receipts-summary">{t('receipts.summary', { confirmed, total: rows.length })}</span>
      </h3>
      <Table<ReceiptView>
        size="small"
        loading={receipts.isLoading}
        pagination={false}
        rowKey={(r) => r.recipient.address}
        dataSource={rows}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('receipts.recipient'), key: 'recipient', render: (_v, r) => r.recipient.name || r.recipient.address },
          { title: t('receipts.delivered'), key: 'delivered', render: (_v, r) => time(r.deliveredAt) },
          { title: t('receipts.opened'), key: 'opened', render: (_v, r) => time(r.firstOpenedAt) },
          { title: t('receipts.readConfirmed'), key: 'read', render: (_v, r) => time(r.readConfirmedAt) },
          { title: t('receipts.done'), key: 'done', render: (_v, r) => time(r.doneAt) },
          { title: t('receipts.replied'), key: 'replied', render: (_v, r) => time(r.repliedAt) },
        ]}
      />
    </section>
  );
}

