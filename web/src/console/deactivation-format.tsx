/** Shared bits of the deactivation pages: dates in Asia/Shanghai, state and item labels, the checklist. */
import { CheckCircleOutlined, ExclamationCircleOutlined, MinusCircleOutlined } from '@ant-design/icons';
import { List, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { DeactivationView, HandoverItemView } from '../../../common/schemas/deactivation.js';
import { formatDateTime } from '../i18n/format.js';
import { useI18n, type Locale } from '../i18n/index.js';

export function formatMs(locale: Locale, ms: number | null): string {
  return ms === null ? '—' : formatDateTime(locale, new Date(ms).toISOString());
}

export const DEACTIVATION_STATE_COLORS: Record<DeactivationView['state'], string> = { in_progress: 'orange', completed: 'red', cancelled: 'default', purged: 'default' };

const STATUS_ICON: Record<HandoverItemView['status'], ReactNode> = {
  done: <CheckCircleOutlined className="handover-done" />,
  waived: <MinusCircleOutlined className="handover-waived" />,
  open: <ExclamationCircleOutlined className="handover-open" />,
};

/** One line of detail for an item: counts, the successor, the period, the export. */
function ItemDetail({ item, view }: { item: HandoverItemView; view: DeactivationView }) {
  const { t, locale } = useI18n();
  const d = item.detail;
  if (item.item === 'important_mail' && Number(d.unconfirmed) > 0) return <>{t('deact.detail.unconfirmed', { n: Number(d.unconfirmed) })}</>;
  if (item.item === 'successor' && view.successor) return <>{`${view.successor.displayName} <${view.successor.address}>`}</>;
  if (item.item === 'forwarding' && d.days) return <>{t('deact.detail.days', { n: Number(d.days) })}</>;
  if (item.item === 'export' && d.at) return <>{`${formatMs(locale, Number(d.at))} · ${t('deact.self.exportReady', { n: Number(d.messages ?? 0) })}`}</>;
  return null;
}

/** The five items with their status; `action` renders what may be done per item (waive …). */
export function HandoverChecklist({ view, action }: { view: DeactivationView; action?: (item: HandoverItemView) => ReactNode }) {
  const { t } = useI18n();
  return (
    <List
      bordered
      className="handover-checklist"
      dataSource={view.checklist}
      renderItem={(item) => (
        <List.Item data-item={item.item} data-status={item.status} actions={action && item.status === 'open' ? [action(item)] : []}>
          <List.Item.Meta
            avatar={STATUS_ICON[item.status]}
            title={
              <span>
                {t(`deact.item.${item.item}`)} <Tag color={item.status === 'done' ? 'green' : item.status === 'waived' ? 'blue' : 'orange'}>{t(`deact.status.${item.status}`)}</Tag>
              </span>
            }
            description={
              <>
                <ItemDetail item={item} view={view} />
                {item.waiver && <Typography.Text type="secondary">{t('deact.waivedBy', { by: item.waiver.by, reason: item.waiver.reason })}</Typography.Text>}
              </>
            }
          />
        </List.Item>
      )}
    />
  );
}
