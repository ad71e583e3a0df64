/**
 * 邮件隔离区 (SPEC 4.2): inbound mail held by the security checks, for the security officer
 * (policy `security.quarantine`). The officer opens a message to see why it was held, its
 * authentication results, its attachment names and its body — HTML sanitised on the server and
 * shown in the webmail's sandboxed frame (no scripts, no forms) — then releases it (delivered to
 * its recipients) or deletes it, with a reason. Both are audited on the server.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Drawer, Input, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { QuarantineItem } from '../../../../common/schemas/quarantine.js';
import { api } from '../../api/client.js';
import { MailBody } from '../../components/mail-body.js';
import { formatDateTime } from '../../i18n/format.js';
import { useI18n } from '../../i18n/index.js';

type Status = 'held' | 'released' | 'deleted' | 'all';
const STATUS_COLOR: Record<QuarantineItem['status'], string> = { held: 'orange', released: 'green', deleted: 'default' };

export default function QuarantinePage() {
  const { t, locale, errorText } = useI18n();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status>('held');
  const [offset, setOffset] = useState(0);
  const [openId, setOpenId] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const list = useQuery({ queryKey: ['console', 'quarantine', status, offset], queryFn: () => api.quarantineList({ status, offset, limit: 50 }) });
  const detail = useQuery({ queryKey: ['console', 'quarantine-item', openId], queryFn: () => api.quarantineItem(openId!), enabled: openId !== null });
  const when = (ms: number | null) => formatDateTime(locale, ms === null ? null : new Date(ms).toISOString());

  const done = () => {
    setOpenId(null);
    setReason('');
    void queryClient.invalidateQueries({ queryKey: ['console', 'quarantine'] });
  };
  const release = useMutation({
    mutationFn: (id: number) => api.releaseQuarantined(id, reason),
    onSuccess: () => {
      void message.success(t('quarantine.released'));
      done();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const remove = useMutation({
    mutationFn: (id: number) => api.deleteQuarantined(id, reason),
    onSuccess: () => {
      void message.success(t('quarantine.deleted'));
      done();
    },
    onError: (err) => void message.error(errorText(err)),
  });

  const decide = async (id: number, kind: 'release' | 'delete') => {
    if (!reason.trim()) {
      void message.warning(t('quarantine.reasonRequired'));
      return;
    }
    const ok = await modal.confirm({
      title: t(kind === 'release' ? 'quarantine.release' : 'quarantine.delete'),
      content: t(kind === 'release' ? 'quarantine.releaseConfirm' : 'quarantine.deleteConfirm'),
      okText: t(kind === 'release' ? 'quarantine.release' : 'quarantine.delete'),
      cancelText: t('common.cancel'),
    });
    if (ok) (kind === 'release' ? release : remove).mutate(id);
  };

  const columns = [
    { title: t('quarantine.created'), dataIndex: 'createdAt', key: 'createdAt', render: (v: number) => when(v) },
    { title: t('quarantine.from'), key: 'from', render: (_: unknown, row: QuarantineItem) => row.fromAddress ?? row.envelopeFrom },
    { title: t('quarantine.recipients'), dataIndex: 'recipients', key: 'recipients', render: (v: string[]) => v.join(', ') },
    { title: t('quarantine.subject'), dataIndex: 'subject', key: 'subject' },
    { title: t('quarantine.reasons'), dataIndex: 'findings', key: 'findings', render: (v: QuarantineItem['findings']) => v.filter((f) => f.verdict !== 'accept' || f.score > 0).map((f) => f.reason).join('；') },
    { title: t('quarantine.status.all'), dataIndex: 'status', key: 'status', render: (v: QuarantineItem['status']) => <Tag color={STATUS_COLOR[v]}>{t(`quarantine.status.${v}`)}</Tag> },
    { title: t('quarantine.actions'), key: 'actions', render: (_: unknown, row: QuarantineItem) => <Button size="small" onClick={() => setOpenId(row.id)}>{t('quarantine.view')}</Button> },
  ];

  const item = detail.data;
  return (
    <div className="console-page">
      <Typography.Title level={3}>{t('quarantine.title')}</Typography.Title>
      <Space className="console-toolbar">
        <Segmented<Status>
          value={status}
          onChange={(v) => {
            setStatus(v);
            setOffset(0);
          }}
          options={(['held', 'released', 'deleted', 'all'] as const).map((s) => ({ value: s, label: t(`quarantine.status.${s}`) }))}
        />
        <Button onClick={() => void list.refetch()}>{t('quarantine.refresh')}</Button>
      </Space>
      <Table<QuarantineItem>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        columns={columns}
        locale={{ emptyText: t('quarantine.empty') }}
        pagination={{ current: offset / 50 + 1, pageSize: 50, total: list.data?.total ?? 0, onChange: (page) => setOffset((page - 1) * 50), showSizeChanger: false }}
      />
      <Drawer open={openId !== null} onClose={() => setOpenId(null)} size="large" title={item?.subject ?? ''}>
        {item && (
          <>
            <Descriptions bordered size="small" column={1}>
              <Descriptions.Item label={t('quarantine.from')}>
                {item.fromName ? `${item.fromName} ` : ''}&lt;{item.fromAddress ?? item.envelopeFrom}&gt; ({item.envelopeFrom || '<>'})
              </Descriptions.Item>
              <Descriptions.Item label={t('quarantine.recipients')}>{item.recipients.join(', ')}</Descriptions.Item>
              <Descriptions.Item label={t('quarantine.created')}>{when(item.createdAt)}</Descriptions.Item>
              <Descriptions.Item label={t('quarantine.remoteIp')}>{item.remoteIp ?? ''}</Descriptions.Item>
              <Descriptions.Item label={t('quarantine.score')}>{item.score}</Descriptions.Item>
              <Descriptions.Item label={t('quarantine.reasons')}>
                <ul className="outbound-reasons">
                  {item.findings.map((f, i) => (
                    <li key={i}>
                      <Tag>{f.check}</Tag> {f.reason}
                      {f.score > 0 ? ` (+${f.score})` : ''}
                    </li>
                  ))}
                </ul>
              </Descriptions.Item>
              {item.authResults && (
                <Descriptions.Item label={t('quarantine.auth')}>
                  <pre className="outbound-hold-text">{item.authResults}</pre>
                </Descriptions.Item>
              )}
              {item.attachments.length > 0 && <Descriptions.Item label={t('quarantine.attachments')}>{item.attachments.map((a) => `${a.filename} (${a.contentType}, ${a.size} B)`).join('；')}</Descriptions.Item>}
              {item.decisionReason && <Descriptions.Item label={t('quarantine.decision')}>{item.decisionReason}</Descriptions.Item>}
            </Descriptions>
            <Typography.Title level={5}>{t('quarantine.body')}</Typography.Title>
            {item.status === 'held' && (item.hasHtml || item.text) ? (
              <MailBody frameUrl={item.hasHtml ? api.quarantineFrameUrl(item.id) : null} text={item.text} title={item.subject} onOpenLink={() => undefined} />
            ) : (
              <Typography.Text type="secondary">{t('quarantine.noBody')}</Typography.Text>
            )}
            {item.status === 'held' && (
              <Space direction="vertical" className="outbound-decision">
                <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('quarantine.reason')} maxLength={500} rows={2} />
                <Space>
                  <Button type="primary" loading={release.isPending} onClick={() => void decide(item.id, 'release')}>
                    {t('quarantine.release')}
                  </Button>
                  <Button danger loading={remove.isPending} onClick={() => void decide(item.id, 'delete')}>
                    {t('quarantine.delete')}
                  </Button>
                </Space>
              </Space>
            )}
          </>
        )}
      </Drawer>
    </div>
  );
}
