/**
 * The public application form (SPEC Art. 2.1–2.2): name, unit from the tree, position, work-ID
 * number, mobile, reason, a scan of the work ID or unit certificate (PDF/JPG/PNG ≤ 5 MB; the
 * server checks the content), and the regulation, which must be scrolled to its end before it
 * can be accepted. Answers with the tracking code.
 */
import { UploadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Checkbox, Form, Input, Result, TreeSelect, Typography, Upload } from 'antd';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { REGULATION_VERSION } from '../../../common/regulation.js';
import type { PublicUnit } from '../../../common/schemas/onboarding.js';
import { ApiError } from '../../../common/errors.js';
import { onboardingApi } from '../api/onboarding.js';
import { RegulationText } from '../components/regulation-text.js';
import { unitTree } from '../components/unit-tree.js';
import { useI18n } from '../i18n/index.js';

const MAX_BYTES = 5 * 1024 * 1024;

interface FormValues {
  displayName: string;
  unitId: number;
  title: string;
  workId: string;
  mobile: string;
  reason: string;
  accept: boolean;
}

export default function ApplyPage() {
  const { t, errorText } = useI18n();
  const [form] = Form.useForm<FormValues>();
  const units = useQuery({ queryKey: ['public', 'units'], queryFn: () => onboardingApi.publicUnits() });
  const tree = useMemo(() => unitTree(units.data ?? ([] as PublicUnit[])), [units.data]);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [readToEnd, setReadToEnd] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [trackingCode, setTrackingCode] = useState<string | null>(null);

  if (trackingCode) {
    return (
      <Card className="public-card">
        <Result
          status="success"
          title={t('apply.submitted')}
          subTitle={t('apply.submittedHint')}
          extra={[
            <Typography.Paragraph key="code" copyable={{ text: trackingCode }} className="tracking-code" data-testid="tracking-code">
              {trackingCode}
            </Typography.Paragraph>,
            <Link key="status" to={`/apply/status?code=${encodeURIComponent(trackingCode)}`}>
              {t('apply.statusLink')}
            </Link>,
          ]}
        />
      </Card>
    );
  }

  const submit = async (values: FormValues) => {
    if (!file) {
      setFileError(t('apply.documentRequired'));
      return;
    }
    setSubmitting(true);
    setError(null);
    try {
      const result = await onboardingApi.apply(
        {
          displayName: values.displayName,
          unitId: String(values.unitId),
          title: values.title,
          workId: values.workId,
          mobile: values.mobile,
          reason: values.reason,
          regulationVersion: REGULATION_VERSION,
          acceptRegulation: values.accept ? 'true' : 'false',
        },
        file,
      );
      setTrackingCode(result.trackingCode);
    } catch (err) {
      setError(errorText(err));
      if (err instanceof ApiError) {
        const fields = (err.issues ?? []).filter((i) => i.path && i.path !== 'document').map((i) => ({ name: i.path as keyof FormValues, errors: [i.message] }));
        if (fields.length) form.setFields(fields);
        const doc = err.issues?.find((i) => i.path === 'document');
        if (doc) setFileError(doc.message);
      }
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Card className="public-card" title={<h1 className="public-title">{t('apply.heading')}</h1>}>
      <Typography.Paragraph type="secondary">{t('apply.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon title={error} className="public-alert" />}
      <Form form={form} layout="vertical" onFinish={(v) => void submit(v)} requiredMark>
        <Form.Item name="displayName" label={t('apply.name')} rules={[{ required: true, whitespace: true, max: 40 }]}>
          <Input autoComplete="name" maxLength={40} />
        </Form.Item>
        <Form.Item name="unitId" label={t('apply.unit')} rules={[{ required: true }]}>
          <TreeSelect treeData={tree} showSearch treeNodeFilterProp="title" treeDefaultExpandAll placeholder={t('apply.unitPlaceholder')} loading={units.isPending} />
        </Form.Item>
        <Form.Item name="title" label={t('apply.position')} rules={[{ required: true, whitespace: true, max: 60 }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="workId" label={t('apply.workId')} rules={[{ required: true, whitespace: true, min: 2, max: 40 }]}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="mobile" label={t('apply.mobile')} rules={[{ required: true, pattern: /^1[3-9]\d{9}$/, message: t('apply.mobileInvalid') }]}>
          <Input inputMode="tel" autoComplete="tel" maxLength={11} />
        </Form.Item>
        <Form.Item name="reason" label={t('apply.reason')} rules={[{ required: true, whitespace: true, min: 2, max: 500 }]}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
        <Form.Item label={t('apply.document')} required help={fileError ?? t('apply.documentHint')} validateStatus={fileError ? 'error' : undefined}>
          <Upload
            accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
            maxCount={1}
            beforeUpload={(picked) => {
              if (picked.size > MAX_BYTES) {
                setFileError(t('apply.documentTooLarge'));
                setFile(null);
              } else {
                setFileError(null);
                setFile(picked);
              }
              return false;
            }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: 'doc', name: file.name, status: 'done' }] : []}
          >
            <Button icon={<UploadOutlined />}>{t('apply.choose')}</Button>
          </Upload>
        </Form.Item>
        <Form.Item label={t('apply.regulation')} required>
          <div
            className="regulation-box"
            tabIndex={0}
            role="region"
            aria-label={t('apply.regulation')}
            data-testid="regulation"
            onScroll={(e) => {
              const el = e.currentTarget;
              if (el.scrollTop + el.clientHeight >= el.scrollHeight - 8) setReadToEnd(true);
            }}
          >
            <RegulationText />
          </div>
          {!readToEnd && <Typography.Text type="secondary">{t('apply.scrollHint')}</Typography.Text>}
        </Form.Item>
        <Form.Item name="accept" valuePropName="checked" rules={[{ validator: (_, v) => (v ? Promise.resolve() : Promise.reject(new Error(t('apply.acceptRequired')))) }]}>
          <Checkbox disabled={!readToEnd}>{t('apply.accept')}</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={submitting} block>
          {t('apply.submit')}
        </Button>
      </Form>
      <Typography.Paragraph className="public-footer-link">
        <Link to="/apply/status">{t('apply.statusLink')}</Link> · <a href="/">{t('apply.backToSignIn')}</a>
      </Typography.Paragraph>
    </Card>
  );
}
