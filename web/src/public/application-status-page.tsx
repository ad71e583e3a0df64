/** Looking an application up by its tracking code (SPEC Art. 2.1), no sign-in. */
import { Alert, Button, Card, Descriptions, Form, Input, Steps, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { ApplicationStatus } from '../../../common/schemas/onboarding.js';
import { onboardingApi } from '../api/onboarding.js';
import { formatMillis } from '../i18n/millis.js';
import { useI18n } from '../i18n/index.js';

const STEP: Record<ApplicationStatus['state'], number> = { applied: 1, approved: 2, rejected: 1, allocated: 3 };

export default function ApplicationStatusPage() {
  const { t, locale, errorText } = useI18n();
  const [params, setParams] = useSearchParams();
  const [status, setStatus] = useState<ApplicationStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const code = params.get('code') ?? '';

  useEffect(() => {
    if (!code) return;
    let cancelled = false;
    setLoading(true);
    setError(null);
    onboardingApi.applicationStatus(code).then(
      (s) => !cancelled && (setStatus(s), setLoading(false)),
      (err: unknown) => !cancelled && (setStatus(null), setError(errorText(err)), setLoading(false)),
    );
    return () => {
      cancelled = true;
    };
  }, [code, errorText]);

  return (
    <Card className="public-card" title={<h1 className="public-title">{t('apply.statusHeading')}</h1>}>
      <Form layout="inline" onFinish={(v: { code: string }) => setParams({ code: v.code.trim() })} initialValues={{ code }}>
        <Form.Item name="code" label={t('apply.trackingCode')} rules={[{ required: true, whitespace: true }]}>
          <Input placeholder="XXXX-XXXX-XXXX" maxLength={20} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={loading}>
          {t('apply.lookUp')}
        </Button>
      </Form>
      {error && <Alert type="error" showIcon title={error} className="public-alert" />}
      {status && (
        <div className="status-result" data-testid="application-status">
          <Steps
            current={STEP[status.state]}
            status={status.state === 'rejected' ? 'error' : undefined}
            items={[
              { title: t('apply.step.submitted') },
              { title: status.state === 'rejected' ? t('apply.state.rejected') : t('apply.step.review') },
              { title: t('apply.step.allocation') },
              { title: t('apply.step.activation') },
            ]}
          />
          <Descriptions bordered size="small" column={1}>
            <Descriptions.Item label={t('apply.state')}>{t(`apply.state.${status.state}`)}</Descriptions.Item>
            <Descriptions.Item label={t('apply.name')}>{status.displayName}</Descriptions.Item>
            <Descriptions.Item label={t('apply.unit')}>{status.unitName}</Descriptions.Item>
            <Descriptions.Item label={t('apply.submittedAt')}>{formatMillis(locale, status.createdAt)}</Descriptions.Item>
            {status.reviewedAt !== null && <Descriptions.Item label={t('apply.reviewedAt')}>{formatMillis(locale, status.reviewedAt)}</Descriptions.Item>}
            {status.rejectReason && <Descriptions.Item label={t('apply.rejectReason')}>{status.rejectReason}</Descriptions.Item>}
            {status.address && <Descriptions.Item label={t('apply.address')}>{status.address}</Descriptions.Item>}
          </Descriptions>
          {status.state === 'allocated' && <Typography.Paragraph type="secondary">{t('apply.allocatedHint')}</Typography.Paragraph>}
        </div>
      )}
      <Typography.Paragraph className="public-footer-link">
        <Link to="/apply">{t('apply.link')}</Link> · <a href="/">{t('apply.backToSignIn')}</a>
      </Typography.Paragraph>
    </Card>
  );
}
