import { Button } from 'antd';
import { useI18n, type Locale } from '../i18n/index.js';

/** Switches between 中文 and English; `onChange` lets a signed-in page save the choice too. */
export function LanguageSwitch({ onChange }: { onChange?: (locale: Locale) => void }) {
  const { t, locale, setLocale } = useI18n();
  const next: Locale = locale === 'zh-CN' ? 'en' : 'zh-CN';
  return (
    <Button
      type="text"
      className="language-switch"
      lang={next}
      aria-label={`${t('language.label')}: ${t('language.switchTo')}`}
      onClick={() => {
        setLocale(next);
        onChange?.(next);
      }}
    >
      {t('language.switchTo')}
    </Button>
  );
}
