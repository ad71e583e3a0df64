/**
 * The signed-in frame: header (search, compose, language, account), the folder tree (a drawer
 * on a phone), live updates and the global shortcuts c (compose) and / (search).
 */
import { AlertOutlined, EditOutlined, LogoutOutlined, MailOutlined, MenuOutlined, SafetyCertificateOutlined, SettingOutlined, UserOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Drawer, Dropdown, Input, Layout, type InputRef } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { Link, Outlet, useLocation, useMatch, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client.js';
import { queryKeys } from '../api/query-keys.js';
import { LanguageSwitch } from '../components/language-switch.js';
import { useIsPhone } from '../hooks/use-is-phone.js';
import { useLiveUpdates } from '../hooks/use-live-updates.js';
import { useSession } from '../hooks/use-session.js';
import { useShortcuts } from '../hooks/use-shortcuts.js';
import { useI18n } from '../i18n/index.js';
import { FolderTree } from './folder-tree.js';
import { PasswordExpiryBanner } from './password-expiry-banner.js';

export function MailShell() {
  const { t, locale, setLocale } = useI18n();
  const { session, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const phone = useIsPhone();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const searchBox = useRef<InputRef>(null);
  const mailboxMatch = useMatch('/mail/:mailboxId/*');
  const currentId = mailboxMatch?.params.mailboxId && /^\d+$/.test(mailboxMatch.params.mailboxId) ? Number(mailboxMatch.params.mailboxId) : null;
  const onSearchPage = location.pathname.startsWith('/search');
  const [urlParams] = useSearchParams();
  const [words, setWords] = useState(onSearchPage ? (urlParams.get('q') ?? '') : '');

  useLiveUpdates();

  // The account's language, once per sign-in.
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => api.settings(), staleTime: 5 * 60_000 });
  const appliedLanguage = useRef(false);
  useEffect(() => {
    if (settings.data && !appliedLanguage.current) {
      appliedLanguage.current = true;
      setLocale(settings.data.language);
    }
  }, [settings.data, setLocale]);

  useEffect(() => {
    if (onSearchPage) setWords(urlParams.get('q') ?? '');
  }, [onSearchPage, urlParams]);

  useShortcuts({
    c: () => navigate('/compose'),
    '/': () => searchBox.current?.focus(),
  });

  const search = (value: string) => {
    const next = onSearchPage ? new URLSearchParams(urlParams) : new URLSearchParams();
    const q = value.trim();
    if (q) next.set('q', q);
    else next.delete('q');
    navigate(`/search?${next.toString()}`);
  };

  const tree = <FolderTree currentId={currentId} onNavigate={() => setDrawerOpen(false)} />;
  const composeButton = (
    <Button type="primary" icon={<EditOutlined />} block onClick={() => navigate('/compose')} aria-keyshortcuts="c">
      {t('header.compose')}
    </Button>
  );

  return (
    <Layout className="shell">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <Layout.Header className="shell-header">
        {phone && <Button type="text" className="header-menu" icon={<MenuOutlined />} aria-label={t('header.menu')} aria-expanded={drawerOpen} onClick={() => setDrawerOpen(true)} />}
        <Link to="/mail" className="brand" aria-label={t('app.title')}>
          <MailOutlined aria-hidden />
          <span className="brand-text">{phone ? t('app.shortTitle') : t('app.title')}</span>
        </Link>
        <form
          role="search"
          className="header-search"
          onSubmit={(e) => {
            e.preventDefault();
            search(words);
          }}
        >
          <Input.Search
            ref={searchBox}
            id="search-box"
            value={words}
            onChange={(e) => setWords(e.target.value)}
            onSearch={search}
            placeholder={t('search.placeholder')}
            aria-label={t('search.label')}
            aria-keyshortcuts="/"
            allowClear
            maxLength={200}
          />
        </form>
        <div className="header-actions">
          {phone && <Button type="primary" shape="circle" icon={<EditOutlined />} aria-label={t('header.compose')} onClick={() => navigate('/compose')} />}
          {session.account.roles.some((role) => role !== 'staff') && (
            <Link to="/console" className="console-link" aria-label={t('console.link')}>
              <SafetyCertificateOutlined /> {!phone && t('console.link')}
            </Link>
          )}
          {!phone && <LanguageSwitch onChange={(language) => void api.updateSettings({ language }).catch(() => undefined)} />}
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                { key: 'who', label: session.account.address, disabled: true },
                ...(phone ? [{ key: 'language', label: t('language.switchTo') }] : []),
                { key: 'settings', icon: <SettingOutlined />, label: t('header.settings') },
                { key: 'reports', icon: <AlertOutlined />, label: t('incident.myReports') },
                { type: 'divider' as const },
                { key: 'signout', icon: <LogoutOutlined />, label: t('header.signOut') },
              ],
              onClick: ({ key }) => {
                if (key === 'settings') navigate('/settings');
                else if (key === 'reports') navigate('/reports');
                else if (key === 'signout') void signOut();
                else if (key === 'language') {
                  const next = locale === 'en' ? 'zh-CN' : 'en';
                  setLocale(next);
                  void api.updateSettings({ language: next }).catch(() => undefined);
                }
              },
            }}
          >
            <Button type="text" className="header-account" icon={<UserOutlined />} aria-label={t('header.account')}>
              {!phone && <span className="account-name">{session.account.displayName}</span>}
            </Button>
          </Dropdown>
        </div>
      </Layout.Header>
      <Layout className="shell-body">
        {!phone && (
          <Layout.Sider width={232} theme="light" className="shell-sider">
            <div className="sider-compose">{composeButton}</div>
            {tree}
          </Layout.Sider>
        )}
        {phone && (
          <Drawer open={drawerOpen} placement="left" size={280} title={t('folder.heading')} onClose={() => setDrawerOpen(false)} className="folder-drawer">
            <div className="sider-compose">{composeButton}</div>
            {tree}
          </Drawer>
        )}
        <Layout.Content id="main" className="shell-content" tabIndex={-1}>
          <PasswordExpiryBanner />
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
