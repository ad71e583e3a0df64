/**
 * 安全设置 (SPEC Art. 4.1, NAME=selfservice), a tab of the settings page: two-step verification
 * (enrol with a QR code or the secret, confirm with a code, the ten recovery codes shown once;
 * disable with the password), app passwords for mail clients (shown once), the person's web
 * sessions with revoke, and their own sign-in history. Times in Asia/Shanghai.
 *
 * The QR code is drawn here from the otpauth URI (antd QRCode on a canvas): the server's SVG data
 * URL would be an image from `data:`, which the page's CSP (img-src 'self') refuses.
 */
import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Popconfirm, QRCode, Result, Space, Spin, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../../common/errors.js';
import type { AppPasswordView, CreatedAppPassword, SignInRecord, TotpSetup, WebSessionView } from '../../../common/schemas/security.js';
import { securityApi, securityKeys } from '../api/security.js';
import { useSession } from '../hooks/use-session.js';
import { useI18n, type MessageKey } from '../i18n/index.js';
import { formatMillis } from '../i18n/millis.js';

export function SecuritySettings() {
  return (
    <div className="security-settings">
      <TotpCard />
      <AppPasswordsCard />
      <SessionsCard />
      <SignInsCard />
    </div>
  );
}

function Loading() {
  const { t } = useI18n();
  return (
    <div className="boot" role="status">
      <Spin />
      <span>{t('app.loading')}</span>
    </div>
  );
}

async function copy(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

// ── two-step verification ────────────────────────────────────────────────────────────────

function TotpCard() {
  const { t, errorText } = useI18n();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const status = useQuery({ queryKey: securityKeys.totp, queryFn: () => securityApi.totpStatus() });
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [disableOpen, setDisableOpen] = useState(false);

  const start = useMutation({ mutationFn: () => securityApi.totpSetup(), onSuccess: setSetup, onError: (err) => void message.error(errorText(err)) });

  return (
    <Card className="settings-card security-card" title={<h2 className="card-heading">{t('security.totp.title')}</h2>}>
      {status.error ? (
        <Alert type="warning" showIcon title={errorText(status.error)} />
      ) : !status.data ? (
        <Loading />
      ) : status.data.enabled ? (
        <>
          <p>
            <Tag color="success">{t('security.totp.on')}</Tag> {t('security.totp.codesLeft', { n: status.data.recoveryCodesLeft })}
          </p>
          <Alert type="info" showIcon className="settings-note" title={t('security.totp.clientsNote')} />
          <Button danger onClick={() => setDisableOpen(true)}>
            {t('security.totp.disable')}
          </Button>
        </>
      ) : setup ? (
        <TotpEnrol
          setup={setup}
          onCancel={() => setSetup(null)}
          onConfirmed={(recoveryCodes) => {
            setSetup(null);
            setCodes(recoveryCodes);
            void queryClient.invalidateQueries({ queryKey: securityKeys.totp });
          }}
        />
      ) : (
        <>
          <p>
            <Tag>{t('security.totp.off')}</Tag> {t('security.totp.explain')}
          </p>
          <Alert type="info" showIcon className="settings-note" title={t('security.totp.clientsNote')} />
          <Button type="primary" loading={start.isPending} onClick={() => start.mutate()}>
            {t('security.totp.enable')}
          </Button>
        </>
      )}
      {codes && <RecoveryCodesModal codes={codes} onDone={() => setCodes(null)} />}
      {disableOpen && <DisableTotpModal onClose={() => setDisableOpen(false)} />}
    </Card>
  );
}

function TotpEnrol({ setup, onCancel, onConfirmed }: { setup: TotpSetup; onCancel(): void; onConfirmed(codes: string[]): void }) {
  const { t, errorText } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ code: string }>();
  const confirm = useMutation({
    mutationFn: (code: string) => securityApi.totpConfirm(code),
    onSuccess: onConfirmed,
    onError: (err) => {
      if (err instanceof ApiError && err.code === 'validation') form.setFields([{ name: 'code', errors: [errorText(err)] }]);
      else void message.error(errorText(err));
    },
  });
  // Shown in groups of four for reading aloud or typing; authenticator apps ignore the spaces.
  const grouped = setup.secret.replace(/(.{4})/g, '$1 ').trim();

  return (
    <div className="totp-enrol">
      <ol className="totp-steps">
        <li>{t('security.totp.step1')}</li>
        <li>
          {t('security.totp.step2')}
          <div className="totp-qr">
            <QRCode value={setup.uri} size={176} bordered={false} aria-label={t('security.totp.qr')} />
          </div>
          <div>
            {t('security.totp.manual')}{' '}
            <Typography.Text code copyable={{ text: setup.secret }} className="totp-secret" data-secret={setup.secret}>
              {grouped}
            </Typography.Text>
          </div>
        </li>
        <li>{t('security.totp.step3')}</li>
      </ol>
      <Form form={form} name="totp-confirm" layout="inline" onFinish={(values) => confirm.mutate(values.code.replace(/\s/g, ''))} requiredMark={false}>
        <Form.Item name="code" label={t('security.totp.code')} rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: t('security.totp.codeFormat') }]}>
          <Input inputMode="numeric" autoComplete="one-time-code" maxLength={8} className="totp-code-input" />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={confirm.isPending}>
            {t('security.totp.confirm')}
          </Button>
          <Button onClick={onCancel}>{t('security.cancel')}</Button>
        </Space>
      </Form>
    </div>
  );
}

