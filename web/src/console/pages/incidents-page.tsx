/** The security officer's incident list (SPEC Art. 4.3): filter by state and overdue, newest first. */
import { useQuery } from '@tanstack/react-query';
import { Alert, Checkbox, Segmented, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { INCIDENT_STATES, type IncidentStateValue, type IncidentSummary } from '../../../../common/schemas/incidents.js';
import { incidentsApi } from '../../api/incidents.js';
import { formatDateTime } from '../../i18n/format.js';
import { useI18n } from '../../i18n/index.js';
import { INCIDENT_STATE_COLORS } from '../../components/incident-marks.js';

export default function IncidentsPage() {
  const { t, locale, errorText } = useI18n();
  const [state, setState] = useState<IncidentStateValue | 'all'>('all');
  const [overdue, setOverdue] = useState(false);
  const list = useQuery({ queryKey: ['console', 'incidents', state, overdue], queryFn: () => incidentsApi.list({ state: state === 'all' ? undefined : state, overdue }) });
  return (
    <div className="console-page">
      <Typography.Title level={3}>{t('incident.console.title')}</Typography.Title>
      <div className="console-toolbar">
        <Segmented
          value={state}
          onChange={(value) => setState(value as IncidentStateValue | 'all')}
          options={[
            { value: 'all', label: t('incident.console.all') },
            ...INCIDENT_STATES.map((s) => ({ value: s, label: `${t(`incident.state.${s}`)} ${list.data?.summary.byState[s] ?? ''}` })),
          ]}
        />
        <Checkbox checked={overdue} onChange={(e) => setOverdue(e.target.checked)} className="incident-overdue-filter">
          {t('incident.console.overdue')}
        </Checkbox>
        {list.data && <Typography.Text type="secondary">{t('incident.console.summary', { total: list.data.total, overdue: list.data.summary.overdue })}</Typography.Text>}
      </div>
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} />}
      <Table<IncidentSummary>
        rowKey="id"
        className="incidents-table"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('incident.col.id'), key: 'id', render: (_, r) => <Link to={`/console/incidents/${r.id}`}>#{r.id}</Link> },
          { title: t('incident.col.kind'), key: 'kind', render: (_, r) => t(`incident.kind.${r.kind}`) },
          { title: t('incident.col.message'), key: 'message', render: (_, r) => <Link to={`/console/incidents/${r.id}`}>{r.messageSubject ?? (r.description.slice(0, 40) || '—')}</Link> },
          { title: t('incident.col.reporter'), key: 'reporter', render: (_, r) => (r.reporter.name ? `${r.reporter.name} <${r.reporter.address}>` : r.reporter.address) },
          { title: t('incident.col.reported'), key: 'reported', render: (_, r) => formatDateTime(locale, r.createdAt) },
          {
            title: t('incident.col.state'),
            key: 'state',
            render: (_, r) => (
              <>
                <Tag color={INCIDENT_STATE_COLORS[r.state]}>{t(`incident.state.${r.state}`)}</Tag>
                {r.overdue && <Tag color="red">{t('incident.console.overdueTag')}</Tag>}
              </>
            ),
          },
          { title: t('incident.col.deadline'), key: 'deadline', render: (_, r) => (r.deadline ? formatDateTime(locale, r.deadline) : '—') },
          { title: t('incident.col.owner'), key: 'owner', render: (_, r) => r.owner?.name || r.owner?.address || '—' },
        ]}
      />
    </div>
  );
}
