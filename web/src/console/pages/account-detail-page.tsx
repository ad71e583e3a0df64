/** One account: details, activation status, the actions the viewer may take, its state history. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Card, Descriptions, Tag, Typography } from 'antd';
import { useParams } from 'react-router';
import { onboardingApi } from '../../api/onboarding.js';
import { formatSize } from '../../i18n/format.js';
import { useI18n } from '../../i18n/index.js';
import { formatMillis } from '../../i18n/millis.js';
import { AccountActions } from '../account-actions.js';
import { STATE_COLORS, stateLabel } from '../console-format.js';
import { HistoryTimeline } from '../history-timeline.js';

export default function AccountDetailPage() {
  const { t, locale, errorText } = useI18n();
  const id = Number(useParams().id);
  const queryClient = useQueryClient();
  const detail = useQuery({ queryKey: ['console', 'account', id], queryFn: () => onboardingApi.consoleAccount(id) });
  if (detail.isPending) return <Card loading className="console-page" />;
  if (detail.isError) return <Alert type="error" showIcon title={errorText(detail.error)} className="console-page" />;
  const a = detail.data;
  return (
    <div className="console-page">
      <Typography.Title level={3}>
        {a.displayName} <Tag color={STATE_COLORS[a.state]}>{stateLabel(t, a.state)}</Tag>
      </Typography.Title>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('apply.address')}>{a.address}</Descriptions.Item>
        <Descriptions.Item label={t('apply.unit')}>{a.unitName}</Descriptions.Item>
        <Descriptions.Item label={t('apply.position')}>{a.title ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('console.home.roles')}>{a.roles.map((r) => t(`console.role.${r}`)).join(' · ')}</Descriptions.Item>
        <Descriptions.Item label={t('apply.workId')}>{a.workId ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('apply.mobile')}>{a.mobile ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('console.app.quota')}>
          {formatSize(a.usedBytes)} / {formatSize(a.quotaBytes)}
        </Descriptions.Item>
        <Descriptions.Item label={t('console.accounts.activatedAt')}>{a.activatedAt ? formatMillis(locale, a.activatedAt) : '—'}</Descriptions.Item>
        {a.activation && a.state === 'pending_activation' && (
          <Descriptions.Item label={t('console.accounts.activation')} span={2}>
            {t(`console.activation.${a.activation.status}`)} · {t('activate.validUntil')} {formatMillis(locale, a.activation.expiresAt)}
          </Descriptions.Item>
        )}
      </Descriptions>
      <AccountActions account={a} onChanged={() => void queryClient.invalidateQueries({ queryKey: ['console'] })} />
      <Typography.Title level={4}>{t('console.history')}</Typography.Title>
      <HistoryTimeline history={a.history} />
    </div>
  );
}
