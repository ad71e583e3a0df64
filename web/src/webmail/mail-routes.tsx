/**
 * The signed-in routes. Compose and settings are separate chunks (React.lazy): a first visit
 * loads the sign-in page, the folder tree, the list and the reading pane, nothing more.
 */
import { Spin } from 'antd';
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useI18n } from '../i18n/index.js';
import { MailShell } from './mail-shell.js';
import { InboxRedirect, MailboxView } from './mailbox-view.js';
import { SearchView } from './search-view.js';

const ComposePage = lazy(() => import('./compose-page.js'));
const SettingsPage = lazy(() => import('./settings-page.js'));
const ReportsPage = lazy(() => import('./reports-page.js'));
/** The governance console: its own chunk, never loaded by a webmail visit. */
const ConsoleApp = lazy(() => import('../console/console-app.js'));

function Loading({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <Suspense
      fallback={
        <div className="boot" role="status">
          <Spin />
          <span>{t('app.loading')}</span>
        </div>
      }
    >
      {children}
    </Suspense>
  );
}

export function MailRoutes() {
  return (
    <Routes>
      <Route element={<MailShell />}>
        <Route path="/mail" element={<InboxRedirect />} />
        {/* Optional segments: opening a message keeps the same view (and the list's scroll). */}
        <Route path="/mail/:mailboxId/:messageId?" element={<MailboxView />} />
        <Route path="/search/:messageId?" element={<SearchView />} />
        <Route
          path="/compose"
          element={
            <Loading>
              <ComposePage />
            </Loading>
          }
        />
        <Route
          path="/reports"
          element={
            <Loading>
              <ReportsPage />
            </Loading>
          }
        />
        <Route
          path="/settings"
          element={
            <Loading>
              <SettingsPage />
            </Loading>
          }
        />
      </Route>
      <Route
        path="/console/*"
        element={
          <Loading>
            <ConsoleApp />
          </Loading>
        }
      />
      <Route path="*" element={<Navigate to="/mail" replace />} />
    </Routes>
  );
}
