/** The console's home: who you are, your unit and roles, and the sections open to you. */
import { Card, Descriptions, Typography } from 'antd';
import { Link } from 'react-router';
import { useI18n } from '../../i18n/index.js';
import { useConsoleMe } from '../console-app.js';
import { CONSOLE_PAGES } from '../console-pages.js';

export default function HomePage() {
  const { t } = useI18n();
  const me = useConsoleMe();
  const actions = new Set(me.actions);
  const pages = CONSOLE_PAGES.filter((p) => p.path !== '' && p.menu !== false && (p.action === null || actions.has(p.action)));
  return (
    <div className="console-page">
      <Typography.Title level={3}>{t('console.home.welcome', { name: me.account.displayName })}</Typography.Title>
      <Descriptions bordered size="small" column={1}>
        <Descriptions.Item label={t('console.home.address')}>{me.account.address}</Descriptions.Item>
        <Descriptions.Item label={t('console.home.unit')}>{me.account.unitName}</Descriptions.Item>
        <Descriptions.Item label={t('console.home.roles')}>{me.account.roles.map((r) => t(`console.role.${r}`)).join(' · ')}</Descriptions.Item>
      </Descriptions>
      <div className="console-home-cards">
        {pages.map((page) => (
          <Link key={page.path} to={`/console/${page.path}`}>
            <Card hoverable size="small">
              {page.icon} {t(page.label)}
            </Card>
          </Link>
        ))}
      </div>
    </div>
  );
}
