/**
 * One deactivation: who asked and why, the handover checklist (each item done, waived with the
 * department admin's written reason, or open), the successor and forwarding period, and the
 * actions the viewer may take: waive an item (department admin), complete (refused by the server
 * while an item is open), cancel.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Descriptions, Form, Input, InputNumber, Modal, Popconfirm, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import type { DeactivationView, HandoverItemName } from '../../../../common/schemas/deactivation.js';
import { deactivationApi } from '../../api/deactivation.js';
import { useI18n } from '../../i18n/index.js';
import { useConsoleMe } from '../console-app.js';
import { DEACTIVATION_STATE_COLORS, formatMs, HandoverChecklist } from '../deactivation-format.js';

export default function DeactivationDetailPage() {
  const { t, locale, errorText } = useI18n();
  const { message } = App.useApp();
  const me = useConsoleMe();
  const id = Number(useParams().id);
  const queryClient = useQueryClient();
  const key = ['console', 'deactivation', id];
  const detail = useQuery({ queryKey: key, queryFn: () => deactivationApi.get(id) });
  const [waiving, setWaiving] = useState<HandoverItemName | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reasonForm] = Form.useForm<{ reason: string }>();
  const [handoverForm] = Form.useForm<{ successorAddress: string; forwardDays: number | null }>();

  const run = async (work: () => Promise<DeactivationView>) => {
    setBusy(true);
    try {
      queryClient.setQueryData(key, await work());
      void queryClient.invalidateQueries({ queryKey: ['console'] });
      void message.success(t('deact.done'));
      return true;
    } catch (err) {
      void message.error(errorText(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (detail.isPending) return <Card loading className="console-page" />;
  if (detail.isError) return <Alert type="error" showIcon title={errorText(detail.error)} className="console-page" />;
  const d = detail.data;
  const actions = new Set(me.actions);
  const inProgress = d.state === 'in_progress';
  const canWaive = inProgress && actions.has('account.handover_waive');

  const submitReason = async () => {
    const { reason } = await reasonForm.validateFields();
    const ok = waiving ? await run(() => deactivationApi.waive(d.id, waiving, reason)) : await run(() => deactivationApi.cancel(d.id, reason));
    if (ok) {
      setWaiving(null);
      setCancelling(false);
    }
  };

  return (
    <div className="console-page deactivation-detail">
      <Typography.Title level={3}>
        {t('deact.detail.title', { name: d.account.displayName })} <Tag color={DEACTIVATION_STATE_COLORS[d.state]}>{t(`deact.state.${d.state}`)}</Tag>
      </Typography.Title>
      <Descriptions bordered size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('deact.col.account')}>
          <Link to={`/console/accounts/${d.account.id}`}>{d.account.address}</Link>
        </Descriptions.Item>
        <Descriptions.Item label={t('deact.col.unit')}>{d.account.unitName}</Descriptions.Item>
        <Descriptions.Item label={t('deact.detail.reason')}>{d.reason}</Descriptions.Item>
        <Descriptions.Item label={t('deact.col.requestedBy')}>
          {d.selfRequested ? t('deact.detail.selfRequested') : `${t('deact.detail.adminRequested')} · ${d.requestedBy}`} · {formatMs(locale, d.createdAt)}
        </Descriptions.Item>
        {d.completedAt !== null && (
          <Descriptions.Item label={t('deact.detail.completedBy')}>
            {d.completedBy} · {formatMs(locale, d.completedAt)}
          </Descriptions.Item>
        )}
        {d.forwardUntil !== null && <Descriptions.Item label={t('deact.detail.forwardUntil')}>{`${formatMs(locale, d.forwardUntil)} → ${d.successor?.address ?? ''}`}</Descriptions.Item>}
        {d.purgeAfter !== null && <Descriptions.Item label={t('deact.detail.purgeAfter')}>{formatMs(locale, d.purgeAfter)}</Descriptions.Item>}
      </Descriptions>

      <Typography.Title level={4}>{t('deact.checklist')}</Typography.Title>
      <HandoverChecklist
        view={d}
        action={
          canWaive
            ? (item) => (
                <Button
                  size="small"
                  key="waive"
                  data-waive={item.item}
                  onClick={() => {
                    reasonForm.resetFields();
                    setWaiving(item.item);
                  }}
                >
                  {t('deact.waive')}
                </Button>
              )
            : undefined
        }
      />

      {inProgress && (
        <Card size="small" className="handover-form" title={t('deact.saveHandover')}>
          <Form
            form={handoverForm}
            layout="inline"
            initialValues={{ successorAddress: d.successor?.address ?? '', forwardDays: d.forwardDays ?? 90 }}
            onFinish={(values) => void run(() => deactivationApi.setHandover(d.id, { successorAddress: values.successorAddress.trim() || null, forwardDays: values.forwardDays ?? null }))}
          >
            <Form.Item name="successorAddress" label={t('deact.successor')}>
              <Input autoComplete="off" placeholder={t('deact.successorHint')} />
            </Form.Item>
            <Form.Item name="forwardDays" label={t('deact.forwardDays')}>
              <InputNumber min={1} max={3650} />
            </Form.Item>
            <Button htmlType="submit" loading={busy}>
              {t('deact.saveHandover')}
            </Button>
          </Form>
        </Card>
      )}

      {inProgress && (
        <Space wrap className="console-actions">
          {actions.has('account.deactivate_complete') && (
            <Popconfirm title={t('deact.completeConfirm')} okText={t('common.ok')} cancelText={t('common.cancel')} onConfirm={() => void run(() => deactivationApi.complete(d.id))}>
              <Button type="primary" danger loading={busy} data-action="complete">
                {t('deact.complete')}
              </Button>
            </Popconfirm>
          )}
          <Button
            onClick={() => {
              reasonForm.resetFields();
              setCancelling(true);
            }}
          >
            {t('deact.cancel')}
          </Button>
          {!d.ready && <Typography.Text type="warning">{t('deact.notReady')}</Typography.Text>}
        </Space>
      )}

      <Modal
        open={waiving !== null || cancelling}
        title={waiving ? t('deact.waiveTitle', { item: t(`deact.item.${waiving}`) }) : t('deact.cancel')}
        onCancel={() => {
          setWaiving(null);
          setCancelling(false);
        }}
        onOk={() => void submitReason()}
        okText={t('common.ok')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Form form={reasonForm} layout="vertical" preserve={false}>
          <Form.Item name="reason" label={t('deact.reason')} extra={t('deact.reasonHint')} rules={[{ required: true, whitespace: true, min: 2, message: t('deact.reasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
