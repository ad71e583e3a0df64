/**
 * Sign-in, with the announcements slot beside the form (SPEC: notices from the department; for
 * now the two standing reminders every user must see — 涉密不上网 and external mail).
 */
import { LockOutlined, MailOutlined, NotificationOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../../../common/errors.js';
import { loginRequestSchema, type SessionView } from '../../../common/schemas/session.js';
import { api } from '../api/client.js';
import { LanguageSwitch } from '../components/language-switch.js';
import { useI18n } from '../i18n/index.js';

interface Values {
  address: string;
  password: string;
  /** Asked once the server answers auth.totp_required (SPEC Art. 4.1, TOTP). */
  totp?: string;
}

export function SignInPage({ notice, onSignedIn, announcements }: { notice: string | null; onSignedIn(session: SessionView): void; announcements?: ReactNode }) {
  const { t, errorText } = useI18n();
  const [form] = Form.useForm<Values>();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [needCode, setNeedCode] = useState(false);

  async function submit(values: Values) {
    const input = loginRequestSchema.safeParse(values);
    if (!input.success) {
      setError(t('signIn.required'));
      return;
    }
    setPending(true);
    setError(null);
    try {
      onSignedIn(await api.login(input.data));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'auth.totp_required') {
        // The password was right: keep it and ask for the authenticator code.
        setNeedCode(true);
        setError(null);
        setPending(false);
        return;
      }
      setError(errorText(err));
      if (!(err instanceof ApiError && err.code === 'auth.totp_invalid')) form.setFieldValue('password', '');
      form.setFieldValue('totp', '');
      setPending(false);
    }
  }

  return (
    <div className="signin">
      <header className="signin-top">
        <Typography.Title level={1} className="signin-title">
          <MailOutlined aria-hidden /> {t('app.title')}
        </Typography.Title>
        <LanguageSwitch />
      </header>
      <main className="signin-main" id="main">
        <Card className="signin-card" title={<h2 className="card-heading">{t('signIn.heading')}</h2>}>
          {notice && !error && <Alert type="info" showIcon title={notice} className="signin-alert" />}
          <Form form={form} layout="vertical" requiredMark={false} onFinish={submit} onFinishFailed={() => setError(t('signIn.required'))} disabled={pending}>
            <Form.Item label={t('signIn.address')} name="address" rules={[{ required: true, message: t('signIn.required') }]}>
              <Input prefix={<MailOutlined aria-hidden />} autoComplete="username" inputMode="email" placeholder={t('signIn.addressHint')} autoFocus size="large" />
            </Form.Item>
            <Form.Item label={t('signIn.password')} name="password" rules={[{ required: true, message: t('signIn.required') }]}>
              <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="current-password" size="large" />
            </Form.Item>
            {needCode ? (
              <Form.Item label={t('credentials.signIn.totp')} name="totp" extra={t('credentials.signIn.totpHint')} rules={[{ required: true, message: t('credentials.signIn.totp') }]}>
                <Input autoComplete="one-time-code" inputMode="numeric" size="large" autoFocus />
              </Form.Item>
            ) : null}
            {error && <Alert type="error" showIcon title={error} role="alert" className="signin-alert" />}
            <Button type="primary" htmlType="submit" block size="large" loading={pending}>
              {pending ? t('signIn.submitting') : t('signIn.submit')}
            </Button>
          </Form>
        </Card>
        <Card
          className="signin-announcements"
          title={
            <h2 className="card-heading">
              <NotificationOutlined aria-hidden /> {t('signIn.announcements')}
            </h2>
          }
        >
          {announcements ?? (
            <ul className="announcement-list">
              <li>{t('signIn.announcement.secrecy')}</li>
              <li>{t('signIn.announcement.phishing')}</li>
            </ul>
          )}
        </Card>
      </main>
      <nav className="signin-links" aria-label={t('apply.linksLabel')}>
        <a href="/apply">{t('apply.link')}</a>
        <a href="/apply/status">{t('apply.statusLink')}</a>
      </nav>
      <footer className="signin-footer">{t('signIn.footer')}</footer>
    </div>
  );
}
