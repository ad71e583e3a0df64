/**
 * The console's pages, one line each. An entry appears in the side menu when the signed-in
 * person may take its policy `action` (server/governance/policy.ts, delivered by
 * `/api/console/me`); the server still authorises every request itself. Pages are lazy chunks:
 * neither the webmail nor the console's first paint loads a page not opened.
 *
 * To add a page: write `pages/<name>-page.tsx` with a default export, add one line here and its
 * menu label to the i18n dictionaries. `menu: false` routes a page without a menu entry (details).
 */
import { AlertOutlined, ApartmentOutlined, KeyOutlined, StopOutlined, SafetyOutlined, AuditOutlined, FilterOutlined, HomeOutlined, SendOutlined, TeamOutlined, UploadOutlined, UserDeleteOutlined } from '@ant-design/icons';
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import type { MessageKey } from '../i18n/index.js';

export interface ConsolePage {
  /** Under /console; `''` is the console's home. */
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Policy action that makes the entry visible; null: every console user. */
  action: string | null;
  component: LazyExoticComponent<ComponentType>;
  /** False: routed, not in the menu (a detail page). */
  menu?: boolean;
}

export const CONSOLE_PAGES: ConsolePage[] = [
  { path: '', label: 'console.menu.home', icon: <HomeOutlined />, action: null, component: lazy(() => import('./pages/home-page.js')) },
  { path: 'deactivations', label: 'deact.menu', icon: <UserDeleteOutlined />, action: 'account.deactivate_complete', component: lazy(() => import('./pages/deactivations-page.js')) },
  { path: 'deactivations/:id', label: 'deact.menu', icon: <UserDeleteOutlined />, action: 'account.deactivate_complete', component: lazy(() => import('./pages/deactivation-detail-page.js')), menu: false },
  { path: 'outbound-holds', label: 'console.menu.outboundHolds', icon: <AuditOutlined />, action: 'outbound.review', component: lazy(() => import('./pages/outbound-holds-page.js')) },
  { path: 'content-rules', label: 'console.menu.contentRules', icon: <FilterOutlined />, action: 'outbound.rules', component: lazy(() => import('./pages/content-rules-page.js')) },
  { path: 'outbound-queue', label: 'console.menu.outboundQueue', icon: <SendOutlined />, action: 'outbound.manage', component: lazy(() => import('./pages/outbound-queue-page.js')) },
  { path: 'applications', label: 'console.menu.applications', icon: <AuditOutlined />, action: 'application.review', component: lazy(() => import('./pages/applications-page.js')) },
  { path: 'applications/:id', label: 'console.menu.applications', icon: null, action: 'application.review', component: lazy(() => import('./pages/application-detail-page.js')), menu: false },
  { path: 'accounts', label: 'console.menu.accounts', icon: <TeamOutlined />, action: 'account.view', component: lazy(() => import('./pages/accounts-page.js')) },
  { path: 'accounts/:id', label: 'console.menu.accounts', icon: null, action: 'account.view', component: lazy(() => import('./pages/account-detail-page.js')), menu: false },
  { path: 'import', label: 'console.menu.import', icon: <UploadOutlined />, action: 'account.bulk_import', component: lazy(() => import('./pages/import-page.js')) },
  { path: 'units', label: 'console.menu.units', icon: <ApartmentOutlined />, action: 'unit.manage', component: lazy(() => import('./pages/units-page.js')) },
  { path: 'quarantine', label: 'console.menu.quarantine', icon: <SafetyOutlined />, action: 'security.quarantine', component: lazy(() => import('./pages/quarantine-page.js')) },
  { path: 'incidents', label: 'incident.console.menu', icon: <AlertOutlined />, action: 'security.incidents_view', component: lazy(() => import('./pages/incidents-page.js')) },
  { path: 'incidents/:id', label: 'incident.console.menu', icon: <AlertOutlined />, action: 'security.incidents_view', component: lazy(() => import('./pages/incident-detail-page.js')), menu: false },
  { path: 'password-policy', label: 'policy.menu', icon: <KeyOutlined />, action: 'settings.password_policy', component: lazy(() => import('./pages/password-policy-page.js')) },
  { path: 'sender-blocks', label: 'blocks.menu', icon: <StopOutlined />, action: 'security.incidents_view', component: lazy(() => import('./pages/sender-blocks-page.js')) },
];

