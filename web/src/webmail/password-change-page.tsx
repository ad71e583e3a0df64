/**
 * The forced password change (SPEC Art. 4.1, NAME=selfservice): shown instead of the whole
 * webmail while the session may only change the password (expired, or a reset was forced) —
 * the server answers every other call `auth.password_change_required`, so nothing else is
 * mounted here and nothing loops. The policy is explained inline (from the session answer, as
 * the settings route is closed too); after the change the session is read again and the person
 * continues into the webmail. Signing out is offered.
 */
import { LockOutlined, LogoutOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Typography } from 'antd';
import { useNavigate } from 'react-router';
import { LanguageSwitch } from '../components/language-switch.js';
import { useSession } from '../hooks/use-session.js';
import { useI18n } from '../i18n/index.js';
import { PasswordChangeForm, PasswordPolicy } from './password-change-form.js';

export function PasswordChangePage() {
  const { t } = useI18n();
  const { session, signOut, refresh } = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const status = session.credentialStatus;
  const reason = status?.changeRequired === 'forced' ? t('forcedPassword.forced') : t('forcedPassword.expired');

  return (
    <main className="forced-password" id="main">
      <Card className="forced-password-card">
        <div className="forced-password-head">
          <Typography.Title level={1} className="forced-password-title">
            <LockOutlined aria-hidden /> {t('forcedPassword.title')}
          </Typography.Title>
          <LanguageSwitch />
        </div>
        <p className="forced-password-who">{session.account.address}</p>
        <Alert type="warning" showIcon className="settings-note" title={reason} />
        {status?.policy && status.policy.length > 0 && <PasswordPolicy policy={status.policy} />}
        <PasswordChangeForm
          submitLabel={t('forcedPassword.submit')}
          onChanged={async () => {
            // Queries that failed behind the gate are dropped; the webmail starts afresh.
            queryClient.clear();
            void message.success(t('forcedPassword.done'));
            navigate('/mail', { replace: true });
            await refresh();
          }}
        />
        <div className="forced-password-signout">
          <Button type="link" icon={<LogoutOutlined />} onClick={() => void signOut()}>
            {t('header.signOut')}
          </Button>
        </div>
      </Card>
    </main>
  );
}
