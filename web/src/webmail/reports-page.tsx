/**
 * 我的报告 (SPEC Art. 4.3): the person's own incident reports with their state and, once
 * resolved, the verdict; and the report form for what is not one message (account compromised,
 * device lost, mail sent to the wrong person …). Suspicious mail is reported from the reading pane.
 */
import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { INCIDENT_KINDS, type IncidentKindValue, type MyIncidentView } from '../../../common/schemas/incidents.js';
import { incidentsApi } from '../api/incidents.js';
import { formatDateTime } from '../i18n/format.js';
import { useI18n } from '../i18n/index.js';
import { myIncidentsKey } from './report-suspicious.js';

import { INCIDENT_STATE_COLORS } from '../components/incident-marks.js';

export default function ReportsPage() {
  const { t, locale, errorText } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const mine = useQuery({ queryKey: myIncidentsKey, queryFn: () => incidentsApi.mine() });
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ kind: IncidentKindValue; description: string }>();

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      const incident = await incidentsApi.report({ kind: values.kind, description: values.description });
      void message.success(t('incident.report.done', { id: incident.id }));
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: myIncidentsKey });
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="reports-page">
      <div className="reports-head">
        <Typography.Title level={3}>{t('incident.mine.title')}</Typography.Title>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => {
            form.resetFields();
            setOpen(true);
          }}
        >
          {t('incident.mine.new')}
        </Button>
      </div>
      {mine.isError && <Alert type="error" showIcon title={errorText(mine.error)} />}
      <Table<MyIncidentView>
        rowKey="id"
        className="my-incidents"
        loading={mine.isPending}
        dataSource={mine.data ?? []}
        locale={{ emptyText: t('incident.mine.empty') }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('incident.col.id'), key: 'id', render: (_, r) => `#${r.id}` },
          { title: t('incident.col.kind'), key: 'kind', render: (_, r) => t(`incident.kind.${r.kind}`) },
          { title: t('incident.col.message'), key: 'message', render: (_, r) => r.message?.subject ?? (r.description.slice(0, 40) || '—') },
          { title: t('incident.col.reported'), key: 'reported', render: (_, r) => formatDateTime(locale, r.createdAt) },
          { title: t('incident.col.state'), key: 'state', render: (_, r) => <Tag color={INCIDENT_STATE_COLORS[r.state]}>{t(`incident.state.${r.state}`)}</Tag> },
          { title: t('incident.col.verdict'), key: 'verdict', render: (_, r) => <span className="incident-verdict">{r.verdict ?? t('incident.verdictPending')}</span> },
        ]}
      />
      <Modal
        open={open}
        title={t('incident.form.title')}
        okText={t('incident.form.submit')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => void submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ kind: 'account_compromised', description: '' }}>
          <Form.Item name="kind" label={t('incident.form.kind')} rules={[{ required: true }]}>
            <Select options={INCIDENT_KINDS.map((kind) => ({ value: kind, label: t(`incident.kind.${kind}`) }))} />
          </Form.Item>
          <Form.Item name="description" label={t('incident.form.description')} rules={[{ required: true, whitespace: true, message: t('incident.form.descriptionRequired') }]}>
            <Input.TextArea rows={4} maxLength={4000} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
