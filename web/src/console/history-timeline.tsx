/** An account's (or application's) state history: who did what, when, why. */
import { Timeline, Typography } from 'antd';
import type { HistoryEntry } from '../../../common/schemas/onboarding.js';
import { useI18n } from '../i18n/index.js';
import { formatMillis } from '../i18n/millis.js';
import { actionLabel, stateLabel } from './console-format.js';

export function HistoryTimeline({ history }: { history: HistoryEntry[] }) {
  const { t, locale } = useI18n();
  return (
    <Timeline
      data-testid="state-history"
      items={history.map((h) => ({
        key: `${h.at}-${h.action}`,
        content: (
          <div>
            <Typography.Text strong>{actionLabel(t, h.action)}</Typography.Text>
            {' → '}
            {stateLabel(t, h.toState)}
            <div>
              <Typography.Text type="secondary">
                {formatMillis(locale, h.at)} · {h.actor}
              </Typography.Text>
            </div>
            {h.reason && <div>{h.reason}</div>}
          </div>
        ),
      }))}
    />
  );
}
