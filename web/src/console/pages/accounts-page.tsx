/**
 * Accounts (SPEC Art. 2): filter by unit (with its sub-units), state and text, or the pending
 * accounts whose activation link expired; paged on the server; bulk re-issue of activation links.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Input, Modal, Select, Table, Tag, TreeSelect, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { ACCOUNT_STATE_VALUES, type ConsoleAccount, type ReissueResult } from '../../../../common/schemas/onboarding.js';
import { onboardingApi } from '../../api/onboarding.js';
import { useI18n } from '../../i18n/index.js';
import { formatMillis } from '../../i18n/millis.js';
import { unitTree } from '../../components/unit-tree.js';
import { linkHere } from '../activation-link.js';
import { STATE_COLORS, stateLabel } from '../console-format.js';

const PAGE = 20;

export default function AccountsPage() {
  const { t, locale, errorText } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [unitId, setUnitId] = useState<number | undefined>();
  const [state, setState] = useState<(typeof ACCOUNT_STATE_VALUES)[number] | undefined>();
  const [expired, setExpired] = useState(false);
  const [q, setQ] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<number[]>([]);
  const [reissued, setReissued] = useState<ReissueResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const units = useQuery({ queryKey: ['console', 'units'], queryFn: () => onboardingApi.consoleUnits() });
  const tree = useMemo(() => unitTree(units.data ?? []), [units.data]);
  const params = { unitId, state: expired ? undefined : state, activation: expired ? ('expired' as const) : undefined, q: q || undefined, offset: (page - 1) * PAGE, limit: PAGE };
  const accounts = useQuery({ queryKey: ['console', 'accounts', params], queryFn: () => onboardingApi.consoleAccounts(params) });

  const reissue = async () => {
    setError(null);
    try {
      const result = await onboardingApi.reissueActivation(selected);
      setReissued(result);
      setSelected([]);
      void message.success(t('console.accounts.reissued'));
      await queryClient.invalidateQueries({ queryKey: ['console', 'accounts'] });
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div className="console-page console-page-wide">
      <Typography.Title level={3}>{t('console.menu.accounts')}</Typography.Title>
      <div className="console-toolbar">
        <TreeSelect
          className="console-filter"
          allowClear
          treeDefaultExpandAll
          showSearch
          treeNodeFilterProp="title"
          placeholder={t('console.accounts.unit')}
          treeData={tree}
          value={unitId}
          onChange={(v?: number) => {
            setUnitId(v);
            setPage(1);
          }}
        />
        <Select
          className="console-filter"
          allowClear
          disabled={expired}
          placeholder={t('console.accounts.state')}
          value={state}
          onChange={(v) => {
            setState(v);
            setPage(1);
          }}
          options={ACCOUNT_STATE_VALUES.filter((s) => s !== 'applied' && s !== 'approved').map((s) => ({ value: s, label: stateLabel(t, s) }))}
        />
        <Checkbox
          checked={expired}
          onChange={(e) => {
            setExpired(e.target.checked);
            setPage(1);
          }}
        >
          {t('console.accounts.expired')}
        </Checkbox>
        <Input.Search
          className="console-filter"
          allowClear
          placeholder={t('console.accounts.search')}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
        />
        <Button disabled={selected.length === 0} onClick={() => void reissue()}>
          {t('console.accounts.reissue', { n: selected.length })}
        </Button>
      </div>
      {error && <Alert type="error" showIcon title={error} className="public-alert" />}
      <Table<ConsoleAccount>
        rowKey="id"
        loading={accounts.isPending}
        dataSource={accounts.data?.items ?? []}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(Number)), getCheckboxProps: (row) => ({ disabled: row.state !== 'pending_activation' }) }}
        pagination={{ current: page, pageSize: PAGE, total: accounts.data?.total ?? 0, onChange: setPage, showSizeChanger: false, showTotal: (n) => t('console.total', { n }) }}
        onRow={(row) => ({ onClick: (e) => !(e.target as HTMLElement).closest('.ant-checkbox-wrapper, .ant-table-selection-column') && navigate(`/console/accounts/${row.id}`), className: 'clickable-row' })}
        columns={[
          { title: t('apply.name'), dataIndex: 'displayName' },
          { title: t('apply.address'), dataIndex: 'address' },
          { title: t('apply.unit'), dataIndex: 'unitName' },
          { title: t('apply.state'), dataIndex: 'state', render: (s: string) => <Tag color={STATE_COLORS[s]}>{stateLabel(t, s)}</Tag> },
          { title: t('console.accounts.created'), dataIndex: 'createdAt', render: (v: number) => formatMillis(locale, v) },
        ]}
      />
      <Modal open={reissued !== null} title={t('console.link.title')} onOk={() => setReissued(null)} onCancel={() => setReissued(null)} width={760}>
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={reissued?.results ?? []}
          columns={[
            { title: t('apply.address'), dataIndex: 'address' },
            {
              title: t('console.link.column'),
              render: (_: unknown, r: ReissueResult['results'][number]) =>
                r.activation ? <Typography.Text copyable={{ text: linkHere(r.activation) }}>{linkHere(r.activation)}</Typography.Text> : <Typography.Text type="danger">{r.error}</Typography.Text>,
            },
          ]}
        />
      </Modal>
    </div>
  );
}
