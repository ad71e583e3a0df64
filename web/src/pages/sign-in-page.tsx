import { useState, type FormEvent } from 'react';
import { loginRequestSchema, type SessionView } from '../../../common/schemas/session.js';
import { api } from '../api/client.js';
import { useI18n } from '../i18n/index.js';

export function SignInPage({ notice, onSignedIn }: { notice: string | null; onSignedIn(session: SessionView): void }) {
  const { t, errorText } = useI18n();
  const [address, setAddress] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const input = loginRequestSchema.safeParse({ address, password });
    if (!input.success) {
      setError(t('signIn.required'));
      return;
    }
    setPending(true);
    setError(null);
    try {
      onSignedIn(await api.login(input.data));
    } catch (err) {
      setError(errorText(err));
      setPassword('');
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="card" onSubmit={submit} noValidate>
      <h2>{t('signIn.heading')}</h2>
      {notice && !error && <p className="notice">{notice}</p>}
      <label>
        {t('signIn.address')}
        <input
          name="address"
          type="text"
          inputMode="email"
          autoComplete="username"
          placeholder={t('signIn.addressHint')}
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          required
          autoFocus
        />
      </label>
      <label>
        {t('signIn.password')}
        <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={pending}>
        {pending ? t('signIn.submitting') : t('signIn.submit')}
      </button>
    </form>
  );
}
