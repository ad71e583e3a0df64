/**
 * Pages anyone may open without signing in (SPEC Art. 2): the application form, the status
 * look-up by tracking code, activation by one-time link, and the administrator's password reset
 * link (SPEC Art. 4.1). A lazy chunk of its own.
 */
import { MailOutlined } from '@ant-design/icons';
import { Layout } from 'antd';
import { lazy } from 'react';
import { Link, Route, Routes } from 'react-router';
import { LanguageSwitch } from '../components/language-switch.js';
import { PageLoading } from '../components/page-loading.js';
import { useI18n } from '../i18n/index.js';

const ApplyPage = lazy(() => import('./apply-page.js'));
const ApplicationStatusPage = lazy(() => import('./application-status-page.js'));
const ActivatePage = lazy(() => import('./activate-page.js'));
const ResetPage = lazy(() => import('./reset-page.js'));

export default function PublicRoutes() {
  const { t } = useI18n();
  return (
    <Layout className="shell public-shell">
      <Layout.Header className="shell-header">
        <Link to="/" className="brand">
          <MailOutlined aria-hidden />
          <span>{t('app.title')}</span>
        </Link>
        <div className="header-actions">
          <LanguageSwitch />
        </div>
      </Layout.Header>
      <Layout.Content className="public-content" id="main">
        <PageLoading>
          <Routes>
            <Route path="/apply" element={<ApplyPage />} />
            <Route path="/apply/status" element={<ApplicationStatusPage />} />
            <Route path="/activate/:token" element={<ActivatePage />} />
            <Route path="/reset/:token" element={<ResetPage />} />
          </Routes>
        </PageLoading>
      </Layout.Content>
    </Layout>
  );
}
