/**
 * 外发审核: outbound mail held by a content rule (SPEC 3.1), for the sender's unit admin and the
 * security officer (policy `outbound.review`; the server scopes the list). A reviewer opens a
 * message to read the text the checks saw, then releases it (sent as submitted) or rejects it
 * with a reason the sender is told. Both are audited on the server.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Drawer, Input, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import type { Hold } from '../../../../common/schemas/outbound.js';
import { api } from '../../api/client.js';
import { formatDateTime } from '../../i18n/format.js';
import { useI18n } from '../../i18n/index.js';

type Status = 'pending' | 'released' | 'rejected';
const STATUS_COLOR: Record<Status, string> = { pending: 'orange', released: 'green', rejected: 'red' };

export default function OutboundHoldsPage() {
  const { t, locale, errorText } = useI18n();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status>('pending');
  const [offset, setOffset] = useState(0);
  const [openId, setOpenId] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const list = useQuery({ queryKey: ['console', 'outbound-holds', status, offset], queryFn: () => api.outboundHolds({ status, offset, limit: 50 }) });
  const detail = useQuery({ queryKey: ['console', 'outbound-hold', openId], queryFn: () => api.outboundHold(openId!), enabled: openId !== null });
  const when = (ms: number | null) => formatDateTime(locale, ms === null ? null : new Date(ms).toISOString());

  const done = () => {
    setOpenId(null);
    setReason('');
    void queryClient.invalidateQueries({ queryKey: ['console', 'outbound-holds'] });
  };
  const release = useMutation({
    mutationFn: (id: number) => api.releaseHold(id, reason),
    onSuccess: () => {
      void message.success(t('outbound.holds.released'));
      done();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const reject = useMutation({
    mutationFn: (id: number) => api.rejectHold(id, reason),
    onSuccess: () => {
      void message.success(t('outbound.holds.rejected'));
      done();
    },
    onError: (err) => void message.error(errorText(err)),
  });

  const confirmRelease = async (id: number) => {
    const ok = await modal.confirm({ title: t('outbound.holds.release'), content: t('outbound.holds.releaseConfirm'), okText: t('outbound.holds.release'), cancelText: t('common.cancel') });
    if (ok) release.mutate(id);
  };

  const columns = [
    { title: t('outbound.holds.created'), dataIndex: 'createdAt', key: 'createdAt', render: (v: number) => when(v) },
    { title: t('outbound.holds.sender'), dataIndex: 'sender', key: 'sender' },
    { title: t('outbound.holds.recipients'), dataIndex: 'recipients', key: 'recipients', render: (v: string[]) => v.join(', ') },
    { title: t('outbound.holds.subject'), dataIndex: 'subject', key: 'subject' },
    { title: t('outbound.holds.reasons'), dataIndex: 'findings', key: 'findings', render: (v: Hold['findings']) => v.filter((f) => f.verdict === 'hold').map((f) => f.reason).join('；') },
    { title: t('outbound.holds.status'), dataIndex: 'status', key: 'status', render: (v: Status) => <Tag color={STATUS_COLOR[v]}>{t(`outbound.holds.status.${v}`)}</Tag> },
    { title: t('outbound.common.actions'), key: 'actions', render: (_: unknown, row: Hold) => <Button size="small" onClick={() => setOpenId(row.id)}>{t('outbound.holds.view')}</Button> },
  ];

  const hold = detail.data;
  return (
    <div className="console-page">
      <Typography.Title level={3}>{t('outbound.holds.title')}</Typography.Title>
      <Space className="console-toolbar">
        <Segmented<Status>
          value={status}
          onChange={(v) => {
            setStatus(v);
            setOffset(0);
          }}
          options={(['pending', 'released', 'rejected'] as const).map((s) => ({ value: s, label: t(`outbound.holds.status.${s}`) }))}
        />
        <Button onClick={() => void list.refetch()}>{t('outbound.common.refresh')}</Button>
      </Space>
      <Table<Hold>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        columns={columns}
        locale={{ emptyText: t('outbound.holds.empty') }}
        pagination={{ current: offset / 50 + 1, pageSize: 50, total: list.data?.total ?? 0, onChange: (page) => setOffset((page - 1) * 50), showSizeChanger: false }}
      />
      <Drawer open={openId !== null} onClose={() => setOpenId(null)} size="large" title={hold?.subject ?? ''}>
        {hold && (
          <>
            <Descriptions bordered size="small" column={1}>
              <Descriptions.Item label={t('outbound.holds.sender')}>{hold.sender}</Descriptions.Item>
              <Descriptions.Item label={t('outbound.holds.recipients')}>{hold.recipients.join(', ')}</Descriptions.Item>
              <Descriptions.Item label={t('outbound.holds.created')}>{when(hold.createdAt)}</Descriptions.Item>
              <Descriptions.Item label={t('outbound.holds.reasons')}>
                <ul className="outbound-reasons">
                  {hold.findings.map((f, i) => (
                    <li key={i}>
                      <Tag>{f.verdict}</Tag> {f.reason}
                    </li>
                  ))}
                </ul>
              </Descriptions.Item>
              {hold.notInspected.length > 0 && <Descriptions.Item label={t('outbound.holds.notInspected')}>{hold.notInspected.map((n) => `${n.name} (${n.reason})`).join('；')}</Descriptions.Item>}
              {hold.decisionReason && <Descriptions.Item label={t('outbound.holds.reason')}>{hold.decisionReason}</Descriptions.Item>}
            </Descriptions>
            <Typography.Title level={5}>{t('outbound.holds.text')}</Typography.Title>
            {hold.text.map((piece, i) => (
              <pre key={i} className="outbound-hold-text">
                {piece.name ? `【${piece.name}】\n` : ''}
                {piece.text}
              </pre>
            ))}
            {hold.status === 'pending' && (
              <Space direction="vertical" className="outbound-decision">
                <Input.TextArea value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('outbound.holds.reason')} maxLength={500} rows={2} />
                <Space>
                  <Button type="primary" loading={release.isPending} onClick={() => void confirmRelease(hold.id)}>
                    {t('outbound.holds.release')}
                  </Button>
                  <Button danger loading={reject.isPending} onClick={() => (reason.trim() ? reject.mutate(hold.id) : void message.warning(t('outbound.holds.rejectReasonRequired')))}>
                    {t('outbound.holds.reject')}
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
