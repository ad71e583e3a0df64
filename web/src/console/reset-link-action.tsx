/**
 * 发送重置链接 on the account page (SPEC Art. 4.1: administrators never see a password, only send
 * a reset). Asks for the reason (audited), then shows the one-time link ONCE to hand over by
 * another channel — the person may be locked out of their mailbox; a notice with the same link
 * went to their INBOX. Shown only when the policy allows `account.reset_password` on this account.
 */
import { Alert, App, Button, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import type { ResetLinkView } from '../../../common/schemas/password-reset.js';
import { passwordResetApi } from '../api/password-reset.js';
import { useI18n } from '../i18n/index.js';
import { formatMillis } from '../i18n/millis.js';

/** States in which the person can use a reset (the server checks again). */
const RESETTABLE = new Set(['active', 'locked', 'suspended', 'deactivating']);

export function ResetLinkAction({ account }: { account: { address: string; state: string; allowed: readonly string[] } }) {
  const { t, errorText } = useI18n();
  const { message } = App.useApp();
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [link, setLink] = useState<ResetLinkView | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  if (!account.allowed.includes('account.reset_password') || !RESETTABLE.has(account.state)) return null;

  const submit = async () => {
    const { reason } = await form.validateFields();
    setBusy(true);
    try {
      setLink(await passwordResetApi.sendLink(account.address, reason));
      setAsking(false);
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        onClick={() => {
          form.resetFields();
          setAsking(true);
        }}
        data-action="password-reset"
      >
        {t('reset.console.send')}
      </Button>
      <Modal open={asking} title={t('reset.console.send')} onCancel={() => setAsking(false)} onOk={() => void submit()} okText={t('reset.console.sendOk')} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden>
        <Typography.Paragraph type="secondary">{t('reset.console.explain', { address: account.address })}</Typography.Paragraph>
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="reason" label={t('deact.reason')} extra={t('deact.reasonHint')} rules={[{ required: true, whitespace: true, min: 2, message: t('deact.reasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        </Form>
      </Modal>
      {link && <ResetLinkResult address={link.address} link={link} onClose={() => setLink(null)} />}
    </>
  );
}

/** The link, shown once (also after the incident action "force password reset"). */
export function ResetLinkResult({ address, link, onClose }: { address: string; link: Omit<ResetLinkView, 'address'>; onClose(): void }) {
  const { t, locale } = useI18n();
  // The link on this very host (the configured public URL may differ in development).
  const here = `${window.location.origin}${link.path}`;
  return (
    <Modal open title={t('reset.console.linkTitle')} onOk={onClose} onCancel={onClose} cancelButtonProps={{ className: 'hidden-button' }} okText={t('reset.console.closeOnce')}>
      <Typography.Paragraph>{t('reset.console.handOver', { address, until: formatMillis(locale, link.expiresAt) })}</Typography.Paragraph>
      <Typography.Paragraph>{link.mailed ? t('reset.console.mailed') : t('reset.console.notMailed')}</Typography.Paragraph>
      <Typography.Paragraph copyable={{ text: link.url }} className="activation-link" data-testid="reset-link">
        {link.url}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary" copyable={{ text: here }} data-testid="reset-link-here">
        {t('console.link.local')} {here}
      </Typography.Paragraph>
      <Alert type="warning" showIcon title={t('reset.console.once')} />
    </Modal>
  );
}
