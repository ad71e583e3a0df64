/**
 * One application: the applicant's details and document, its history; the unit admin approves
 * or rejects (with a reason); the department admin allocates — address proposed from pinyin
 * (editable), quota, roles (三员分立 is enforced on the server) — and gets the activation link
 * to hand over.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Descriptions, Form, Input, InputNumber, Modal, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { ActivationLinkView } from '../../../../common/schemas/onboarding.js';
import type { Role } from '../../../../common/roles.js';
import { onboardingApi } from '../../api/onboarding.js';
import { useI18n } from '../../i18n/index.js';
import { formatMillis } from '../../i18n/millis.js';
import { GIB, STATE_COLORS, stateLabel } from '../console-format.js';
import { HistoryTimeline } from '../history-timeline.js';
import { ActivationLinkResult } from '../activation-link.js';

const ROLE_CHOICES: Role[] = ['staff', 'unit_admin', 'dept_admin', 'security_officer', 'auditor'];

export default function ApplicationDetailPage() {
  const { t, locale, errorText } = useI18n();
  const { message } = App.useApp();
  const id = Number(useParams().id);
  const queryClient = useQueryClient();
  const detail = useQuery({ queryKey: ['console', 'application', id], queryFn: () => onboardingApi.application(id) });
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<{ address: string; activation: ActivationLinkView } | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['console'] });
  const act = async (work: () => Promise<void>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      await work();
      void message.success(done);
      await refresh();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  if (detail.isPending) return <Card loading className="console-page" />;
  if (detail.isError) return <Alert type="error" showIcon title={errorText(detail.error)} className="console-page" />;
  const a = detail.data;

  return (
    <div className="console-page">
      <Typography.Title level={3}>
        {a.displayName} <Tag color={STATE_COLORS[a.state]}>{stateLabel(t, a.state)}</Tag>
      </Typography.Title>
      {error && <Alert type="error" showIcon title={error} className="public-alert" />}
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('apply.trackingCode')}>{a.trackingCode}</Descriptions.Item>
        <Descriptions.Item label={t('apply.unit')}>{a.unitName}</Descriptions.Item>
        <Descriptions.Item label={t('apply.position')}>{a.title}</Descriptions.Item>
        <Descriptions.Item label={t('apply.workId')}>{a.workId}</Descriptions.Item>
        <Descriptions.Item label={t('apply.mobile')}>{a.mobile}</Descriptions.Item>
        <Descriptions.Item label={t('apply.submittedAt')}>{formatMillis(locale, a.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('apply.reason')} span={2}>
          {a.reason}
        </Descriptions.Item>
        <Descriptions.Item label={t('apply.document')} span={2}>
          {a.document ? (
            <a href={onboardingApi.applicationDocumentUrl(a.id)} download>
              {a.document.name || a.document.type} ({Math.ceil(a.document.size / 1024)} KB)
            </a>
          ) : (
            '—'
          )}
        </Descriptions.Item>
        {a.rejectReason && (
          <Descriptions.Item label={t('apply.rejectReason')} span={2}>
            {a.rejectReason}
          </Descriptions.Item>
        )}
        {a.address && (
          <Descriptions.Item label={t('apply.address')} span={2}>
            {a.accountId ? <Link to={`/console/accounts/${a.accountId}`}>{a.address}</Link> : a.address}
          </Descriptions.Item>
        )}
      </Descriptions>

      {a.canReview && (
        <Space className="console-actions">
          <Button type="primary" loading={busy} onClick={() => void act(() => onboardingApi.approveApplication(a.id), t('console.app.approved'))}>
            {t('console.app.approve')}
          </Button>
          <Button danger onClick={() => setRejecting(true)}>
            {t('console.app.reject')}
          </Button>
        </Space>
      )}
      <Modal
        open={rejecting}
        title={t('console.app.reject')}
        okText={t('console.app.reject')}
        okButtonProps={{ danger: true, disabled: reason.trim().length < 2, loading: busy }}
        onCancel={() => setRejecting(false)}
        onOk={() => void act(() => onboardingApi.rejectApplication(a.id, reason.trim()), t('console.app.rejected')).then(() => setRejecting(false))}
      >
        <Input.TextArea rows={3} value={reason} onChange={(e) => setReason(e.target.value)} placeholder={t('console.app.rejectReason')} aria-label={t('console.app.rejectReason')} maxLength={500} />
      </Modal>

      {a.canAllocate && a.proposal && (
        <Card title={t('console.app.allocate')} size="small" className="console-card">
          <Form
            layout="vertical"
            initialValues={{ address: a.proposal.address, quotaGiB: Math.round(a.proposal.quotaBytes / GIB), roles: ['staff'] }}
            onFinish={(v: { address: string; quotaGiB: number; roles: Role[] }) =>
              void act(async () => {
                const result = await onboardingApi.allocateApplication(a.id, { address: v.address.trim(), quotaBytes: Math.round(v.quotaGiB * GIB), roles: v.roles });
                setLink({ address: result.address, activation: result.activation });
              }, t('console.app.allocated'))
            }
          >
            <Form.Item name="address" label={t('apply.address')} extra={t('console.app.addressHint')} rules={[{ required: true, type: 'email' }]}>
              <Input />
            </Form.Item>
            <Form.Item name="quotaGiB" label={t('console.app.quota')} rules={[{ required: true }]}>
              <InputNumber min={0} max={1024} addonAfter="GB" />
            </Form.Item>
            <Form.Item name="roles" label={t('console.home.roles')} extra={t('console.app.rolesHint')}>
              <Checkbox.Group options={ROLE_CHOICES.map((r) => ({ value: r, label: t(`console.role.${r}`) }))} />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={busy}>
              {t('console.app.allocate')}
            </Button>
          </Form>
        </Card>
      )}
      {link && <ActivationLinkResult address={link.address} activation={link.activation} onClose={() => setLink(null)} />}

      <Typography.Title level={4}>{t('console.history')}</Typography.Title>
      <HistoryTimeline history={a.history} />
    </div>
  );
}
