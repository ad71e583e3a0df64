/**
 * 内容规则: per-unit content rules (SPEC 3.1) — keyword, regular expression, ID-card or mobile
 * numbers — each warning, holding for review or blocking. Unit admins manage their units'
 * rules and see the city-wide ones read-only; the security officer manages all (policy
 * `outbound.rules`, enforced by the server).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../../../common/errors.js';
import { RULE_ACTIONS, RULE_KINDS, type ContentRuleInputBody, type ContentRuleView } from '../../../../common/schemas/outbound.js';
import { api } from '../../api/client.js';
import { useI18n } from '../../i18n/index.js';
import { useConsoleMe } from '../console-app.js';

const ACTION_COLOR = { warn: 'gold', hold: 'orange', block: 'red' } as const;
const ALL = -1;

interface FormValues {
  unitId: number;
  name: string;
  kind: ContentRuleInputBody['kind'];
  pattern: string;
  action: ContentRuleInputBody['action'];
  enabled: boolean;
}

export default function ContentRulesPage() {
  const { t, errorText } = useI18n();
  const { message, modal } = App.useApp();
  const me = useConsoleMe();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<ContentRuleView | 'new' | null>(null);
  const [form] = Form.useForm<FormValues>();
  const rules = useQuery({ queryKey: ['console', 'content-rules'], queryFn: () => api.contentRules() });
  const units = useQuery({ queryKey: ['console', 'content-rule-units'], queryFn: () => api.contentRuleUnits() });
  const unitName = new Map((units.data ?? []).map((u) => [u.id, u.name]));
  const isOfficer = me.account.roles.includes('security_officer');
  const kind = Form.useWatch('kind', form);

  const save = useMutation({
    mutationFn: (values: FormValues) => {
      const body: ContentRuleInputBody = { ...values, unitId: values.unitId === ALL ? null : values.unitId, pattern: values.pattern ?? '' };
      return editing && editing !== 'new' ? api.updateContentRule(editing.id, body) : api.createContentRule(body);
    },
    onSuccess: () => {
      void message.success(t('outbound.rules.saved'));
      setEditing(null);
      void queryClient.invalidateQueries({ queryKey: ['console', 'content-rules'] });
    },
    onError: (err) => {
      const issues = err instanceof ApiError ? (err.issues ?? []) : [];
      if (issues.length > 0) form.setFields(issues.filter((i) => ['name', 'pattern', 'unitId'].includes(i.path)).map((i) => ({ name: i.path as keyof FormValues, errors: [i.message] })));
      void message.error(errorText(err));
    },
  });
  const remove = useMutation({
    mutationFn: (id: number) => api.deleteContentRule(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['console', 'content-rules'] }),
    onError: (err) => void message.error(errorText(err)),
  });

  const open = (rule: ContentRuleView | 'new') => {
    setEditing(rule);
    form.setFieldsValue(
      rule === 'new'
        ? { unitId: isOfficer ? ALL : me.account.unitId, name: '', kind: 'keyword', pattern: '', action: 'warn', enabled: true }
        : { unitId: rule.unitId ?? ALL, name: rule.name, kind: rule.kind, pattern: rule.pattern, action: rule.action, enabled: rule.enabled },
    );
  };

  const confirmDelete = async (rule: ContentRuleView) => {
    const ok = await modal.confirm({ title: t('outbound.rules.delete'), content: t('outbound.rules.deleteConfirm'), okText: t('outbound.rules.delete'), cancelText: t('common.cancel') });
    if (ok) remove.mutate(rule.id);
  };

  const columns = [
    { title: t('outbound.rules.name'), dataIndex: 'name', key: 'name' },
    { title: t('outbound.rules.unit'), dataIndex: 'unitId', key: 'unitId', render: (v: number | null) => (v === null ? t('outbound.rules.allUnits') : (unitName.get(v) ?? v)) },
    { title: t('outbound.rules.kind'), dataIndex: 'kind', key: 'kind', render: (v: ContentRuleView['kind']) => t(`outbound.rules.kind.${v}`) },
    { title: t('outbound.rules.pattern'), dataIndex: 'pattern', key: 'pattern', render: (v: string) => <code>{v}</code> },
    { title: t('outbound.rules.action'), dataIndex: 'action', key: 'action', render: (v: ContentRuleView['action']) => <Tag color={ACTION_COLOR[v]}>{t(`outbound.rules.action.${v}`)}</Tag> },
    { title: t('outbound.rules.enabled'), dataIndex: 'enabled', key: 'enabled', render: (v: boolean) => (v ? '✓' : '—') },
    {
      title: t('outbound.common.actions'),
      key: 'actions',
      render: (_: unknown, rule: ContentRuleView) =>
        rule.editable ? (
          <Space>
            <Button size="small" onClick={() => open(rule)}>
              {t('outbound.rules.edit')}
            </Button>
            <Button size="small" danger onClick={() => void confirmDelete(rule)}>
              {t('outbound.rules.delete')}
            </Button>
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('outbound.rules.readOnly')}</Typography.Text>
        ),
    },
  ];

  const unitOptions = [...(isOfficer ? [{ value: ALL, label: t('outbound.rules.allUnits') }] : []), ...(units.data ?? []).map((u) => ({ value: u.id, label: u.name }))];
  return (
    <div className="console-page">
      <Typography.Title level={3}>{t('outbound.rules.title')}</Typography.Title>
      <Space className="console-toolbar">
        <Button type="primary" onClick={() => open('new')}>
          {t('outbound.rules.add')}
        </Button>
      </Space>
      <Table<ContentRuleView> rowKey="id" size="small" loading={rules.isLoading} dataSource={rules.data ?? []} columns={columns} pagination={false} />
      <Modal open={editing !== null} title={editing === 'new' ? t('outbound.rules.add') : t('outbound.rules.edit')} onCancel={() => setEditing(null)} onOk={() => form.submit()} confirmLoading={save.isPending} okText={t('common.ok')} cancelText={t('common.cancel')} destroyOnHidden>
        <Form<FormValues> form={form} layout="vertical" onFinish={(values) => save.mutate(values)}>
          <Form.Item name="name" label={t('outbound.rules.name')} rules={[{ required: true, max: 100 }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="unitId" label={t('outbound.rules.unit')} rules={[{ required: true }]}>
            <Select options={unitOptions} showSearch optionFilterProp="label" />
          </Form.Item>
          <Form.Item name="kind" label={t('outbound.rules.kind')} rules={[{ required: true }]}>
            <Select options={RULE_KINDS.map((k) => ({ value: k, label: t(`outbound.rules.kind.${k}`) }))} />
          </Form.Item>
          {(kind === 'keyword' || kind === 'regex') && (
            <Form.Item name="pattern" label={t('outbound.rules.pattern')} rules={[{ required: true, max: 200 }]}>
              <Input maxLength={200} />
            </Form.Item>
          )}
          <Form.Item name="action" label={t('outbound.rules.action')} rules={[{ required: true }]}>
            <Select options={RULE_ACTIONS.map((a) => ({ value: a, label: t(`outbound.rules.action.${a}`) }))} />
          </Form.Item>
          <Form.Item name="enabled" label={t('outbound.rules.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
