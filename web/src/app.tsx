import { useEffect, useState } from 'react';
import { ApiError } from '../../common/errors.js';
import type { SessionView } from '../../common/schemas/session.js';
import { api } from './api/client.js';
import { useI18n } from './i18n/index.js';
import { SignInPage } from './pages/sign-in-page.js';
import { WelcomePage } from './pages/welcome-page.js';

type State = { kind: 'loading' } | { kind: 'signed-out'; notice: string | null } | { kind: 'signed-in'; session: SessionView };

export function App() {
  const { t, locale, setLocale, errorText } = useI18n();
  const [state, setState] = useState<State>({ kind: 'loading' });

  useEffect(() => {
    let cancelled = false;
    api.getSession().then(
      (session) => !cancelled && setState(session ? { kind: 'signed-in', session } : { kind: 'signed-out', notice: null }),
      (err: unknown) => !cancelled && setState({ kind: 'signed-out', notice: err instanceof ApiError ? errorText(err) : null }),
    );
    return () => {
      cancelled = true;
    };
    // Only on first load: a language switch must not fetch the session again.
  }, []);

  return (
    <div className="page">
      <header className="top">
        <h1>{t('app.title')}</h1>
        <button type="button" className="link" onClick={() => setLocale(locale === 'zh-CN' ? 'en' : 'zh-CN')}>
          {t('language.switchTo')}
        </button>
      </header>
      <main>
        {state.kind === 'loading' && <p className="muted">{t('app.loading')}</p>}
        {state.kind === 'signed-out' && <SignInPage notice={state.notice} onSignedIn={(session) => setState({ kind: 'signed-in', session })} />}
        {state.kind === 'signed-in' && <WelcomePage session={state.session} onSignedOut={() => setState({ kind: 'signed-out', notice: null })} />}
      </main>
    </div>
  );
}
