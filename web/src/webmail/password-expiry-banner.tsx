/**
 * The password expiry reminder (SPEC Art. 4.1, NAME=selfservice): from the session's
 * `remindFrom` (the policy's earliest reminder day before expiry) a dismissible banner says in
 * how many days the password expires and links to the password form. Dismissed, it stays away
 * for that expiry date (a new password brings a new date, and the reminder again next time).
 */
import { Alert } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../hooks/use-session.js';
import { useI18n } from '../i18n/index.js';
import { formatMillis } from '../i18n/millis.js';

const DISMISSED_KEY = 'govmail.passwordExpiryDismissed';
const DAY = 86_400_000;

function dismissedFor(): string | null {
  try {
    return localStorage.getItem(DISMISSED_KEY);
  } catch {
    return null;
  }
}

export function PasswordExpiryBanner() {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const status = session.credentialStatus;
  const [dismissed, setDismissed] = useState(() => dismissedFor());
  const now = Date.now();
  if (!status || status.changeRequired || status.expiresAt === null || status.remindFrom === null || status.remindFrom === undefined) return null;
  if (now < status.remindFrom || dismissed === String(status.expiresAt)) return null;
  const days = Math.max(0, Math.ceil((status.expiresAt - now) / DAY));
  return (
    <Alert
      type="warning"
      showIcon
      banner
      className="password-expiry-banner"
      role="status"
      title={
        <span>
          {t('expiry.banner', { days, date: formatMillis(locale, status.expiresAt) })} <Link to="/settings?tab=password">{t('expiry.change')}</Link>
        </span>
      }
      closable={{ 'aria-label': t('expiry.dismiss') }}
      onClose={() => {
        try {
          localStorage.setItem(DISMISSED_KEY, String(status.expiresAt));
        } catch {
          // Private mode: dismissed for this page only.
        }
        setDismissed(String(status.expiresAt));
      }}
    />
  );
}
