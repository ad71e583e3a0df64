/**
 * The password change form with the policy explained beside it (SPEC Art. 4.1): current, new,
 * repeat. The server's per-rule violations come back as field issues and are shown under the
 * field they concern. Shared by the settings tab and the forced-change page (NAME=selfservice).
 */
import { useMutation } from '@tanstack/react-query';
import { App, Button, Form, Input } from 'antd';
import { ApiError } from '../../../common/errors.js';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/index.js';

interface PasswordValues {
  current: string;
  next: string;
  confirm: string;
}

export function PasswordPolicy({ policy }: { policy: string[] }) {
  const { t } = useI18n();
  return (
    <section className="password-policy" aria-labelledby="password-policy-heading">
      <h2 id="password-policy-heading" className="card-heading">
        {t('settings.passwordPolicy')}
      </h2>
      <ul>
        {policy.map((rule) => (
          <li key={rule}>{rule}</li>
        ))}
      </ul>
    </section>
  );
}

export function PasswordChangeForm({ onChanged, submitLabel }: { onChanged(): void | Promise<void>; submitLabel?: string }) {
  const { t, errorText } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<PasswordValues>();
  const change = useMutation({
    mutationFn: (values: PasswordValues) => api.changePassword(values.current, values.next),
    onSuccess: async () => {
      form.resetFields();
      await onChanged();
    },
    onError: (err) => {
      if (err instanceof ApiError && err.issues?.length) {
        const byField = new Map<string, string[]>();
        for (const issue of err.issues) byField.set(issue.path, [...(byField.get(issue.path) ?? []), issue.message]);
        form.setFields([...byField].filter(([path]) => path === 'current' || path === 'next').map(([path, errors]) => ({ name: path as 'current' | 'next', errors })));
      } else void message.error(errorText(err));
    },
  });

  return (
    <Form form={form} name="password-change" layout="vertical" onFinish={(values) => change.mutate(values)} requiredMark={false}>
      <Form.Item label={t('settings.currentPassword')} name="current" rules={[{ required: true, message: t('settings.currentPassword') }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item label={t('settings.newPassword')} name="next" rules={[{ required: true, message: t('settings.newPassword') }]}>
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        label={t('settings.confirmPassword')}
        name="confirm"
        dependencies={['next']}
        rules={[
          { required: true, message: t('settings.confirmPassword') },
          ({ getFieldValue }) => ({
            validator: (_rule, value: string) => (!value || getFieldValue('next') === value ? Promise.resolve() : Promise.reject(new Error(t('settings.passwordMismatch')))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={change.isPending}>
        {submitLabel ?? t('settings.changePassword')}
      </Button>
    </Form>
  );
}
