/**
 * 发信队列: mail waiting for, or done with, delivery to other domains (policy
 * `outbound.manage`): status, attempts, next attempt and last error per recipient; retry now
 * and cancel for a waiting entry (both audited by the server).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { QUEUE_STATUSES, type QueueEntry } from '../../../../common/schemas/outbound.js';
import { api } from '../../api/client.js';
import { formatDateTime } from '../../i18n/format.js';
import { useI18n } from '../../i18n/index.js';

type Status = (typeof QUEUE_STATUSES)[number];
const STATUS_COLOR: Record<Status, string> = { queued: 'blue', sending: 'processing', sent: 'green', failed: 'red', cancelled: 'default' };

export default function OutboundQueuePage() {
  const { t, locale, errorText } = useI18n();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<Status | 'all'>('queued');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useQuery({ queryKey: ['console', 'outbound-queue', status, q, offset], queryFn: () => api.outboundQueue({ ...(status === 'all' ? {} : { status }), q, offset, limit: 50 }) });
  const when = (ms: number | null) => formatDateTime(locale, ms === null ? null : new Date(ms).toISOString());
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['console', 'outbound-queue'] });

  const retry = useMutation({
    mutationFn: (id: number) => api.retryQueueEntry(id),
    onSuccess: () => {
      void message.success(t('outbound.queue.retried'));
      refresh();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const cancel = useMutation({
    mutationFn: (id: number) => api.cancelQueueEntry(id, ''),
    onSuccess: () => {
      void message.success(t('outbound.queue.cancelled'));
      refresh();
    },
    onError: (err) => void message.error(errorText(err)),
  });
  const confirmCancel = async (id: number) => {
    const ok = await modal.confirm({ title: t('outbound.queue.cancel'), content: t('outbound.queue.cancelConfirm'), okText: t('outbound.queue.cancel'), cancelText: t('common.cancel') });
    if (ok) cancel.mutate(id);
  };

  const columns = [
    { title: t('outbound.queue.created'), dataIndex: 'createdAt', key: 'createdAt', render: (v: number) => when(v) },
    { title: t('outbound.queue.sender'), dataIndex: 'sender', key: 'sender' },
    { title: t('outbound.queue.recipient'), dataIndex: 'recipient', key: 'recipient' },
    { title: t('outbound.queue.status'), dataIndex: 'status', key: 'status', render: (v: Status) => <Tag color={STATUS_COLOR[v]}>{t(`outbound.queue.status.${v}`)}</Tag> },
    { title: t('outbound.queue.attempts'), dataIndex: 'attempts', key: 'attempts' },
    { title: t('outbound.queue.nextAttempt'), dataIndex: 'nextAttemptAt', key: 'nextAttemptAt', render: (v: number | null) => when(v) },
    { title: t('outbound.queue.lastError'), dataIndex: 'lastError', key: 'lastError', render: (v: string | null) => <Typography.Text type="secondary">{v ?? ''}</Typography.Text> },
    {
      title: t('outbound.common.actions'),
      key: 'actions',
      render: (_: unknown, row: QueueEntry) =>
        row.status === 'queued' ? (
          <Space>
            <Button size="small" onClick={() => retry.mutate(row.id)}>
              {t('outbound.queue.retry')}
            </Button>
            <Button size="small" danger onClick={() => void confirmCancel(row.id)}>
              {t('outbound.queue.cancel')}
            </Button>
          </Space>
        ) : null,
    },
  ];

  return (
    <div className="console-page">
      <Typography.Title level={3}>{t('outbound.queue.title')}</Typography.Title>
      <Space className="console-toolbar" wrap>
        <Segmented<Status | 'all'>
          value={status}
          onChange={(v) => {
            setStatus(v);
            setOffset(0);
          }}
          options={[{ value: 'all' as const, label: t('outbound.queue.all') }, ...QUEUE_STATUSES.map((s) => ({ value: s, label: `${t(`outbound.queue.status.${s}`)} ${list.data?.counts[s] ?? 0}` }))]}
        />
        <Input.Search
          allowClear
          placeholder={t('outbound.queue.search')}
          onSearch={(value) => {
            setQ(value.trim());
            setOffset(0);
          }}
        />
        <Button onClick={refresh}>{t('outbound.common.refresh')}</Button>
      </Space>
      <Table<QueueEntry>
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        columns={columns}
        pagination={{ current: offset / 50 + 1, pageSize: 50, total: list.data?.total ?? 0, onChange: (page) => setOffset((page - 1) * 50), showSizeChanger: false }}
      />
    </div>
  );
}
