/**
 * 密码策略 (SPEC Art. 4.1): the password policy's figures — minimum length, character classes,
 * how many earlier passwords may not be reused, expiry and the reminders before it. The server
 * validates the bounds (common/schemas/password-reset.ts), audits before/after, and every
 * password check uses the new figures at once. Department admin and security officer only.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, InputNumber, Select, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError } from '../../../../common/errors.js';
import type { PasswordPolicyInput } from '../../../../common/schemas/password-reset.js';
import { passwordResetApi } from '../../api/password-reset.js';
import { useI18n } from '../../i18n/index.js';

const REMINDER_OPTIONS = [1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60];

export default function PasswordPolicyPage() {
  const { t, errorText } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<PasswordPolicyInput>();
  const [saving, setSaving] = useState(false);
  const policy = useQuery({ queryKey: ['console', 'password-policy'], queryFn: () => passwordResetApi.policy() });

  useEffect(() => {
    if (policy.data) form.setFieldsValue(policy.data);
  }, [policy.data, form]);

  if (policy.isPending) return <Card loading className="console-page" />;
  if (policy.isError) return <Alert type="error" showIcon title={errorText(policy.error)} className="console-page" />;

  const save = async (values: PasswordPolicyInput) => {
    setSaving(true);
    try {
      const saved = await passwordResetApi.savePolicy({ ...values, reminderDays: values.reminderDays ?? [] });
      queryClient.setQueryData(['console', 'password-policy'], saved);
      void message.success(t('policy.saved'));
    } catch (err) {
      void message.error(errorText(err));
      if (err instanceof ApiError && err.issues) {
        form.setFields(err.issues.filter((i) => i.path).map((i) => ({ name: i.path.split('.')[0] as keyof PasswordPolicyInput, errors: [i.message] })));
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="console-page">
      <Typography.Title level={3}>{t('policy.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('policy.intro')}</Typography.Paragraph>
      <Typography.Paragraph>
        {t('policy.source')}: <Tag>{policy.data.source === 'settings' ? t('policy.source.settings') : t('policy.source.config')}</Tag>
      </Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)} className="policy-form" data-testid="password-policy-form">
        <Form.Item name="minLength" label={t('policy.minLength')} extra={t('policy.minLengthHint')} rules={[{ required: true, type: 'number', min: 8, max: 64, message: t('policy.minLengthHint') }]}>
          <InputNumber min={8} max={64} />
        </Form.Item>
        <Form.Item name="minClasses" label={t('policy.minClasses')} extra={t('policy.minClassesHint')} rules={[{ required: true }]}>
          <Select options={[2, 3, 4].map((n) => ({ value: n, label: t('policy.classes', { n }) }))} className="policy-select" />
        </Form.Item>
        <Form.Item name="historyCount" label={t('policy.history')} extra={t('policy.historyHint')} rules={[{ required: true, type: 'number', min: 0, max: 24, message: t('policy.historyHint') }]}>
          <InputNumber min={0} max={24} />
        </Form.Item>
        <Form.Item name="maxAgeDays" label={t('policy.maxAge')} extra={t('policy.maxAgeHint')} rules={[{ required: true, type: 'number', validator: (_, v: number) => (v === 0 || (v >= 30 && v <= 365) ? Promise.resolve() : Promise.reject(new Error(t('policy.maxAgeHint')))) }]}>
          <InputNumber min={0} max={365} />
        </Form.Item>
        <Form.Item name="reminderDays" label={t('policy.reminders')} extra={t('policy.remindersHint')}>
          <Select mode="multiple" options={REMINDER_OPTIONS.map((d) => ({ value: d, label: t('policy.daysBefore', { n: d }) }))} className="policy-select" maxCount={5} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('policy.save')}
        </Button>
      </Form>
      <Card size="small" title={t('policy.rulesNow')} className="console-card">
        <ul className="reset-policy-list" data-testid="policy-rules">
          {policy.data.rules.map((rule) => (
            <li key={rule}>{rule}</li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
