/** The deactivation workflow: deactivations the viewer may see, in progress first, with their checklist progress. */
import { useQuery } from '@tanstack/react-query';
import { Alert, Segmented, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import type { DeactivationView } from '../../../../common/schemas/deactivation.js';
import { deactivationApi } from '../../api/deactivation.js';
import { useI18n } from '../../i18n/index.js';
import { DEACTIVATION_STATE_COLORS, formatMs } from '../deactivation-format.js';

export default function DeactivationsPage() {
  const { t, locale, errorText } = useI18n();
  const [filter, setFilter] = useState<'in_progress' | 'all'>('in_progress');
  const list = useQuery({ queryKey: ['console', 'deactivations', filter], queryFn: () => deactivationApi.list(filter === 'all' ? undefined : 'in_progress') });
  return (
    <div className="console-page">
      <Typography.Title level={3}>{t('deact.list.title')}</Typography.Title>
      <Segmented
        value={filter}
        onChange={(value) => setFilter(value as 'in_progress' | 'all')}
        options={[
          { value: 'in_progress', label: t('deact.list.inProgress') },
          { value: 'all', label: t('deact.list.all') },
        ]}
      />
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} />}
      <Table<DeactivationView>
        rowKey="id"
        className="deactivations-table"
        loading={list.isPending}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t('deact.col.account'),
            key: 'account',
            render: (_, d) => (
              <Link to={`/console/deactivations/${d.id}`}>
                {d.account.displayName} &lt;{d.account.address}&gt;
              </Link>
            ),
          },
          { title: t('deact.col.unit'), key: 'unit', render: (_, d) => d.account.unitName },
          { title: t('deact.col.requested'), key: 'requested', render: (_, d) => formatMs(locale, d.createdAt) },
          { title: t('deact.col.requestedBy'), key: 'by', render: (_, d) => (d.selfRequested ? t('deact.detail.selfRequested') : d.requestedBy) },
          { title: t('deact.col.state'), key: 'state', render: (_, d) => <Tag color={DEACTIVATION_STATE_COLORS[d.state]}>{t(`deact.state.${d.state}`)}</Tag> },
          {
            title: t('deact.col.checklist'),
            key: 'checklist',
            render: (_, d) => (d.state === 'in_progress' ? `${d.checklist.filter((c) => c.status !== 'open').length} / ${d.checklist.length}` : '—'),
          },
        ]}
      />
    </div>
  );
}
