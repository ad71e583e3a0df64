/**
 * The organisation tree editor (policy `unit.manage`): pick a unit to rename it, move it under
 * another, set its contact address, or add a unit below it.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Empty, Form, Input, Tree, TreeSelect, Typography } from 'antd';
import { useMemo, useState } from 'react';
import type { ConsoleUnit } from '../../../../common/schemas/onboarding.js';
import { onboardingApi } from '../../api/onboarding.js';
import { unitTree } from '../../components/unit-tree.js';
import { useI18n } from '../../i18n/index.js';

export default function UnitsPage() {
  const { t, errorText } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const units = useQuery({ queryKey: ['console', 'units'], queryFn: () => onboardingApi.consoleUnits() });
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const byId = useMemo(() => new Map((units.data ?? []).map((u) => [u.id, u])), [units.data]);
  const tree = useMemo(() => unitTree(units.data ?? [], (u) => `${u.name}（${byId.get(u.id)?.accounts ?? 0}）`), [units.data, byId]);
  const plainTree = useMemo(() => unitTree(units.data ?? []), [units.data]);
  const selected: ConsoleUnit | undefined = selectedId === null ? undefined : byId.get(selectedId);

  const run = async (work: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await work();
      void message.success(done);
      await queryClient.invalidateQueries({ queryKey: ['console', 'units'] });
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="console-page console-page-wide">
      <Typography.Title level={3}>{t('console.menu.units')}</Typography.Title>
      {error && <Alert type="error" showIcon title={error} className="public-alert" />}
      <div className="units-layout">
        <Card size="small" className="units-tree" loading={units.isPending}>
          <Tree treeData={tree} defaultExpandAll selectedKeys={selectedId === null ? [] : [selectedId]} onSelect={(keys) => setSelectedId(keys.length ? Number(keys[0]) : null)} />
        </Card>
        <div className="units-forms">
          {!selected && <Empty description={t('console.units.pick')} />}
          {selected && (
            <Card size="small" title={t('console.units.edit', { name: selected.name })}>
              <Form
                key={selected.id}
                layout="vertical"
                initialValues={{ name: selected.name, parentId: selected.parentId ?? undefined, contactAddress: selected.contactAddress ?? '' }}
                onFinish={(v: { name: string; parentId?: number; contactAddress: string }) =>
                  void run(() => onboardingApi.updateUnit(selected.id, { name: v.name, parentId: v.parentId ?? null, contactAddress: v.contactAddress.trim() || null }), t('console.units.saved'))
                }
              >
                <Typography.Paragraph type="secondary">
                  {t('console.units.code')}: {selected.code}
                </Typography.Paragraph>
                <Form.Item name="name" label={t('console.units.name')} rules={[{ required: true, whitespace: true, max: 60 }]}>
                  <Input />
                </Form.Item>
                <Form.Item name="parentId" label={t('console.units.parent')}>
                  <TreeSelect treeData={plainTree} allowClear treeDefaultExpandAll placeholder={t('console.units.noParent')} />
                </Form.Item>
                <Form.Item name="contactAddress" label={t('console.units.contact')} rules={[{ type: 'email' }]}>
                  <Input />
                </Form.Item>
                <Button type="primary" htmlType="submit">
                  {t('settings.save')}
                </Button>
              </Form>
            </Card>
          )}
          <Card size="small" title={selected ? t('console.units.addBelow', { name: selected.name }) : t('console.units.addRoot')} className="console-card">
            <Form
              key={`new-${selected?.id ?? 'root'}`}
              layout="vertical"
              onFinish={(v: { code: string; name: string; contactAddress?: string }) =>
                void run(() => onboardingApi.createUnit({ code: v.code.trim(), name: v.name.trim(), parentId: selected?.id ?? null, contactAddress: v.contactAddress?.trim() || null }), t('console.units.created'))
              }
            >
              <Form.Item name="code" label={t('console.units.code')} extra={t('console.units.codeHint')} rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9-]{0,31}$/ }]}>
                <Input />
              </Form.Item>
              <Form.Item name="name" label={t('console.units.name')} rules={[{ required: true, whitespace: true, max: 60 }]}>
                <Input />
              </Form.Item>
              <Form.Item name="contactAddress" label={t('console.units.contact')} rules={[{ type: 'email' }]}>
                <Input />
              </Form.Item>
              <Button htmlType="submit">{t('console.units.add')}</Button>
            </Form>
          </Card>
        </div>
      </div>
    </div>
  );
}
