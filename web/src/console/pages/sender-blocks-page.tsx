/**
 * 发件人封禁 (SPEC Art. 4.3): the senders and domains the MX refuses, each with the incident it
 * came from. Blocks are created as a response action on an incident (so there is always a case
 * behind one); here the security officer sees them all and lifts one with a written reason.
 * The auditor sees the list and changes nothing (the server refuses them anyway).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import type { SenderBlockView } from '../../../../common/schemas/incidents.js';
import { incidentsApi } from '../../api/incidents.js';
import { formatDateTime } from '../../i18n/format.js';
import { useI18n } from '../../i18n/index.js';
import { useConsoleMe } from '../console-app.js';

export default function SenderBlocksPage() {
  const { t, locale, errorText } = useI18n();
  const { message } = App.useApp();
  const me = useConsoleMe();
  const mayLift = me.actions.includes('security.incidents');
  const queryClient = useQueryClient();
  const [lifting, setLifting] = useState<SenderBlockView | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const list = useQuery({ queryKey: ['console', 'sender-blocks'], queryFn: () => incidentsApi.senderBlocks() });
  const lift = useMutation({
    mutationFn: ({ id, reason }: { id: number; reason: string }) => incidentsApi.unblockSender(id, reason),
    onSuccess: () => {
      void message.success(t('blocks.lifted', { pattern: lifting?.pattern ?? '' }));
      setLifting(null);
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ['console', 'sender-blocks'] });
    },
    onError: (err) => void message.error(errorText(err)),
  });

  return (
    <div className="console-page">
      <Typography.Title level={3}>{t('blocks.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('blocks.intro')}</Typography.Paragraph>
      {list.isError && <Alert type="error" showIcon title={errorText(list.error)} />}
      <Table<SenderBlockView>
        rowKey="id"
        className="sender-blocks-table"
        loading={list.isPending}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('blocks.empty') }}
        columns={[
          { title: t('blocks.col.pattern'), key: 'pattern', render: (_, r) => <Typography.Text code>{r.pattern}</Typography.Text> },
          { title: t('blocks.col.kind'), key: 'kind', render: (_, r) => <Tag color={r.kind === 'domain' ? 'volcano' : 'orange'}>{t(`blocks.kind.${r.kind}`)}</Tag> },
          { title: t('blocks.col.reason'), key: 'reason', dataIndex: 'reason' },
          { title: t('blocks.col.incident'), key: 'incident', render: (_, r) => (r.incidentId === null ? '—' : <Link to={`/console/incidents/${r.incidentId}`}>#{r.incidentId}</Link>) },
          { title: t('blocks.col.createdBy'), key: 'createdBy', dataIndex: 'createdBy' },
          { title: t('blocks.col.createdAt'), key: 'createdAt', render: (_, r) => formatDateTime(locale, r.createdAt) },
          ...(mayLift
            ? [
                {
                  title: t('blocks.col.actions'),
                  key: 'actions',
                  render: (_: unknown, r: SenderBlockView) => (
                    <Button size="small" danger data-action="lift" onClick={() => setLifting(r)}>
                      {t('blocks.lift')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={lifting !== null}
        title={t('blocks.liftTitle', { pattern: lifting?.pattern ?? '' })}
        okText={t('blocks.lift')}
        okButtonProps={{ danger: true, loading: lift.isPending }}
        cancelText={t('common.cancel')}
        onCancel={() => setLifting(null)}
        onOk={() => void form.validateFields().then((v) => lifting && lift.mutate({ id: lifting.id, reason: v.reason.trim() }))}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="reason" label={t('blocks.reason')} rules={[{ required: true, whitespace: true, message: t('blocks.reasonRequired') }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
