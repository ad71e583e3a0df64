/**
 * The marks a message carries in the list and the reading pane: classification (SPEC Art. 3.2),
 * importance (Art. 3.4) and 外部 for mail from outside the city's domains (Art. 4.2).
 */
import { Tag, Tooltip } from 'antd';
import type { Classification, MessageSummary } from '../../../common/schemas/webmail.js';
import { useI18n } from '../i18n/index.js';

const CLASSIFICATION_COLOR: Record<Classification, string> = {
  公开: 'green',
  内部: 'blue',
  工作秘密: 'orange',
  涉密: 'red',
};

export function ClassificationTag({ value }: { value: Classification }) {
  const { t } = useI18n();
  return (
    <Tooltip title={t('classification.label')}>
      <Tag color={CLASSIFICATION_COLOR[value]} className="mark" aria-label={`${t('classification.label')}：${value}`}>
        {value}
      </Tag>
    </Tooltip>
  );
}

export function ImportanceTag({ value }: { value: MessageSummary['importance'] }) {
  const { t } = useI18n();
  if (value === 'normal') return null;
  return (
    <Tag color="red" variant="solid" className="mark">
      {value === 'confirm' ? `${t('mark.important')}·${t('mark.confirm')}` : t('mark.important')}
    </Tag>
  );
}

export function ExternalTag() {
  const { t } = useI18n();
  return (
    <Tag color="gold" className="mark mark-external">
      {t('mark.external')}
    </Tag>
  );
}
