import { useState } from 'react';
import type { SessionView } from '../../../common/schemas/session.js';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/index.js';

export function WelcomePage({ session, onSignedOut }: { session: SessionView; onSignedOut(): void }) {
  const { t, errorText } = useI18n();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function signOut() {
    setPending(true);
    setError(null);
    try {
      await api.logout();
      onSignedOut();
    } catch (err) {
      setError(errorText(err));
      setPending(false);
    }
  }

  return (
    <section className="card">
      <h2>{t('welcome.heading', { name: session.account.displayName })}</h2>
      <p>{t('welcome.address', { address: session.account.address })}</p>
      <p className="muted">{t('welcome.placeholder')}</p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="button" onClick={signOut} disabled={pending}>
        {pending ? t('welcome.signingOut') : t('welcome.signOut')}
      </button>
    </section>
  );
}
