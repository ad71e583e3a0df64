/**
 * One incident for the security officer (SPEC Art. 4.3): what was reported, timers, the
 * life-cycle buttons the state allows, the response actions (remove the message from every
 * mailbox, block the sender, force a password reset, revoke sessions, lock the account) — each
 * asks for a reason — and the timeline. The auditor sees the same page without any button.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Select, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import type { IncidentDetail } from '../../../../common/schemas/incidents.js';
import { incidentsApi, type AccountIncidentAction } from '../../api/incidents.js';
import { INCIDENT_STATE_COLORS } from '../../components/incident-marks.js';
import { formatDateTime } from '../../i18n/format.js';
import { useI18n, type MessageKey } from '../../i18n/index.js';
import { useConsoleMe } from '../console-app.js';
import { ResetLinkResult } from '../reset-link-action.js';

type Dialog =
  | { kind: 'transition'; action: IncidentDetail['transitions'][number] }
  | { kind: 'purge' }
  | { kind: 'block' }
  | { kind: 'account'; action: AccountIncidentAction }
  | { kind: 'note' };

interface DialogValues {
  reason?: string;
  verdict?: string;
  by?: 'message_id' | 'blob_hash';
  value?: string;
  pattern?: string;
  account?: string;
  text?: string;
}

const ACCOUNT_ACTIONS: { action: AccountIncidentAction; label: MessageKey; policy: string }[] = [
  { action: 'force-password-reset', label: 'incident.action.forceReset', policy: 'account.reset_password' },
  { action: 'revoke-sessions', label: 'incident.action.revoke', policy: 'account.revoke_sessions' },
  { action: 'lock-account', label: 'incident.action.lock', policy: 'account.lock' },
];

const EVENT_KINDS = new Set([
  'reported',
  'transition',
  'moved_to_junk',
  'assigned',
  'note',
  'purge_message',
  'block_sender',
  'unblock_sender',
  'force_password_reset',
  'revoke_sessions',
  'lock_account',
  'reporter_notified',
  'reporter_notice_failed',
]);

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

function senderDomain(from: string | null | undefined): string {
  const at = from?.lastIndexOf('@') ?? -1;
  return at >= 0 && from ? from.slice(at + 1) : '';
}

export default function IncidentDetailPage() {
  const { t, locale, errorText } = useI18n();
  const { message } = App.useApp();
  const me = useConsoleMe();
  const id = Number(useParams().id);
  const queryClient = useQueryClient();
  const key = ['console', 'incident', id];
  const detail = useQuery({ queryKey: key, queryFn: () => incidentsApi.get(id) });
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [busy, setBusy] = useState(false);
  /** force-password-reset: the owner's one-time reset link, shown once (password-reset.ts). */
  const [resetLink, setResetLink] = useState<{ address: string; link: NonNullable<Awaited<ReturnType<typeof incidentsApi.accountAction>>['resetLink']> } | null>(null);
  const [form] = Form.useForm<DialogValues>();

  if (detail.isPending) return <Card loading className="console-page" />;
  if (detail.isError) return <Alert type="error" showIcon title={errorText(detail.error)} className="console-page" />;
  const d = detail.data;
  const actions = new Set(me.actions);
  const canAct = actions.has('security.incidents');

  const open = (next: Dialog) => {
    form.resetFields();
    form.setFieldsValue({
      by: d.message?.messageId ? 'message_id' : 'blob_hash',
      pattern: senderDomain(d.message?.from),
      account: d.subjectAccount?.address ?? d.reporter.address,
    });
    setDialog(next);
  };

  const submit = async () => {
    if (!dialog) return;
    const v = await form.validateFields();
    setBusy(true);
    try {
      const reason = v.reason?.trim() ?? '';
      if (dialog.kind === 'transition') {
        queryClient.setQueryData(key, await incidentsApi.transition(d.id, { action: dialog.action, reason, ...(dialog.action === 'resolve' ? { verdict: v.verdict ?? '' } : {}) }));
        void message.success(t('incident.action.done'));
      } else if (dialog.kind === 'note') {
        queryClient.setQueryData(key, await incidentsApi.note(d.id, v.text ?? ''));
      } else if (dialog.kind === 'purge') {
        const result = await incidentsApi.purge(d.id, { by: v.by ?? 'message_id', value: v.value?.trim() || undefined, reason });
        void message.success(t('incident.action.purged', { count: result.count, accounts: result.accounts }));
      } else if (dialog.kind === 'block') {
        const result = await incidentsApi.blockSender(d.id, v.pattern ?? '', reason);
        void message.success(t('incident.action.blocked', { pattern: result.block.pattern }));
      } else {
        const result = await incidentsApi.accountAction(d.id, dialog.action, v.account ?? '', reason);
        void message.success(t('incident.action.accountDone', { account: result.account, sessions: result.sessionsRevoked }));
        if (result.resetLink) setResetLink({ address: result.account, link: result.resetLink });
      }
      setDialog(null);
      void queryClient.invalidateQueries({ queryKey: ['console'] });
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const dialogTitle = !dialog
    ? ''
    : dialog.kind === 'transition'
      ? t(`incident.transition.${dialog.action}`)
      : dialog.kind === 'purge'
        ? t('incident.action.purge')
        : dialog.kind === 'block'
          ? t('incident.action.block')
          : dialog.kind === 'note'
            ? t('incident.detail.note')
            : t(ACCOUNT_ACTIONS.find((a) => a.action === dialog.action)!.label);

  return (
    <div className="console-page incident-detail">
      <Typography.Title level={3}>
        {t('incident.detail.title', { id: d.id })} <Tag color={INCIDENT_STATE_COLORS[d.state]}>{t(`incident.state.${d.state}`)}</Tag>
        {d.overdue && <Tag color="red">{t('incident.console.overdueTag')}</Tag>}
      </Typography.Title>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('incident.col.kind')}>{t(`incident.kind.${d.kind}`)}</Descriptions.Item>
        <Descriptions.Item label={t('incident.col.reporter')}>{d.reporter.name ? `${d.reporter.name} <${d.reporter.address}>` : d.reporter.address}</Descriptions.Item>
        <Descriptions.Item label={t('incident.col.reported')}>{formatDateTime(locale, d.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('incident.col.owner')}>{d.owner ? `${d.owner.name} <${d.owner.address}>` : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('incident.col.deadline')}>{d.deadline ? formatDateTime(locale, d.deadline) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('incident.detail.timeInStates')}>
          {Object.entries(d.timeInStates)
            .map(([state, ms]) => `${t(`incident.state.${state}` as MessageKey)} ${minutes(ms)}`)
            .join(' · ')}
        </Descriptions.Item>
        {d.message && (
          <>
            <Descriptions.Item label={t('incident.col.message')}>
              {d.message.subject ?? '—'} {d.message.from ? `(${d.message.from})` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('incident.detail.messageId')}>
              <span className="incident-mono">{d.message.messageId ?? '—'}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('incident.detail.blobHash')} span={2}>
              <span className="incident-mono">{d.message.blobHash ?? '—'}</span>
            </Descriptions.Item>
          </>
        )}
        {d.subjectAccount && <Descriptions.Item label={t('incident.detail.subjectAccount')}>{`${d.subjectAccount.name} <${d.subjectAccount.address}> · ${d.subjectAccount.state}`}</Descriptions.Item>}
        <Descriptions.Item label={t('incident.detail.description')} span={2}>
          <span className="incident-verdict">{d.description || '—'}</span>
        </Descriptions.Item>
        {d.verdict && (
          <Descriptions.Item label={t('incident.col.verdict')} span={2}>
            <span className="incident-verdict">{d.verdict}</span>
          </Descriptions.Item>
        )}
      </Descriptions>

      {!canAct && <Alert className="incident-section" type="info" showIcon title={t('incident.detail.readOnly')} />}

      {canAct && (
        <Card size="small" className="incident-section" title={t('incident.detail.lifecycle')}>
          <div className="incident-actions">
            {d.transitions.map((action) => (
              <Button key={action} type={action === 'resolve' ? 'primary' : 'default'} data-transition={action} onClick={() => open({ kind: 'transition', action })}>
                {t(`incident.transition.${action}`)}
              </Button>
            ))}
            <Button onClick={() => open({ kind: 'note' })}>{t('incident.detail.note')}</Button>
          </div>
        </Card>
      )}

      {canAct && (
        <Card size="small" className="incident-section" title={t('incident.detail.actions')}>
          {d.actionable ? (
            <div className="incident-actions">
              {actions.has('security.purge_message') && (
                <Button danger data-action="purge" onClick={() => open({ kind: 'purge' })}>
                  {t('incident.action.purge')}
                </Button>
              )}
              <Button data-action="block" onClick={() => open({ kind: 'block' })}>
                {t('incident.action.block')}
              </Button>
              {ACCOUNT_ACTIONS.filter((a) => actions.has(a.policy)).map((a) => (
                <Button key={a.action} data-action={a.action} onClick={() => open({ kind: 'account', action: a.action })}>
                  {t(a.label)}
                </Button>
              ))}
            </div>
          ) : (
            <Typography.Text type="secondary">{t('incident.detail.closed')}</Typography.Text>
          )}
        </Card>
      )}

      <Card size="small" className="incident-section" title={t('incident.detail.timeline')}>
        <ol className="incident-timeline">
          {d.timeline.map((e) => (
            <li key={e.id}>
              <span className="incident-event-meta">
                {formatDateTime(locale, e.at)} · {e.actor}
              </span>
              <strong>{EVENT_KINDS.has(e.kind) ? t(`incident.event.${e.kind}` as MessageKey) : e.kind}</strong>
              {e.toState && ` → ${t(`incident.state.${e.toState}` as MessageKey)}`}
              {typeof e.details.count === 'number' && ` · ${t('incident.action.purged', { count: e.details.count, accounts: Number(e.details.accounts ?? 0) })}`}
              {typeof e.details.pattern === 'string' && ` · ${e.details.pattern}`}
              {typeof e.details.account === 'string' && ` · ${e.details.account}`}
              {e.reason && <div className="incident-verdict">{e.reason}</div>}
            </li>
          ))}
        </ol>
      </Card>

      <Modal open={dialog !== null} title={dialogTitle} okText={t('common.ok')} cancelText={t('common.cancel')} confirmLoading={busy} onOk={() => void submit()} onCancel={() => setDialog(null)} forceRender>
        <Form form={form} layout="vertical" className="incident-dialog">
          {dialog?.kind === 'purge' && (
            <>
              <Form.Item name="by" label={t('incident.action.purgeBy')}>
                <Select
                  options={[
                    { value: 'message_id', label: 'Message-ID' },
                    { value: 'blob_hash', label: t('incident.detail.blobHash') },
                  ]}
                />
              </Form.Item>
              <Form.Item name="value" label={t('incident.action.purgeValue')}>
                <Input autoComplete="off" />
              </Form.Item>
            </>
          )}
          {dialog?.kind === 'block' && (
            <Form.Item name="pattern" label={t('incident.action.blockPattern')} rules={[{ required: true, whitespace: true }]}>
              <Input autoComplete="off" />
            </Form.Item>
          )}
          {dialog?.kind === 'account' && (
            <Form.Item name="account" label={t('incident.action.account')} rules={[{ required: true, whitespace: true }]}>
              <Input autoComplete="off" />
            </Form.Item>
          )}
          {dialog?.kind === 'transition' && dialog.action === 'resolve' && (
            <Form.Item name="verdict" label={t('incident.action.verdict')} rules={[{ required: true, whitespace: true, message: t('incident.action.verdictRequired') }]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          )}
          {dialog?.kind === 'note' ? (
            <Form.Item name="text" label={t('incident.detail.note')} rules={[{ required: true, whitespace: true }]}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
          ) : (
            <Form.Item
              name="reason"
              label={t('incident.action.reason')}
              rules={dialog?.kind === 'transition' ? [] : [{ required: true, whitespace: true, message: t('incident.action.reasonRequired') }]}
            >
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          )}
        </Form>
      </Modal>
      {resetLink && <ResetLinkResult address={resetLink.address} link={resetLink.link} onClose={() => setResetLink(null)} />}
    </div>
  );
}
