/**
 * Setting a new password by an administrator's one-time reset link (SPEC Art. 4.1). The page
 * learns only the masked address; it asks for the work-ID number when one is on record, explains
 * the policy in force beside the field and shows each rule the server refused on the field.
 */
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Descriptions, Form, Input, Result, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { ApiError } from '../../../common/errors.js';
import { passwordResetApi } from '../api/password-reset.js';
import { useI18n } from '../i18n/index.js';
import { formatMillis } from '../i18n/millis.js';

interface FormValues {
  workIdNumber?: string;
  newPassword: string;
  confirm: string;
}

export default function ResetPage() {
  const { t, locale, errorText } = useI18n();
  const { token = '' } = useParams();
  const [form] = Form.useForm<FormValues>();
  const info = useQuery({ queryKey: ['password-reset', token], queryFn: () => passwordResetApi.info(token), retry: false });
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  if (done) {
    return (
      <Card className="public-card">
        <Result
          status="success"
          title={t('reset.done')}
          subTitle={t('reset.doneHint')}
          extra={
            <a href="/">
              <Button type="primary">{t('activate.signIn')}</Button>
            </a>
          }
        />
      </Card>
    );
  }
  if (info.isPending) return <Card className="public-card" loading />;
  if (info.isError) {
    return (
      <Card className="public-card">
        <Result status={info.error instanceof ApiError && info.error.code === 'reset.expired' ? 'warning' : 'error'} title={t('reset.unusable')} subTitle={errorText(info.error)} data-testid="reset-unusable" />
      </Card>
    );
  }

  const submit = async (values: FormValues) => {
    setSubmitting(true);
    setError(null);
    try {
      await passwordResetApi.reset(token, { newPassword: values.newPassword, ...(info.data.asksWorkId ? { workIdNumber: values.workIdNumber ?? '' } : {}) });
      setDone(true);
    } catch (err) {
      setError(errorText(err));
      if (err instanceof ApiError && err.issues) {
        const byField = new Map<string, string[]>();
        for (const issue of err.issues) byField.set(issue.path, [...(byField.get(issue.path) ?? []), issue.message]);
        const fields = [...byField].filter(([name]) => name === 'newPassword' || name === 'workIdNumber').map(([name, errors]) => ({ name: name as keyof FormValues, errors }));
        if (fields.length > 0) form.setFields(fields);
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Card className="public-card" title={<h1 className="public-title">{t('reset.heading')}</h1>}>
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('reset.account')}>{info.data.maskedAddress}</Descriptions.Item>
        <Descriptions.Item label={t('activate.validUntil')}>{formatMillis(locale, info.data.expiresAt)}</Descriptions.Item>
      </Descriptions>
      {error && <Alert type="error" showIcon title={error} className="public-alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} className="activate-form">
        {info.data.asksWorkId && (
          <Form.Item name="workIdNumber" label={t('apply.workId')} extra={t('reset.workIdHint')} rules={[{ required: true, whitespace: true, message: t('reset.workIdRequired') }]}>
            <Input maxLength={40} autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item
          name="newPassword"
          label={t('reset.newPassword')}
          extra={
            <div data-testid="reset-policy">
              <Typography.Text type="secondary">{t('reset.policyIntro')}</Typography.Text>
              <ul className="reset-policy-list">
                {info.data.policy.map((rule) => (
                  <li key={rule}>{rule}</li>
                ))}
              </ul>
            </div>
          }
          rules={[{ required: true, message: t('reset.newPasswordRequired') }]}
        >
          <Input.Password autoComplete="new-password" maxLength={1024} />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('activate.confirm')}
          dependencies={['newPassword']}
          rules={[{ required: true, message: t('reset.confirmRequired') }, ({ getFieldValue }) => ({ validator: (_, v) => (v === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('settings.passwordMismatch')))) })]}
        >
          <Input.Password autoComplete="new-password" maxLength={1024} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={submitting} block>
          {t('reset.submit')}
        </Button>
      </Form>
    </Card>
  );
}
