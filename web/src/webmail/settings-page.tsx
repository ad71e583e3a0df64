/**
 * Settings (a lazy chunk): display name, signature and language; the out-of-office reply; the
 * password change with the policy explained beside the form (SPEC Art. 4.1), whose violations
 * come back as field issues and are shown under the field; 安全设置 (TOTP, app passwords,
 * sessions, sign-in history: security-settings.tsx). The tab is in the URL (`?tab=`).
 */
import { ArrowLeftOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, DatePicker, Form, Input, Result, Select, Spin, Switch, Tabs, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { SettingsView } from '../../../common/schemas/webmail.js';
import { api } from '../api/client.js';
import { queryKeys } from '../api/query-keys.js';
import { RichTextEditor } from '../components/rich-text-editor.js';
import { useSession } from '../hooks/use-session.js';
import { useI18n, type Locale } from '../i18n/index.js';
import { DeactivationSettings } from './deactivation-settings.js';
import { PasswordChangeForm, PasswordPolicy } from './password-change-form.js';
import { SecuritySettings } from './security-settings.js';
import { SmKeySettings } from './sm-key-settings.js';

export default function SettingsPage() {
  const { t, errorText } = useI18n();
  const navigate = useNavigate();
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => api.settings() });
  // The tab is in the URL (?tab=password), so the expiry banner can link to the form.
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'profile';

  if (settings.error) return <Result status="warning" title={t('common.loadFailed')} subTitle={errorText(settings.error)} />;
  if (!settings.data) {
    return (
      <div className="boot" role="status">
        <Spin />
        <span>{t('app.loading')}</span>
      </div>
    );
  }
  return (
    <div className="settings">
      <div className="settings-head">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/mail')}>
          {t('settings.back')}
        </Button>
        <Typography.Title level={1} className="settings-title">
          {t('settings.title')}
        </Typography.Title>
      </div>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'profile' ? {} : { tab: key }, { replace: true })}
        items={[
          { key: 'profile', label: t('settings.profile'), children: <ProfileForm settings={settings.data} /> },
          { key: 'auto-reply', label: t('settings.autoReply'), children: <AutoReplyForm settings={settings.data} /> },
          { key: 'password', label: t('settings.password'), children: <PasswordForm policy={settings.data.passwordPolicy} /> },
          { key: 'security', label: t('security.title'), children: <SecuritySettings /> },
          { key: 'deactivation', label: t('deact.self.title'), children: <DeactivationSettings /> },
          { key: 'sm-key', label: t('smcrypto.tab'), children: <SmKeySettings /> },
        ]}
      />
    </div>
  );
}

function useSave() {
  const { t, errorText } = useI18n();
  const queryClient = useQueryClient();
  const { message } = App.useApp();
  return useMutation({
    mutationFn: (update: Parameters<typeof api.updateSettings>[0]) => api.updateSettings(update),
    onSuccess: (view) => {
      queryClient.setQueryData(queryKeys.settings, view);
      void message.success(t('settings.saved'));
    },
    onError: (err) => void message.error(errorText(err)),
  });
}

function ProfileForm({ settings }: { settings: SettingsView }) {
  const { t, setLocale } = useI18n();
  const { refresh } = useSession();
  const save = useSave();
  const [displayName, setDisplayName] = useState(settings.displayName);
  const [language, setLanguage] = useState<Locale>(settings.language);
  const [signature, setSignature] = useState(settings.signatureHtml);

  return (
    <Card className="settings-card">
      <Form
        layout="vertical"
        onFinish={async () => {
          await save.mutateAsync({ displayName: displayName.trim(), signatureHtml: signature, language });
          setLocale(language);
          await refresh();
        }}
      >
        <Form.Item label={t('settings.displayName')} htmlFor="settings-name" required>
          <Input id="settings-name" value={displayName} maxLength={100} onChange={(e) => setDisplayName(e.target.value)} />
        </Form.Item>
        <Form.Item label={t('language.label')} htmlFor="settings-language">
          <Select
            id="settings-language"
            value={language}
            onChange={setLanguage}
            options={[
              { value: 'zh-CN', label: '简体中文' },
              { value: 'en', label: 'English' },
            ]}
          />
        </Form.Item>
        <Form.Item label={<span id="settings-signature-label">{t('settings.signature')}</span>}>
          <RichTextEditor initialHtml={settings.signatureHtml} onChange={setSignature} label={t('settings.signature')} labelledBy="settings-signature-label" minHeight={100} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending} disabled={displayName.trim() === ''}>
          {t('settings.save')}
        </Button>
      </Form>
    </Card>
  );
}

function AutoReplyForm({ settings }: { settings: SettingsView }) {
  const { t } = useI18n();
  const save = useSave();
  const [value, setValue] = useState(settings.autoReply);
  const range: [Dayjs | null, Dayjs | null] = [value.from ? dayjs(value.from) : null, value.until ? dayjs(value.until) : null];

  return (
    <Card className="settings-card">
      <Alert type="info" showIcon title={t('settings.autoReplyNote')} className="settings-note" />
      <Form layout="vertical" onFinish={() => save.mutate({ autoReply: value })}>
        <Form.Item label={t('settings.autoReplyEnabled')} htmlFor="auto-reply-enabled">
          <Switch id="auto-reply-enabled" checked={value.enabled} onChange={(enabled) => setValue({ ...value, enabled })} />
        </Form.Item>
        <Form.Item label={t('settings.autoReplyPeriod')}>
          <DatePicker.RangePicker
            aria-label={t('settings.autoReplyPeriod')}
            value={range}
            allowEmpty={[true, true]}
            onChange={(v) => setValue({ ...value, from: v?.[0] ? v[0].format('YYYY-MM-DD') : null, until: v?.[1] ? v[1].format('YYYY-MM-DD') : null })}
          />
        </Form.Item>
        <Form.Item label={t('settings.autoReplySubject')} htmlFor="auto-reply-subject">
          <Input id="auto-reply-subject" value={value.subject} maxLength={200} onChange={(e) => setValue({ ...value, subject: e.target.value })} />
        </Form.Item>
        <Form.Item label={t('settings.autoReplyBody')} htmlFor="auto-reply-body">
          <Input.TextArea id="auto-reply-body" value={value.body} maxLength={10_000} autoSize={{ minRows: 4, maxRows: 12 }} onChange={(e) => setValue({ ...value, body: e.target.value })} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('settings.save')}
        </Button>
      </Form>
    </Card>
  );
}

function PasswordForm({ policy }: { policy: string[] }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <Card className="settings-card settings-password">
      <PasswordPolicy policy={policy} />
      <PasswordChangeForm onChanged={() => void message.success(t('settings.passwordChanged'))} />
    </Card>
  );
}
