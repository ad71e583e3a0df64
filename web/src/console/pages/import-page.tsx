/**
 * Bulk onboarding (SPEC Art. 2): choose a CSV or .xlsx sheet, run it dry (a per-row report,
 * nothing created), then import the valid rows; the report then carries each new account's
 * activation link to hand over.
 */
import { UploadOutlined } from '@ant-design/icons';
import { Alert, Button, Space, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import type { ImportReport, ImportRow } from '../../../../common/schemas/onboarding.js';
import { onboardingApi } from '../../api/onboarding.js';
import { useI18n } from '../../i18n/index.js';
import { linkHere } from '../activation-link.js';

export default function ImportPage() {
  const { t, errorText } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = async (apply: boolean) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      setReport(await onboardingApi.importSheet(file, apply));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="console-page console-page-wide">
      <Typography.Title level={3}>{t('console.menu.import')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('console.import.intro')}</Typography.Paragraph>
      <Space wrap className="console-toolbar">
        <Upload
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          maxCount={1}
          beforeUpload={(picked) => {
            setFile(picked);
            setReport(null);
            return false;
          }}
          onRemove={() => {
            setFile(null);
            setReport(null);
          }}
          fileList={file ? [{ uid: 'sheet', name: file.name, status: 'done' }] : []}
        >
          <Button icon={<UploadOutlined />}>{t('apply.choose')}</Button>
        </Upload>
        <Button disabled={!file} loading={busy} onClick={() => void run(false)}>
          {t('console.import.dryRun')}
        </Button>
        <Button type="primary" disabled={!file || !report || report.applied || report.valid === 0} loading={busy} onClick={() => void run(true)}>
          {t('console.import.apply', { n: report?.valid ?? 0 })}
        </Button>
      </Space>
      {error && <Alert type="error" showIcon title={error} className="public-alert" />}
      {report && (
        <>
          <Alert
            type={report.invalid ? 'warning' : 'success'}
            showIcon
            className="public-alert"
            title={report.applied ? t('console.import.created', { n: report.created, bad: report.invalid }) : t('console.import.summary', { total: report.total, valid: report.valid, bad: report.invalid })}
          />
          <Table<ImportRow>
            size="small"
            rowKey="row"
            dataSource={report.rows}
            pagination={{ pageSize: 50 }}
            columns={[
              { title: t('console.import.row'), dataIndex: 'row', width: 70 },
              { title: t('apply.name'), dataIndex: 'displayName' },
              { title: t('apply.unit'), dataIndex: 'unit' },
              { title: t('apply.address'), dataIndex: 'address' },
              {
                title: t('console.import.result'),
                render: (_: unknown, r: ImportRow) =>
                  r.errors.length ? (
                    r.errors.map((e) => (
                      <Tag color="red" key={e.code}>
                        {e.message}
                      </Tag>
                    ))
                  ) : r.activation ? (
                    <Typography.Text copyable={{ text: linkHere(r.activation) }}>{t('console.import.linkReady')}</Typography.Text>
                  ) : (
                    <Tag color="green">{t('console.import.ok')}</Tag>
                  ),
              },
            ]}
          />
        </>
      )}
    </div>
  );
}
