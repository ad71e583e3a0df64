/**
 * 申请注销账号 — the person's own side of deactivation (SPEC Art. 3.6), a tab of the settings page.
 * Before a request: why it exists, and the form (reason, optionally the successor). During the
 * handover: the checklist with what is left to do, naming the successor and the forwarding
 * period, the final export of the whole mailbox (mbox, downloaded from here), and cancelling.
 * Completion is the unit admin's, in the console.
 */
import { DownloadOutlined, ExportOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Form, Input, InputNumber, List, Space, Typography } from 'antd';
import { useState } from 'react';
import type { DeactivationView } from '../../../common/schemas/deactivation.js';
import { deactivationApi } from '../api/deactivation.js';
import { HandoverChecklist, formatMs } from '../console/deactivation-format.js';
import { formatSize } from '../i18n/format.js';
import { useI18n } from '../i18n/index.js';

const KEY = ['account', 'deactivation'] as const;
const EXPORTS_KEY = ['account', 'exports'] as const;

export function DeactivationSettings() {
  const { errorText } = useI18n();
  const mine = useQuery({ queryKey: KEY, queryFn: () => deactivationApi.mine() });
  if (mine.isPending) return <Card loading className="settings-card" />;
  if (mine.isError) return <Alert type="error" showIcon title={errorText(mine.error)} />;
  return mine.data.deactivation ? <Handover view={mine.data.deactivation} defaultDays={mine.data.defaultForwardDays} /> : <RequestForm defaultDays={mine.data.defaultForwardDays} />;
}

function useRun() {
  const { t, errorText } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<unknown>, done = t('deact.done')) => {
    setBusy(true);
    try {
      await work();
      void message.success(done);
      await queryClient.invalidateQueries({ queryKey: ['account'] });
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, run };
}

function RequestForm({ defaultDays }: { defaultDays: number }) {
  const { t } = useI18n();
  const { busy, run } = useRun();
  return (
    <Card className="settings-card deactivation-settings">
      <Typography.Title level={2} className="settings-subtitle">
        {t('deact.self.title')}
      </Typography.Title>
      <Alert type="warning" showIcon title={t('deact.self.intro')} className="settings-note" />
      <Form
        layout="vertical"
        initialValues={{ forwardDays: defaultDays }}
        onFinish={(values: { reason: string; successorAddress?: string; forwardDays?: number }) =>
          void run(
            () => deactivationApi.requestMine({ reason: values.reason, successorAddress: values.successorAddress?.trim() || null, forwardDays: values.successorAddress?.trim() ? (values.forwardDays ?? null) : null }),
            t('deact.self.submitted'),
          )
        }
      >
        <Form.Item name="reason" label={t('deact.reason')} rules={[{ required: true, whitespace: true, min: 2, message: t('deact.reasonRequired') }]}>
          <Input.TextArea id="deactivation-reason" rows={3} maxLength={500} showCount />
        </Form.Item>
        <Form.Item name="successorAddress" label={t('deact.successor')} extra={t('deact.successorHint')}>
          <Input id="deactivation-successor" autoComplete="off" />
        </Form.Item>
        <Form.Item name="forwardDays" label={t('deact.forwardDays')}>
          <InputNumber min={1} max={3650} />
        </Form.Item>
        <Button type="primary" danger htmlType="submit" loading={busy}>
          {t('deact.self.submit')}
        </Button>
      </Form>
    </Card>
  );
}

function Handover({ view, defaultDays }: { view: DeactivationView; defaultDays: number }) {
  const { t, locale } = useI18n();
  const { busy, run } = useRun();
  const exports = useQuery({ queryKey: EXPORTS_KEY, queryFn: () => deactivationApi.exports() });
  const [cancelReason, setCancelReason] = useState('');
  const open = new Set(view.checklist.filter((c) => c.status === 'open').map((c) => c.item));
  return (
    <Card className="settings-card deactivation-settings" data-testid="deactivation-handover">
      <Typography.Title level={2} className="settings-subtitle">
        {t('deact.self.title')} · {t(`deact.state.${view.state}`)}
      </Typography.Title>
      <Typography.Paragraph>
        {t('deact.detail.reason')}：{view.reason} · {formatMs(locale, view.createdAt)}
      </Typography.Paragraph>
      <HandoverChecklist view={view} />
      {open.has('important_mail') && <Alert type="info" showIcon title={t('deact.self.importantHint')} className="settings-note" />}
      {open.has('auto_reply') && <Alert type="info" showIcon title={t('deact.self.autoReplyHint')} className="settings-note" />}
      {view.ready && <Alert type="success" showIcon title={t('deact.self.waitAdmin')} className="settings-note" />}

      <Typography.Title level={3} className="settings-subtitle">
        {t('deact.saveHandover')}
      </Typography.Title>
      <Form
        layout="inline"
        initialValues={{ successorAddress: view.successor?.address ?? '', forwardDays: view.forwardDays ?? defaultDays }}
        onFinish={(values: { successorAddress: string; forwardDays: number | null }) =>
          void run(() => deactivationApi.setMyHandover({ successorAddress: values.successorAddress.trim() || null, forwardDays: values.forwardDays ?? null }))
        }
      >
        <Form.Item name="successorAddress" label={t('deact.successor')}>
          <Input id="handover-successor" autoComplete="off" placeholder={t('deact.successorHint')} />
        </Form.Item>
        <Form.Item name="forwardDays" label={t('deact.forwardDays')}>
          <InputNumber id="handover-days" min={1} max={3650} />
        </Form.Item>
        <Button htmlType="submit" loading={busy}>
          {t('deact.saveHandover')}
        </Button>
      </Form>

      <Typography.Title level={3} className="settings-subtitle">
        {t('deact.self.exports')}
      </Typography.Title>
      <Button icon={<ExportOutlined />} loading={busy} onClick={() => void run(() => deactivationApi.createExport())}>
        {t('deact.self.exportNow')}
      </Button>
      <List
        className="export-list"
        dataSource={exports.data ?? []}
        renderItem={(e) => (
          <List.Item
            actions={
              e.available
                ? [
                    <a key="download" href={deactivationApi.exportUrl(e.id)} download>
                      <DownloadOutlined /> {t('deact.self.download')}
                    </a>,
                  ]
                : []
            }
          >
            {formatMs(locale, e.createdAt)} · {t('deact.self.exportReady', { n: e.messages })} · {formatSize(e.size)}
          </List.Item>
        )}
      />

      <Space className="deactivation-cancel" wrap>
        <Input value={cancelReason} onChange={(e) => setCancelReason(e.target.value)} placeholder={t('deact.reasonHint')} maxLength={500} aria-label={t('deact.reason')} />
        <Button disabled={cancelReason.trim().length < 2} loading={busy} onClick={() => void run(() => deactivationApi.cancelMine(cancelReason.trim()))}>
          {t('deact.cancel')}
        </Button>
      </Space>
    </Card>
  );
}
