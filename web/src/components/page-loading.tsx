/** A Suspense boundary with the app's loading indicator, for lazily loaded pages. */
import { Spin } from 'antd';
import { Suspense, type ReactNode } from 'react';
import { useI18n } from '../i18n/index.js';

export function PageLoading({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <Suspense
      fallback={
        <div className="boot" role="status">
          <Spin />
          <span>{t('app.loading')}</span>
        </div>
      }
    >
      {children}
    </Suspense>
  );
}
