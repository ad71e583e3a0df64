/**
 * Activation by one-time link (SPEC Art. 2.3): the work-ID number, a new password under the
 * policy (checked on the server), acceptance of the acceptable-use statement (the regulation's
 * chapters on use and security). Afterwards: sign in, and enable two-step verification.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Descriptions, Form, Input, Result, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../../common/errors.js';
import { AUP_SECTIONS, REGULATION_VERSION } from '../../../common/regulation.js';
import { onboardingApi } from '../api/onboarding.js';
import { RegulationText } from '../components/regulation-text.js';
import { useI18n } from '../i18n/index.js';
import { formatMillis } from '../i18n/millis.js';

interface FormValues {
  workId: string;
  password: string;
  confirm: string;
  accept: boolean;
}

export default function ActivatePage() {
  const { t, locale, errorText } = useI18n();
  const { token = '' } = useParams();
  const [form] = Form.useForm<FormValues>();
  const info = useQuery({ queryKey: ['activation', token], queryFn: () => onboardingApi.activationInfo(token), retry: false });
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  if (done) {
    return (
      <Card className="public-card">
        <Result
          status="success"
          title={t('activate.done')}
          subTitle={t('activate.doneHint', { address: done })}
          extra={[
            <a key="signin" href="/">
              <Button type="primary">{t('activate.signIn')}</Button>
            </a>,
            // Two-step verification lives on the self-service security page (settings), reached after sign-in.
            <Typography.Paragraph key="totp" className="activate-totp">
              {t('activate.totpOffer')} <a href="/settings">{t('activate.totpLink')}</a>
            </Typography.Paragraph>,
          ]}
        />
      </Card>
    );
  }
  if (info.isPending) return <Card className="public-card" loading />;
  if (info.isError) {
    return (
      <Card className="public-card">
        <Result status={info.error instanceof ApiError && info.error.code === 'activation.expired' ? 'warning' : 'error'} title={t('activate.unusable')} subTitle={errorText(info.error)} />
      </Card>
    );
  }

  const submit = async (values: FormValues) => {
    setSubmitting(true);
    setError(null);
    try {
      const result = await onboardingApi.activate(token, { workId: values.workId, password: values.password, acceptAup: true, aupVersion: REGULATION_VERSION });
      setDone(result.address);
    } catch (err) {
      setError(errorText(err));
      if (err instanceof ApiError && err.issues?.some((i) => i.path === 'workId')) form.setFields([{ name: 'workId', errors: [err.message] }]);
      else if (err instanceof ApiError && err.code === 'policy.refused') form.setFields([{ name: 'password', errors: [err.message] }]);
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Card className="public-card" title={<h1 className="public-title">{t('activate.heading')}</h1>}>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('apply.name')}>{info.data.displayName}</Descriptions.Item>
        <Descriptions.Item label={t('apply.address')}>{info.data.address}</Descriptions.Item>
        <Descriptions.Item label={t('apply.unit')}>{info.data.unitName}</Descriptions.Item>
        <Descriptions.Item label={t('activate.validUntil')}>{formatMillis(locale, info.data.expiresAt)}</Descriptions.Item>
      </Descriptions>
      {error && <Alert type="error" showIcon title={error} className="public-alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} className="activate-form">
        <Form.Item name="workId" label={t('apply.workId')} rules={[{ required: true, whitespace: true }]}>
          <Input maxLength={40} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('activate.password')}
          // The policy in force (the console's 密码策略 may have changed the figures); the server checks it.
          extra={
            info.data.policy ? (
              <ul className="reset-policy-list" data-testid="activate-policy">
                {info.data.policy.map((rule) => (
                  <li key={rule}>{rule}</li>
                ))}
              </ul>
            ) : (
              t('activate.passwordPolicy')
            )
          }
          rules={[{ required: true }]}
        >
          <Input.Password autoComplete="new-password" maxLength={1024} />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('activate.confirm')}
          dependencies={['password']}
          rules={[{ required: true }, ({ getFieldValue }) => ({ validator: (_, v) => (v === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('settings.passwordMismatch')))) })]}
        >
          <Input.Password autoComplete="new-password" maxLength={1024} />
        </Form.Item>
        <Form.Item label={t('activate.aup')}>
          <div className="regulation-box regulation-box-short" tabIndex={0} role="region" aria-label={t('activate.aup')}>
            <RegulationText sections={AUP_SECTIONS} />
          </div>
        </Form.Item>
        <Form.Item name="accept" valuePropName="checked" rules={[{ validator: (_, v) => (v ? Promise.resolve() : Promise.reject(new Error(t('activate.acceptRequired')))) }]}>
          <Checkbox>{t('activate.accept')}</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={submitting} block>
          {t('activate.submit')}
        </Button>
      </Form>
    </Card>
  );
}
