/**
 * The actions slot of the account page. `account.allowed` lists the policy actions the viewer
 * may take on this account and `account.transitions` the life-cycle actions legal from its
 * state; show a button only when both allow it. The onboarding part is the re-issue of an
 * activation link; lock/unlock, suspend, transfer, quota and deactivation belong here too
 * (NAME=deactivation owns this file from here on).
 */
import { App, Button, Space } from 'antd';
import { useState } from 'react';
import type { AccountDetail, ActivationLinkView } from '../../../common/schemas/onboarding.js';
import { onboardingApi } from '../api/onboarding.js';
import { useI18n } from '../i18n/index.js';
import { ActivationLinkResult } from './activation-link.js';
import { AdminAccountActions } from './admin-account-actions.js';
import { ResetLinkAction } from './reset-link-action.js';

export function AccountActions({ account, onChanged }: { account: AccountDetail; onChanged(): void }) {
  const { t, errorText } = useI18n();
  const { message } = App.useApp();
  const [link, setLink] = useState<ActivationLinkView | null>(null);
  const [busy, setBusy] = useState(false);
  const may = (policy: string, transition: string) => account.allowed.includes(policy) && account.transitions.includes(transition);

  const reissue = async () => {
    setBusy(true);
    try {
      const [result] = (await onboardingApi.reissueActivation([account.id])).results;
      if (result?.activation) setLink(result.activation);
      else void message.error(result?.error ?? t('common.loadFailed'));
      onChanged();
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space wrap className="console-actions" data-testid="account-actions">
      {may('account.reissue_activation', 'reissue_activation') && (
        <Button loading={busy} onClick={() => void reissue()}>
          {t('console.accounts.reissueOne')}
        </Button>
      )}
      <AdminAccountActions account={account} onChanged={onChanged} />
      <ResetLinkAction account={account} />
      {link && <ActivationLinkResult address={account.address} activation={link} onClose={() => setLink(null)} />}
    </Space>
  );
}
