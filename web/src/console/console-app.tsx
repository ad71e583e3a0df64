/**
 * The governance console (`/console/*`), one lazy chunk loaded only when a console user opens
 * it: header (back to mail, account), a side menu of the pages the person may use
 * (console-pages.tsx filtered by `/api/console/me`), and the pages' routes.
 */
import { ArrowLeftOutlined, LogoutOutlined, SafetyCertificateOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Dropdown, Layout, Menu, Result } from 'antd';
import { createContext, useContext } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import type { ConsoleMe } from '../../../common/schemas/console.js';
import { api } from '../api/client.js';
import { PageLoading } from '../components/page-loading.js';
import { useSession } from '../hooks/use-session.js';
import { useI18n } from '../i18n/index.js';
import { CONSOLE_PAGES } from './console-pages.js';

const ConsoleMeContext = createContext<ConsoleMe | null>(null);

/** Who is using the console and which policy actions they may take. */
export function useConsoleMe(): ConsoleMe {
  const me = useContext(ConsoleMeContext);
  if (!me) throw new Error('useConsoleMe outside the console');
  return me;
}

export const consoleMeKey = ['console', 'me'] as const;

export default function ConsoleApp() {
  const { t, errorText } = useI18n();
  const { signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const me = useQuery({ queryKey: consoleMeKey, queryFn: () => api.consoleMe(), staleTime: 5 * 60_000 });

  if (me.isPending) return <PageLoading>{null}</PageLoading>;
  if (me.isError || !me.data) {
    return (
      <Result
        status="403"
        title={t('console.noAccess')}
        subTitle={me.error ? errorText(me.error) : undefined}
        extra={
          <Link to="/mail">
            <Button type="primary">{t('console.backToMail')}</Button>
          </Link>
        }
      />
    );
  }

  const actions = new Set(me.data.actions);
  const pages = CONSOLE_PAGES.filter((page) => page.action === null || actions.has(page.action));
  const menuPages = pages.filter((page) => page.menu !== false);
  const here = location.pathname.replace(/^\/console\/?/, '');
  const selected = menuPages
    .filter((p) => (p.path === '' ? here === '' : here === p.path || here.startsWith(`${p.path}/`)))
    .map((p) => p.path || 'home');

  return (
    <ConsoleMeContext.Provider value={me.data}>
      <Layout className="shell console-shell">
        <Layout.Header className="shell-header">
          <Link to="/console" className="brand">
            <SafetyCertificateOutlined />
            <span>{t('console.title')}</span>
          </Link>
          <span className="console-unit">{me.data.account.unitName}</span>
          <div className="header-actions">
            <Link to="/mail" className="console-back">
              <ArrowLeftOutlined /> {t('console.backToMail')}
            </Link>
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'who', label: me.data.account.address, disabled: true },
                  { key: 'roles', label: me.data.account.roles.map((r) => t(`console.role.${r}`)).join(' · '), disabled: true },
                  { type: 'divider' as const },
                  { key: 'signout', icon: <LogoutOutlined />, label: t('header.signOut') },
                ],
                onClick: ({ key }) => {
                  if (key === 'signout') void signOut().then(() => navigate('/'));
                },
              }}
            >
              <Button type="text" className="header-account" icon={<UserOutlined />} aria-label={t('header.account')}>
                <span className="account-name">{me.data.account.displayName}</span>
              </Button>
            </Dropdown>
          </div>
        </Layout.Header>
        <Layout className="shell-body">
          <Layout.Sider width={208} theme="light" className="shell-sider" breakpoint="md" collapsedWidth={0}>
            <Menu
              mode="inline"
              aria-label={t('console.menu.label')}
              selectedKeys={selected}
              items={menuPages.map((page) => ({ key: page.path || 'home', icon: page.icon, label: <Link to={`/console/${page.path}`}>{t(page.label)}</Link> }))}
            />
          </Layout.Sider>
          <Layout.Content className="console-content">
            <Routes>
              {pages.map((page) => (
                <Route
                  key={page.path || 'home'}
                  path={page.path === '' ? undefined : page.path}
                  index={page.path === '' ? true : undefined}
                  element={
                    <PageLoading>
                      <page.component />
                    </PageLoading>
                  }
                />
              ))}
              <Route path="*" element={<Navigate to="/console" replace />} />
            </Routes>
          </Layout.Content>
        </Layout>
      </Layout>
    </ConsoleMeContext.Provider>
  );
}
