/**
 * 报告可疑邮件 (SPEC Art. 4.3) in the reading pane: a button and a short dialog (optional
 * details, move to 垃圾邮件). The report becomes an incident for the security officer; the
 * message stays (in Junk, if chosen) as evidence until the officer decides.
 */
import { AlertOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Checkbox, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { incidentsApi } from '../api/incidents.js';
import { queryKeys } from '../api/query-keys.js';
import { useI18n } from '../i18n/index.js';

export const myIncidentsKey = ['incidents', 'mine'] as const;

interface Props {
  messageId: number;
  /** Offer moving to Junk (not when the message is already there). */
  canMoveToJunk: boolean;
  /** Called after a report that moved the message out of this folder. */
  onMoved(): void;
}

export function ReportSuspiciousButton({ messageId, canMoveToJunk, onMoved }: Props) {
  const { t, errorText } = useI18n();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ description: string; moveToJunk: boolean }>();

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      const moveToJunk = canMoveToJunk && values.moveToJunk;
      const incident = await incidentsApi.report({ kind: 'suspicious_mail', description: values.description ?? '', messageId, moveToJunk });
      void message.success(t('incident.report.done', { id: incident.id }));
      setOpen(false);
      void queryClient.invalidateQueries({ queryKey: myIncidentsKey });
      if (moveToJunk) {
        void queryClient.invalidateQueries({ queryKey: queryKeys.allLists });
        void queryClient.invalidateQueries({ queryKey: queryKeys.mailboxes });
        onMoved();
      }
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        icon={<AlertOutlined />}
        className="report-suspicious"
        onClick={() => {
          form.resetFields();
          setOpen(true);
        }}
      >
        {t('incident.report.button')}
      </Button>
      <Modal
        open={open}
        title={t('incident.report.title')}
        okText={t('incident.report.submit')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => void submit()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Typography.Paragraph>{t('incident.report.intro')}</Typography.Paragraph>
        <Form form={form} layout="vertical" initialValues={{ description: '', moveToJunk: canMoveToJunk }}>
          <Form.Item name="description" label={t('incident.report.description')}>
            <Input.TextArea rows={3} maxLength={4000} placeholder={t('incident.report.descriptionHint')} />
          </Form.Item>
          {canMoveToJunk && (
            <Form.Item name="moveToJunk" valuePropName="checked">
              <Checkbox>{t('incident.report.moveToJunk')}</Checkbox>
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
