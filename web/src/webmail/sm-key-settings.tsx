/**
 * 设置 → 加密证书 (SPEC 3.2; smcrypto): set up the SM2 certificate for 工作秘密 mail (key pair
 * generated in this browser; the 加密口令 asked twice; a recovery code shown once with a
 * download and an acknowledgement), replace it (needs the login password), and restore with the
 * recovery code — what a person does after an administrator reset their password.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Input, Typography } from 'antd';
import { useState } from 'react';
import { formatDateTime } from '../i18n/format.js';
import { useI18n } from '../i18n/index.js';
import { useSession } from '../hooks/use-session.js';
import { restoreKey, setUpKey, smKeysApi, WrongPassphrase } from './sm-keyring.js';

const MIN_PASSPHRASE = 10;
const KEY_QUERY = ['sm-keys', 'me'] as const;

export function SmKeySettings() {
  const { t, locale, errorText } = useI18n();
  const { session } = useSession();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const me = useQuery({ queryKey: KEY_QUERY, queryFn: () => smKeysApi.me() });
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [recoveryCode, setRecoveryCode] = useState<string | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const [restoreCode, setRestoreCode] = useState('');
  const [restorePassphrase, setRestorePassphrase] = useState('');
  const [restorePassword, setRestorePassword] = useState('');
  const [restoreError, setRestoreError] = useState<string | null>(null);

  const key = me.data?.key ?? null;
  const address = session.account.address;

  const setUp = async () => {
    setError(null);
    if (passphrase.length < MIN_PASSPHRASE) return setError(t('smcrypto.passphraseShort'));
    if (passphrase !== again) return setError(t('smcrypto.passphraseMismatch'));
    setBusy(true);
    // Let the "working" state paint before PBKDF2 holds the thread.
    await new Promise((resolve) => setTimeout(resolve, 30));
    try {
      const code = await setUpKey(address, passphrase, key ? password : undefined);
      setRecoveryCode(code);
      setAcknowledged(false);
      setPassphrase('');
      setAgain('');
      setPassword('');
      void queryClient.invalidateQueries({ queryKey: KEY_QUERY });
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const restore = async () => {
    setRestoreError(null);
    if (restorePassphrase.length < MIN_PASSPHRASE) return setRestoreError(t('smcrypto.passphraseShort'));
    setBusy(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    try {
      await restoreKey(address, restoreCode, restorePassphrase, restorePassword);
      setRestoreCode('');
      setRestorePassphrase('');
      setRestorePassword('');
      void message.success(t('smcrypto.restored'));
      void queryClient.invalidateQueries({ queryKey: KEY_QUERY });
    } catch (err) {
      setRestoreError(err instanceof WrongPassphrase ? t('smcrypto.badRecovery') : errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const download = () => {
    const text = `${t('smcrypto.fileIntro')}\r\n${address}\r\n\r\n${recoveryCode}\r\n`;
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `govmail-recovery-code-${address}.txt`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  if (recoveryCode) {
    return (
      <Card className="settings-card sm-key-settings" title={t('smcrypto.recoveryTitle')}>
        <Alert type="warning" showIcon title={t('smcrypto.recoveryNote')} />
        <p className="sm-recovery-code" data-testid="sm-recovery-code">
          {recoveryCode}
        </p>
        <div className="sm-key-actions">
          <Button onClick={download}>{t('smcrypto.download')}</Button>
          <Checkbox checked={acknowledged} onChange={(e) => setAcknowledged(e.target.checked)}>
            {t('smcrypto.ack')}
          </Checkbox>
          <Button
            type="primary"
            disabled={!acknowledged}
            onClick={() => {
              setRecoveryCode(null);
              void message.success(t('smcrypto.setUpDone'));
            }}
          >
            {t('smcrypto.done')}
          </Button>
        </div>
      </Card>
    );
  }

  return (
    <div className="sm-key-settings">
      <Card className="settings-card" title={t('smcrypto.tab')}>
        <Typography.Paragraph>{t('smcrypto.intro')}</Typography.Paragraph>
        <Alert type="info" showIcon title={t('smcrypto.whyPassphrase')} />
        <p className="sm-key-state" role="status">
          {me.isLoading ? '' : key ? t('smcrypto.have', { time: formatDateTime(locale, new Date(key.createdAt).toISOString()) }) : t('smcrypto.none')}
        </p>
        {key && <p className="sm-key-fingerprint">{t('smcrypto.fingerprint', { value: key.publicKey.slice(2, 42).replace(/(.{4})/g, '$1 ').trim() })}</p>}
        {key && <Alert type="warning" title={t('smcrypto.replaceNote')} />}
        <div className="sm-key-form">
          <Input.Password aria-label={t('smcrypto.passphrase')} placeholder={t('smcrypto.passphrase')} value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="new-password" />
          <Input.Password aria-label={t('smcrypto.passphraseAgain')} placeholder={t('smcrypto.passphraseAgain')} value={again} onChange={(e) => setAgain(e.target.value)} autoComplete="new-password" />
          {key && <Input.Password aria-label={t('smcrypto.loginPassword')} placeholder={t('smcrypto.loginPassword')} value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />}
          {error && <Alert type="error" showIcon title={error} />}
          <Button type="primary" loading={busy} onClick={() => void setUp()}>
            {busy ? t('smcrypto.working') : key ? t('smcrypto.replace') : t('smcrypto.setUp')}
          </Button>
        </div>
      </Card>
      {key && (
        <Card className="settings-card" title={t('smcrypto.restoreTitle')}>
          <Typography.Paragraph>{t('smcrypto.restoreNote')}</Typography.Paragraph>
          <div className="sm-key-form">
            <Input aria-label={t('smcrypto.recoveryCode')} placeholder="XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" value={restoreCode} onChange={(e) => setRestoreCode(e.target.value)} autoComplete="off" />
            <Input.Password aria-label={t('smcrypto.newPassphrase')} placeholder={t('smcrypto.newPassphrase')} value={restorePassphrase} onChange={(e) => setRestorePassphrase(e.target.value)} autoComplete="new-password" />
            <Input.Password aria-label={t('smcrypto.loginPassword')} placeholder={t('smcrypto.loginPassword')} value={restorePassword} onChange={(e) => setRestorePassword(e.target.value)} autoComplete="current-password" />
            {restoreError && <Alert type="error" showIcon title={restoreError} />}
            <Button loading={busy} onClick={() => void restore()}>
              {t('smcrypto.restore')}
            </Button>
          </div>
        </Card>
      )}
    </div>
  );
}
