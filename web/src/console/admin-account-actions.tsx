/**
 * The administrative actions on one account (SPEC Art. 2 states, Art. 3.6): lock/unlock,
 * suspend/resume, transfer to another unit, change quota, start the deactivation. A button shows
 * only when the policy allows it for this viewer and account (`allowed`, from the server) and the
 * life cycle allows it from the current state (`transitions`); the server checks both again.
 * Every action asks for a reason, which goes into the state history and the audit log.
 */
import { useQuery } from '@tanstack/react-query';
import { App, Button, Form, Input, InputNumber, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { z } from 'zod';
import { consoleUnitSchema } from '../../../common/schemas/onboarding.js';
import { call, required } from '../api/client.js';
import { deactivationApi, type AccountStateAction } from '../api/deactivation.js';
import { useI18n, type MessageKey } from '../i18n/index.js';

export interface AdministeredAccount {
  id: number;
  state: string;
  unitId: number;
  quotaBytes: number;
  /** Policy actions the viewer may take on this account. */
  allowed: readonly string[];
  /** Life-cycle actions legal from its state. */
  transitions: readonly string[];
}

type Dialog = AccountStateAction | 'transfer' | 'quota' | 'request';

const STATE_POLICY: Record<AccountStateAction, string> = { lock: 'account.lock', unlock: 'account.lock', suspend: 'account.suspend', resume: 'account.suspend' };
const MB = 1024 * 1024;

interface DialogValues {
  reason: string;
  unitId?: number;
  quotaMb?: number;
  successorAddress?: string;
}

export function AdminAccountActions({ account, onChanged }: { account: AdministeredAccount; onChanged(): void }) {
  const { t, errorText } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<DialogValues>();
  const units = useQuery({
    queryKey: ['console', 'units'],
    queryFn: async () => required(await call('GET', '/api/console/units', z.array(consoleUnitSchema))),
    enabled: dialog === 'transfer',
  });

  const allowed = new Set(account.allowed);
  const transitions = new Set(account.transitions);
  const closed = account.state === 'deactivated' || account.state === 'purged';
  const show: Record<Dialog, boolean> = {
    lock: allowed.has(STATE_POLICY.lock) && transitions.has('lock'),
    unlock: allowed.has(STATE_POLICY.unlock) && transitions.has('unlock'),
    suspend: allowed.has(STATE_POLICY.suspend) && transitions.has('suspend'),
    resume: allowed.has(STATE_POLICY.resume) && transitions.has('resume'),
    transfer: allowed.has('account.transfer') && !closed,
    quota: allowed.has('account.change_quota') && account.state !== 'purged',
    request: allowed.has('account.deactivate_request') && transitions.has('request_deactivation'),
  };
  const order: Dialog[] = ['lock', 'unlock', 'suspend', 'resume', 'transfer', 'quota', 'request'];

  const open = (which: Dialog) => {
    form.resetFields();
    if (which === 'quota') form.setFieldsValue({ quotaMb: Math.round(account.quotaBytes / MB) });
    setDialog(which);
  };

  const submit = async () => {
    if (!dialog) return;
    const values = await form.validateFields();
    setBusy(true);
    try {
      if (dialog === 'transfer') await deactivationApi.transfer(account.id, values.unitId!, values.reason);
      else if (dialog === 'quota') await deactivationApi.changeQuota(account.id, Math.round(values.quotaMb! * MB), values.reason);
      else if (dialog === 'request') {
        const started = await deactivationApi.requestFor(account.id, { reason: values.reason, successorAddress: values.successorAddress?.trim() || null });
        setDialog(null);
        onChanged();
        void navigate(`/console/deactivations/${started.id}`);
        return;
      } else await deactivationApi.changeState(account.id, dialog, values.reason);
      void message.success(t('deact.done'));
      setDialog(null);
      onChanged();
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const label = (which: Dialog): MessageKey => `deact.action.${which}`;
  const visible = order.filter((which) => show[which]);
  if (visible.length === 0) return null;

  return (
    <Space wrap className="console-actions" data-testid="admin-account-actions">
      {visible.map((which) => (
        <Button key={which} danger={which === 'lock' || which === 'suspend' || which === 'request'} onClick={() => open(which)} data-action={which}>
          {t(label(which))}
        </Button>
      ))}
      <Modal open={dialog !== null} title={dialog ? t(label(dialog)) : ''} onCancel={() => setDialog(null)} onOk={() => void submit()} okText={t('common.ok')} cancelText={t('common.cancel')} confirmLoading={busy} destroyOnHidden>
        <Form form={form} layout="vertical" preserve={false}>
          {dialog === 'transfer' && (
            <Form.Item name="unitId" label={t('deact.targetUnit')} rules={[{ required: true, message: t('deact.targetUnit') }]}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                loading={units.isPending}
                options={(units.data ?? []).filter((u) => u.id !== account.unitId).map((u) => ({ value: u.id, label: u.name }))}
              />
            </Form.Item>
          )}
          {dialog === 'quota' && (
            <Form.Item name="quotaMb" label={t('deact.quotaMb')} rules={[{ required: true, type: 'number', min: 1, message: t('deact.quotaMb') }]}>
              <InputNumber min={1} step={512} className="full-width" />
            </Form.Item>
          )}
          {dialog === 'request' && (
            <Form.Item name="successorAddress" label={t('deact.successor')} extra={t('deact.successorHint')}>
              <Input autoComplete="off" />
            </Form.Item>
          )}
          <Form.Item name="reason" label={t('deact.reason')} extra={t('deact.reasonHint')} rules={[{ required: true, whitespace: true, min: 2, message: t('deact.reasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
