/**
 * Shows a freshly issued activation link to the administrator, to hand over to the person (the
 * applicant has no mailbox yet); the unit's administrators also received it by mail.
 */
import { Modal, Typography } from 'antd';
import type { ActivationLinkView } from '../../../common/schemas/onboarding.js';
import { useI18n } from '../i18n/index.js';
import { formatMillis } from '../i18n/millis.js';

/** The link on this very host (the configured public URL may differ in development). */
export function linkHere(activation: ActivationLinkView): string {
  return `${window.location.origin}${activation.path}`;
}

export function ActivationLinkResult({ address, activation, onClose }: { address: string; activation: ActivationLinkView; onClose(): void }) {
  const { t, locale } = useI18n();
  return (
    <Modal open title={t('console.link.title')} onOk={onClose} onCancel={onClose} cancelButtonProps={{ className: 'hidden-button' }}>
      <Typography.Paragraph>{t('console.link.handOver', { address, until: formatMillis(locale, activation.expiresAt) })}</Typography.Paragraph>
      <Typography.Paragraph copyable={{ text: activation.url }} className="activation-link" data-testid="activation-link">
        {activation.url}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary" copyable={{ text: linkHere(activation) }}>
        {t('console.link.local')} {linkHere(activation)}
      </Typography.Paragraph>
    </Modal>
  );
}