function RecoveryCodesModal({ codes, onDone }: { codes: string[]; onDone(): void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { session } = useSession();
  const [saved, setSaved] = useState(false);
  const text = `${t('security.recovery.fileHeader', { address: session.account.address })}\n\n${codes.join('\n')}\n`;

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `govmail-recovery-codes-${session.account.address.split('@')[0]}.txt`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  return (
    <Modal
      open
      title={t('security.recovery.title')}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      footer={
        <Button type="primary" disabled={!saved} onClick={onDone}>
          {t('security.recovery.done')}
        </Button>
      }
    >
      <Alert type="warning" showIcon className="settings-note" title={t('security.recovery.once')} />
      <ol className="recovery-codes" aria-label={t('security.recovery.title')}>
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <Space wrap>
        <Button icon={<CopyOutlined />} onClick={async () => void ((await copy(codes.join('\n'))) ? message.success(t('security.copied')) : message.error(t('security.copyFailed')))}>
          {t('security.recovery.copy')}
        </Button>
        <Button icon={<DownloadOutlined />} onClick={download}>
          {t('security.recovery.download')}
        </Button>
      </Space>
      <div className="recovery-ack">
        <Checkbox checked={saved} onChange={(e) => setSaved(e.target.checked)}>
          {t('security.recovery.ack')}
        </Checkbox>
      </div>
    </Modal>
  );
}

function DisableTotpModal({ onClose }: { onClose(): void }) {
  const { t, errorText } = useI18n();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string }>();
  const disable = useMutation({
    mutationFn: (password: string) => securityApi.totpDisable(password),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: securityKeys.totp });
      void message.success(t('security.totp.disabled'));
      onClose();
    },
    onError: (err) => {
      if (err instanceof ApiError && err.issues?.length) form.setFields([{ name: 'password', errors: err.issues.map((i) => i.message) }]);
      else void message.error(errorText(err));
    },
  });
  return (
    <Modal open title={t('security.totp.disableTitle')} okText={t('security.totp.disable')} okButtonProps={{ danger: true, loading: disable.isPending }} cancelText={t('security.cancel')} onOk={() => form.submit()} onCancel={onClose}>
      <p>{t('security.totp.disableExplain')}</p>
      <Form form={form} name="totp-disable" layout="vertical" onFinish={(values) => disable.mutate(values.password)} requiredMark={false}>
        <Form.Item name="password" label={t('settings.currentPassword')} rules={[{ required: true, message: t('settings.currentPassword') }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

// ── app passwords ────────────────────────────────────────────────────────────────────────

function AppPasswordsCard() {
  const { t, locale, errorText } = useI18n();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  const list = useQuery({ queryKey: securityKeys.appPasswords, queryFn: () => securityApi.appPasswords() });
  const [form] = Form.useForm<{ name: string }>();
  const [created, setCreated] = useState<CreatedAppPassword | null>(null);

  const create = useMutation({
    mutationFn: (name: string) => securityApi.createAppPassword(name),
    onSuccess: (view) => {
      form.resetFields();
      setCreated(view);
      void queryClient.invalidateQueries({ queryKey: securityKeys.appPasswords });
    },
    onError: (err) => {
      if (err instanceof ApiError && err.code === 'validation') form.setFields([{ name: 'name', errors: [errorText(err)] }]);
      else void message.error(errorText(err));
    },
  });
  const revoke = useRevoke((id: number) => securityApi.revokeAppPassword(id), 'security.app.revoked', securityKeys.appPasswords);

  return (
    <Card className="settings-card security-card" title={<h2 className="card-heading">{t('security.app.title')}</h2>}>
      <p>{t('security.app.explain')}</p>
      <Form form={form} name="app-password" layout="inline" className="app-password-form" onFinish={(values) => create.mutate(values.name.trim())} requiredMark={false}>
        <Form.Item name="name" label={t('security.app.name')} rules={[{ required: true, whitespace: true, message: t('security.app.nameRequired') }]}>
          <Input maxLength={60} placeholder={t('security.app.namePlaceholder')} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('security.app.create')}
        </Button>
      </Form>
      {list.error ? (
        <Alert type="warning" showIcon title={errorText(list.error)} />
      ) : (
        <Table<AppPasswordView>
          className="app-password-table"
          size="small"
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data ?? []}
          scroll={{ x: 'max-content' }}
          pagination={false}
          locale={{ emptyText: t('security.app.empty') }}
          columns={[
            { title: t('security.app.name'), dataIndex: 'name' },
            { title: t('security.createdAt'), dataIndex: 'createdAt', render: (v: number) => formatMillis(locale, v) },
            {
              title: t('security.app.lastUsed'),
              key: 'lastUsed',
              render: (_: unknown, r) => (r.lastUsedAt ? `${formatMillis(locale, r.lastUsedAt)}${r.lastUsedProtocol ? ` · ${r.lastUsedProtocol.toUpperCase()}` : ''}` : t('security.app.neverUsed')),
            },
            {
              title: t('security.actions'),
              key: 'actions',
              render: (_: unknown, r) => (
                <Popconfirm title={t('security.app.revokeConfirm', { name: r.name })} okText={t('security.revoke')} cancelText={t('security.cancel')} okButtonProps={{ danger: true }} onConfirm={() => revoke.mutateAsync(r.id)}>
                  <Button danger size="small" aria-label={`${t('security.revoke')} ${r.name}`}>
                    {t('security.revoke')}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      )}
      {created && (
        <Modal
          open
          title={t('security.app.createdTitle', { name: created.name })}
          onCancel={() => setCreated(null)}
          footer={
            <Button type="primary" onClick={() => setCreated(null)}>
              {t('security.app.createdDone')}
            </Button>
          }
        >
          <Alert type="warning" showIcon className="settings-note" title={t('security.app.once')} />
          <p className="app-password-secret">
            <Typography.Text code copyable={{ text: created.password }} className="app-password-value">
              {created.password}
            </Typography.Text>
          </p>
          <p>{t('security.app.howTo')}</p>
        </Modal>
      )}
    </Card>
  );
}

// ── web sessions ─────────────────────────────────────────────────────────────────────────

/** A short, readable name for a browser from its User-Agent. */
export function clientName(userAgent: string | null): string {
  if (!userAgent) return '—';
  // A mail client's IMAP ID (RFC 2971) as recorded in the audit: `name=Foxmail; version=7.2; …`.
  const name = /(?:^|;\s*)name=([^;]+)/.exec(userAgent)?.[1]?.trim();
  if (name) {
    const version = /(?:^|;\s*)version=([^;]+)/.exec(userAgent)?.[1]?.trim();
    return version ? `${name} ${version}` : name;
  }
  const browser = /Edg\//.test(userAgent) ? 'Edge' : /Firefox\//.test(userAgent) ? 'Firefox' : /(Chrome|Chromium)\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : null;
  const os = /Windows/.test(userAgent) ? 'Windows' : /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : null;
  if (browser && os) return `${browser} · ${os}`;
  return browser ?? os ?? userAgent.slice(0, 60);
}

/** Revoking an app password or a session: the same confirmation toast, refresh and error path. */
function useRevoke<Id>(revoke: (id: Id) => Promise<unknown>, done: MessageKey, queryKey: readonly unknown[]) {
  const { t, errorText } = useI18n();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: revoke,
    onSuccess: () => {
      void message.success(t(done));
      void queryClient.invalidateQueries({ queryKey });
    },
    onError: (err) => void message.error(errorText(err)),
  });
}

function SessionsCard() {
  const { t, locale, errorText } = useI18n();
  const list = useQuery({ queryKey: securityKeys.sessions, queryFn: () => securityApi.sessions() });
  const revoke = useRevoke((id: string) => securityApi.revokeSession(id), 'security.sessions.revoked', securityKeys.sessions);
  return (
    <Card className="settings-card security-card" title={<h2 className="card-heading">{t('security.sessions.title')}</h2>}>
      <p>{t('security.sessions.explain')}</p>
      {list.error ? (
        <Alert type="warning" showIcon title={errorText(list.error)} />
      ) : (
        <Table<WebSessionView>
          className="session-table"
          size="small"
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data ?? []}
          scroll={{ x: 'max-content' }}
          pagination={false}
          columns={[
            { title: t('security.client'), dataIndex: 'userAgent', render: (v: string | null, r) => (
              <span title={v ?? undefined}>
                {clientName(v)} {r.current && <Tag color="blue">{t('security.sessions.current')}</Tag>}
              </span>
            ) },
            { title: 'IP', dataIndex: 'ip', render: (v: string | null) => v ?? '—' },
            { title: t('security.sessions.signedInAt'), dataIndex: 'createdAt', render: (v: number) => formatMillis(locale, v) },
            { title: t('security.sessions.lastActive'), dataIndex: 'lastSeenAt', render: (v: number) => formatMillis(locale, v) },
            {
              title: t('security.actions'),
              key: 'actions',
              render: (_: unknown, r) =>
                r.current ? null : (
                  <Popconfirm title={t('security.sessions.revokeConfirm')} okText={t('security.revoke')} cancelText={t('security.cancel')} okButtonProps={{ danger: true }} onConfirm={() => revoke.mutateAsync(r.id)}>
                    <Button danger size="small">
                      {t('security.sessions.revoke')}
                    </Button>
                  </Popconfirm>
                ),
            },
          ]}
        />
      )}
    </Card>
  );
}

// ── sign-in history ──────────────────────────────────────────────────────────────────────

function SignInsCard() {
  const { t, locale, errorText } = useI18n();
  const list = useQuery({ queryKey: securityKeys.signIns, queryFn: () => securityApi.signIns() });
  const outcome = (v: string) => (v === 'success' ? <Tag color="success">{t('security.signIns.success')}</Tag> : <Tag color="error">{t('security.signIns.failure')}</Tag>);
  return (
    <Card className="settings-card security-card" title={<h2 className="card-heading">{t('security.signIns.title')}</h2>}>
      <p>{t('security.signIns.explain')}</p>
      {list.error ? (
        <Result status="warning" title={errorText(list.error)} />
      ) : (
        <Table<SignInRecord>
          className="sign-in-table"
          size="small"
          rowKey={(r) => `${r.at}-${r.protocol}-${r.ip}-${r.outcome}`}
          loading={list.isPending}
          dataSource={list.data ?? []}
          scroll={{ x: 'max-content' }}
          pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
          columns={[
            { title: t('security.signIns.at'), dataIndex: 'at', render: (v: number) => formatMillis(locale, v) },
            { title: t('security.signIns.protocol'), dataIndex: 'protocol', render: (v: string | null) => (v ? (v === 'web' ? t('security.signIns.web') : v.toUpperCase()) : '—') },
            { title: 'IP', dataIndex: 'ip', render: (v: string | null) => v ?? '—' },
            { title: t('security.client'), dataIndex: 'client', render: (v: string | null) => <span title={v ?? undefined}>{clientName(v)}</span> },
            { title: t('security.signIns.outcome'), dataIndex: 'outcome', render: (v: string, r) => <span title={r.reason ?? undefined}>{outcome(v)}</span> },
          ]}
        />
      )}
    </Card>
  );
}
