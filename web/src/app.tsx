/**
 * The app's frame: Ant Design (zero-runtime theme, zh_CN or en locale), react-query, the router
 * and the session gate — signed out, every URL shows the sign-in page (and stays the URL, so
 * signing in continues where the link pointed); signed in, the mail routes.
 */
import { StyleProvider } from '@ant-design/cssinjs';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, useCallback, useEffect, useMemo, useState } from 'react';
import { BrowserRouter, useLocation } from 'react-router';
import { ApiError } from '../../common/errors.js';
import type { SessionView } from '../../common/schemas/session.js';
import { api } from './api/client.js';
import { SessionContext, type SessionContextValue } from './hooks/use-session.js';
import { useI18n } from './i18n/index.js';
import { runtimeTheme } from './theme.js';
import { PageLoading } from './components/page-loading.js';
import { isPublicPath } from './public/public-paths.js';
import { MailRoutes } from './webmail/mail-routes.js';
import { PasswordChangePage } from './webmail/password-change-page.js';
import { SignInPage } from './webmail/sign-in-page.js';

/**
 * Where antd would still write a <style> at run time even in zero-runtime mode (the theme's CSS
 * variables, which the built CSS already holds): a detached element, so nothing reaches the
 * document and the CSP has nothing to refuse.
 */
const detachedStyles = document.createElement('div');

/** The public pages (apply, application status, activation): a chunk of their own, no sign-in. */
const PublicRoutes = lazy(() => import('./public/public-routes.js'));

function makeQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache(),
    defaultOptions: {
      queries: {
        // Live updates (SSE) invalidate what changed; no polling, no refetch on every focus.
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => count < 2 && !(error instanceof ApiError && error.statusCode < 500),
      },
    },
  });
}

type State = { kind: 'loading' } | { kind: 'signed-out'; notice: string | null } | { kind: 'signed-in'; session: SessionView };

export function App() {
  const { locale } = useI18n();
  const [queryClient] = useState(makeQueryClient);

  useEffect(() => {
    dayjs.locale(locale === 'en' ? 'en' : 'zh-cn');
  }, [locale]);

  return (
    <StyleProvider container={detachedStyles}>
      <ConfigProvider locale={locale === 'en' ? enUS : zhCN} theme={runtimeTheme}>
      <AntApp className="app-root">
        <QueryClientProvider client={queryClient}>
          <BrowserRouter>
            <SessionGate queryClient={queryClient} />
          </BrowserRouter>
        </QueryClientProvider>
      </AntApp>
      </ConfigProvider>
    </StyleProvider>
  );
}

function SessionGate({ queryClient }: { queryClient: QueryClient }) {
  const { t, errorText } = useI18n();
  const location = useLocation();
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
    // (errorText changes with the language.)
  }, []);

  useEffect(() => {
    api.onUnauthorized((error) => {
      queryClient.clear();
      setState({ kind: 'signed-out', notice: errorText(error) });
    });
    return () => api.onUnauthorized(null);
  }, [queryClient, errorText]);

  // SPEC 4.1 (NAME=selfservice): a call refused with auth.password_change_required (expired or
  // reset while signed in) reads the session again, whose credentialStatus then shows the
  // forced-change page. One read at a time, however many calls were refused together.
  useEffect(() => {
    let reading = false;
    api.onPasswordChangeRequired(() => {
      if (reading) return;
      reading = true;
      api
        .getSession()
        .then((session) => session && setState({ kind: 'signed-in', session }))
        .catch(() => undefined)
        .finally(() => {
          reading = false;
        });
    });
    return () => api.onPasswordChangeRequired(null);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      queryClient.clear();
      setState({ kind: 'signed-out', notice: t('header.signedOut') });
    }
  }, [queryClient, t]);

  const refresh = useCallback(async () => {
    const session = await api.getSession();
    if (session) setState({ kind: 'signed-in', session });
  }, []);

  const context = useMemo<SessionContextValue | null>(() => (state.kind === 'signed-in' ? { session: state.session, signOut, refresh } : null), [state, signOut, refresh]);

  if (isPublicPath(location.pathname)) {
    return (
      <PageLoading>
        <PublicRoutes />
      </PageLoading>
    );
  }
  if (state.kind === 'loading') {
    return (
      <div className="boot" role="status">
        <Spin />
        <span>{t('app.loading')}</span>
      </div>
    );
  }
  if (state.kind === 'signed-out' || !context) {
    return <SignInPage notice={state.kind === 'signed-out' ? state.notice : null} onSignedIn={(session) => setState({ kind: 'signed-in', session })} />;
  }
  return (
    <SessionContext.Provider value={context}>
      {context.session.credentialStatus?.changeRequired ? <PasswordChangePage /> : <MailRoutes />}
    </SessionContext.Provider>
  );
}
