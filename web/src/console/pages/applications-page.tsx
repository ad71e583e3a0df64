/** The applications queue (SPEC Art. 2.2): the viewer's reach only, paged on the server. */
import { useQuery } from '@tanstack/react-query';
import { Segmented, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import type { ApplicationView } from '../../../../common/schemas/onboarding.js';
import { onboardingApi } from '../../api/onboarding.js';
import { useI18n } from '../../i18n/index.js';
import { formatMillis } from '../../i18n/millis.js';
import { STATE_COLORS, stateLabel } from '../console-format.js';

const PAGE = 20;

export default function ApplicationsPage() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const [state, setState] = useState<'applied' | 'approved' | 'rejected' | 'allocated' | 'all'>('applied');
  const [page, setPage] = useState(1);
  const query = useQuery({
    queryKey: ['console', 'applications', state, page],
    queryFn: () => onboardingApi.applications({ state: state === 'all' ? undefined : state, offset: (page - 1) * PAGE, limit: PAGE }),
  });
  return (
    <div className="console-page">
      <Typography.Title level={3}>{t('console.menu.applications')}</Typography.Title>
      <div className="console-toolbar">
        <Segmented
          value={state}
          onChange={(v) => {
            setState(v as typeof state);
            setPage(1);
          }}
          options={(['applied', 'approved', 'allocated', 'rejected', 'all'] as const).map((s) => ({ value: s, label: s === 'all' ? t('console.all') : stateLabel(t, s) }))}
        />
      </div>
      <Table<ApplicationView>
        rowKey="id"
        loading={query.isPending}
        dataSource={query.data?.items ?? []}
        pagination={{ current: page, pageSize: PAGE, total: query.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
        onRow={(row) => ({ onClick: () => navigate(`/console/applications/${row.id}`), className: 'clickable-row' })}
        columns={[
          { title: t('apply.name'), dataIndex: 'displayName' },
          { title: t('apply.unit'), dataIndex: 'unitName' },
          { title: t('apply.position'), dataIndex: 'title' },
          { title: t('apply.state'), dataIndex: 'state', render: (s: string) => <Tag color={STATE_COLORS[s]}>{stateLabel(t, s)}</Tag> },
          { title: t('apply.submittedAt'), dataIndex: 'createdAt', render: (v: number) => formatMillis(locale, v) },
        ]}
      />
    </div>
  );
}
