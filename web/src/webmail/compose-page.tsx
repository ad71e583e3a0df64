/**
 * Writing a message (a lazy chunk): recipients with directory suggestions, subject, the rich-text
 * editor, attachments uploaded with a progress bar, classification (SPEC Art. 3.2, default 内部)
 * and importance with an optional confirmation deadline (Art. 3.4). Drafts save themselves a
 * moment after each change (POST /api/drafts replaces the previous version); sending goes
 * through the same submission pipeline as SMTP and removes the draft.
 */
import { CloseOutlined, DeleteOutlined, PaperClipOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Form, Input, Progress, Radio, Result, Select, Spin, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError } from '../../../common/errors.js';
import { sealEnvelope } from '../../../common/secret-envelope.js';
import { buildSecretBody, buildSecretContent } from '../../../common/secret-mime.js';
import { CLASSIFICATIONS, type Classification, type ComposeRequest } from '../../../common/schemas/webmail.js';
import { api, type UploadHandle } from '../api/client.js';
import { queryKeys } from '../api/query-keys.js';
import { AddressSelect, looksLikeAddress } from '../components/address-select.js';
import { RichTextEditor } from '../components/rich-text-editor.js';
import { useSession } from '../hooks/use-session.js';
import { formatSize, formatTime } from '../i18n/format.js';
import { useI18n } from '../i18n/index.js';
import { initialCompose, type ComposeInitial, type ComposeMode } from './compose-state.js';
import { NoKey, smKeysApi, unlock, unlockedKey, WrongPassphrase } from './sm-keyring.js';

/** Until the settings arrive: the server's default `smtp.maxMessageBytes` (its 413 is the real check). */
const DEFAULT_MAX_MESSAGE_BYTES = 50 * 1024 * 1024;
/** Attachments travel base64-encoded: 4 bytes for every 3. */
const encodedSize = (bytes: number) => Math.ceil(bytes / 3) * 4;
/** Quiet time after the last change before the draft is saved. */
const DRAFT_DELAY_MS = 2_000;

const MODES: ComposeMode[] = ['reply', 'replyAll', 'forward', 'forwardAttachment'];

interface Attachment {
  key: string;
  name: string;
  size: number;
  /** 'local': a file kept in the page, never uploaded (工作秘密 mail, sealed in the browser). */
  kind: 'upload' | 'draftPart' | 'message' | 'local';
  /** Upload id, draft part number or forwarded message id. */
  ref: string | null;
  progress: number;
  status: 'uploading' | 'done' | 'error';
  error?: string;
  handle?: UploadHandle;
  /** The file itself, for uploads and local files: 工作秘密 mail reads it here to seal it. */
  file?: File;
}

export default function ComposePage() {
  const { t, locale } = useI18n();
  const { session } = useSession();
  const [params] = useSearchParams();
  const modeParam = params.get('mode');
  const draftParam = Number(params.get('draft'));
  const idParam = Number(params.get('id'));
  const mode: ComposeMode = Number.isInteger(draftParam) && draftParam > 0 ? 'draft' : MODES.find((m) => m === modeParam) && idParam > 0 ? (modeParam as ComposeMode) : 'new';
  const sourceId = mode === 'draft' ? draftParam : mode === 'new' ? null : idParam;
  const toParam = params.get('to');

  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => api.settings(), staleTime: 5 * 60_000 });
  const source = useQuery({
    queryKey: queryKeys.message(sourceId ?? 0, false),
    queryFn: () => api.message(sourceId!, { peek: true }),
    enabled: sourceId !== null,
  });

  const ready = (settings.data || settings.isError) && (sourceId === null || source.data);
  const initial = useMemo(
    () => (ready ? initialCompose(mode, source.data, settings.data, session.account.address, { t, locale }, toParam && looksLikeAddress(toParam) ? [toParam] : []) : null),
    // Built once, when what it needs has arrived; later refetches must not reset the form.
    [ready, mode, sourceId],
  );

  if (source.isError) {
    return <Result status="warning" title={t('compose.loadFailed')} extra={<Button onClick={() => history.back()}>{t('settings.back')}</Button>} />;
  }
  if (!initial) {
    return (
      <div className="boot" role="status">
        <Spin />
        <span>{t('app.loading')}</span>
      </div>
    );
  }
  return <ComposeForm key={`${mode}-${sourceId ?? 'new'}`} initial={initial} />;
}

function ComposeForm({ initial }: { initial: ComposeInitial }) {
  const { t, locale, errorText } = useI18n();
  const { session } = useSession();
  const [passphrase, setPassphrase] = useState('');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { message, modal } = App.useApp();

  const [to, setTo] = useState(initial.to);
  const [cc, setCc] = useState(initial.cc);
  const [bcc, setBcc] = useState(initial.bcc);
  const [showCcBcc, setShowCcBcc] = useState(initial.cc.length > 0 || initial.bcc.length > 0);
  const [subject, setSubject] = useState(initial.subject);
  const html = useRef(initial.html);
  const [bodyVersion, setBodyVersion] = useState(0);
  const [classification, setClassification] = useState<Classification>(initial.classification);
  const [importance, setImportance] = useState(initial.importance);
  const [deadline, setDeadline] = useState<Dayjs | null>(initial.deadline ? dayjs(initial.deadline) : null);
  const [attachments, setAttachments] = useState<Attachment[]>(() =>
    initial.attachments.map((a, i) => ({ key: `init-${i}`, name: a.name, size: a.size, kind: a.kind, ref: a.ref, progress: 1, status: 'done' })),
  );
  const [names, setNames] = useState(initial.names);
  const learn = useCallback((address: string, name: string) => setNames((n) => (n[address] === name ? n : { ...n, [address]: name })), []);
  const [dirty, setDirty] = useState(false);
  const [sending, setSending] = useState(false);
  const [saveState, setSaveState] = useState<{ kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: Date } | { kind: 'failed' }>({ kind: 'idle' });
  const draftId = useRef<number | undefined>(initial.draftId);
  const saving = useRef<Promise<void>>(Promise.resolve());
  const fileInput = useRef<HTMLInputElement>(null);
  const sent = useRef(false);

  const change = <T,>(setter: (value: T) => void) => (value: T) => {
    setter(value);
    setDirty(true);
  };

  const totalBytes = attachments.reduce((sum, a) => sum + encodedSize(a.size), 0) + html.current.length;
  const settings = useQuery({ queryKey: queryKeys.settings, queryFn: () => api.settings(), staleTime: 5 * 60_000 });
  const maxMessageBytes = settings.data?.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const overLimit = totalBytes > maxMessageBytes;

  /** `张伟 <zhangwei@…>` when the name is known, so the headers (and Sent) show it. */
  const withName = useCallback(
    (address: string) => {
      const name = names[address]?.replace(/["<>\\]/g, '').trim();
      return name ? `${name} <${address}>` : address;
    },
    [names],
  );

  const request = useCallback(
    (): Partial<ComposeRequest> => ({
      ...(draftId.current !== undefined ? { draftId: draftId.current } : {}),
      to: to.map(withName),
      cc: cc.map(withName),
      bcc: bcc.map(withName),
      subject,
      html: html.current,
      attachments: attachments.filter((a) => a.kind === 'upload' && a.status === 'done' && a.ref).map((a) => a.ref!),
      draftParts: attachments.filter((a) => a.kind === 'draftPart' && a.ref).map((a) => a.ref!),
      attachMessages: attachments.filter((a) => a.kind === 'message' && a.ref).map((a) => Number(a.ref)),
      classification,
      importance,
      ...(importance === 'confirm' && deadline ? { deadline: deadline.toISOString() } : {}),
      ...(initial.inReplyTo !== undefined ? { inReplyTo: initial.inReplyTo } : {}),
    }),
    [to, cc, bcc, withName, subject, attachments, classification, importance, deadline, initial.inReplyTo],
  );

  const isEmpty = () => to.length + cc.length + bcc.length === 0 && subject.trim() === '' && attachments.length === 0 && html.current.replace(/<[^>]*>|&nbsp;|\s/g, '') === '';

  /** Saves now (after any save already running). */
  const saveDraft = useCallback(() => {
    const body = request();
    saving.current = saving.current.then(async () => {
      if (sent.current) return;
      setSaveState({ kind: 'saving' });
      try {
        draftId.current = await api.saveDraft({ ...body, ...(draftId.current !== undefined ? { draftId: draftId.current } : {}) });
        setSaveState({ kind: 'saved', at: new Date() });
        setDirty(false);
      } catch {
        setSaveState({ kind: 'failed' });
      }
    });
    return saving.current;
  }, [request]);

  // Autosave: a moment after the last change, when there is something to keep and no upload running.
  const uploading = attachments.some((a) => a.status === 'uploading');
  useEffect(() => {
    // 工作秘密 is never kept on the server in plaintext: no drafts (SPEC 3.2).
    if (!dirty || uploading || isEmpty() || classification === '工作秘密') return;
    const timer = setTimeout(() => void saveDraft(), DRAFT_DELAY_MS);
    return () => clearTimeout(timer);
    // isEmpty reads the same state as request
  }, [dirty, uploading, saveDraft, bodyVersion, classification]);

  const addFiles = (files: FileList | null) => {
    if (!files) return;
    for (const file of Array.from(files)) {
      const key = `up-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      if (classification === '工作秘密') {
        // Sealed in the browser at send time: the file never reaches the server in plaintext.
        setAttachments((list) => [...list, { key, name: file.name, size: file.size, kind: 'local', ref: null, progress: 1, status: 'done', file }]);
        setDirty(true);
        continue;
      }
      startUpload(file, key, true);
    }
    if (fileInput.current) fileInput.current.value = '';
  };

  /** Uploads a file (a new one, or a local one when the mail stops being 工作秘密). */
  const startUpload = (file: File, key: string, add: boolean) => {
    {
      const handle = api.upload(file, (progress) => setAttachments((list) => list.map((a) => (a.key === key ? { ...a, progress } : a))));
      const entry: Attachment = { key, name: file.name, size: file.size, kind: 'upload', ref: null, progress: 0, status: 'uploading', handle, file };
      setAttachments((list) => (add ? [...list, entry] : list.map((a) => (a.key === key ? entry : a))));
      handle.promise.then(
        (view) => {
          setAttachments((list) => list.map((a) => (a.key === key ? { ...a, ref: view.id, size: view.size, progress: 1, status: 'done', handle: undefined } : a)));
          setDirty(true);
        },
        (err: unknown) => {
          if (err instanceof DOMException && err.name === 'AbortError') return;
          const reason = errorText(err);
          setAttachments((list) => list.map((a) => (a.key === key ? { ...a, status: 'error', error: reason, handle: undefined } : a)));
          void message.error(t('compose.uploadFailed', { name: file.name, reason }));
        },
      );
    }
  };

  const changeClassification = (value: Classification) => {
    setClassification(value);
    setDirty(true);
    if (value !== '工作秘密') for (const a of attachments) if (a.kind === 'local' && a.file) startUpload(a.file, a.key, false);
  };

  const removeAttachment = (attachment: Attachment) => {
    attachment.handle?.abort();
    if (attachment.kind === 'upload' && attachment.ref) void api.deleteUpload(attachment.ref).catch(() => undefined);
    setAttachments((list) => list.filter((a) => a.key !== attachment.key));
    setDirty(true);
  };

  const goBack = () => {
    const index = (window.history.state as { idx?: number } | null)?.idx ?? 0;
    if (index > 0) navigate(-1);
    else navigate('/mail');
  };

  const close = async () => {
    if (dirty && !isEmpty() && classification !== '工作秘密') await saveDraft();
    void queryClient.invalidateQueries({ queryKey: queryKeys.mailboxes });
    goBack();
  };

  /** `confirmWarnings`: the user saw the outbound checks' warnings and chose to send anyway. */
  const send = async (confirmWarnings = false) => {
    const recipients = [...to, ...cc, ...bcc];
    if (recipients.length === 0) return void message.warning(t('compose.noRecipients'));
    const bad = recipients.find((r) => !looksLikeAddress(r));
    if (bad) return void message.warning(t('compose.invalidAddress', { value: bad }));
    if (uploading) return void message.warning(t('compose.uploading'));
    if (overLimit) return void message.warning(t('compose.overLimit', { size: formatSize(totalBytes), limit: formatSize(maxMessageBytes) }));
    if (subject.trim() === '' && !confirmWarnings) {
      const ok = await modal.confirm({ title: t('compose.noSubjectConfirm'), okText: t('compose.send'), cancelText: t('common.cancel') });
      if (!ok) return;
    }
    let secret: Partial<ComposeRequest> | null = null;
    if (classification === '工作秘密' && !attachments.some((a) => a.kind === 'message')) {
      // Forwarding encrypted mail as an attachment carries its envelope as it is; anything else is sealed here.
      secret = await sealed();
      if (!secret) return;
    }
    setSending(true);
    try {
      await saving.current;
      const body = secret ?? request();
      const result = await api.send(confirmWarnings ? { ...body, confirmWarnings: true } : body);
      sent.current = true;
      // Sealed: files uploaded before 工作秘密 was chosen went into the envelope, not the send; drop them.
      if (secret) for (const a of attachments) if (a.kind === 'upload' && a.ref) void api.deleteUpload(a.ref).catch(() => undefined);
      if (result.heldForReview) void message.info(t('compose.heldForReview'));
      else void message.success(result.queuedExternal > 0 ? t('compose.sentExternal', { count: result.queuedExternal }) : t('compose.sent'));
      void queryClient.invalidateQueries({ queryKey: queryKeys.mailboxes });
      void queryClient.invalidateQueries({ queryKey: queryKeys.allLists });
      goBack();
    } catch (err) {
      setSending(false);
      // Outbound content checks (SPEC 3.1–3.2): warnings to confirm, or the reasons for a refusal
      // (for classified content the server's reason names the 机要 channel).
      const reasons = err instanceof ApiError ? (err.issues ?? []).map((i) => i.message) : [];
      if (err instanceof ApiError && err.code === 'outbound.confirm_required') {
        const ok = await modal.confirm({
          title: t('compose.outboundWarnTitle'),
          content: <OutboundReasons intro={t('compose.outboundWarnIntro')} reasons={reasons} />,
          okText: t('compose.sendAnyway'),
          cancelText: t('common.cancel'),
        });
        if (ok) void send(true);
        return;
      }
      if (err instanceof ApiError && err.code === 'outbound.blocked') {
        void modal.error({ title: t('compose.outboundBlockedTitle'), content: <OutboundReasons intro={t('compose.outboundWarnIntro')} reasons={reasons} />, okText: t('common.ok') });
        return;
      }
      void modal.error({ title: t('compose.send'), content: errorText(err), okText: t('common.ok') });
    }
  };

  /**
   * 工作秘密 (SPEC 3.2): recipients' public keys from the directory (any external or keyless
   * recipient blocks, listed), the html and files sealed in an SM2/SM3/SM4 envelope for them and
   * the sender, signed with the sender's key (unlocked with the 口令 once per page session).
   */
  const sealed = async (): Promise<Partial<ComposeRequest> | null> => {
    if (attachments.some((a) => a.kind === 'draftPart' || !a.file)) {
      void message.warning(t('smcrypto.draftPartsUnsupported'));
      return null;
    }
    const me = session.account.address.toLowerCase();
    const addresses = [...new Set([...to, ...cc, ...bcc].map((a) => a.toLowerCase()))];
    setSending(true);
    try {
      const directory = await smKeysApi.publicKeys([...addresses, me]);
      const missing = directory.missing.filter((a) => a !== me);
      if (missing.length > 0) {
        void modal.error({ title: t('smcrypto.missingTitle'), content: <OutboundReasons intro={t('smcrypto.missingIntro')} reasons={missing} />, okText: t('common.ok') });
        return null;
      }
      let key = unlockedKey(me);
      if (!key) {
        if (!directory.keys.some((k) => k.address === me)) throw new NoKey();
        if (passphrase === '') {
          void message.warning(t('smcrypto.needPassphrase'));
          return null;
        }
        await new Promise((resolve) => setTimeout(resolve, 30));
        key = await unlock(me, passphrase);
      }
      const files = await Promise.all(attachments.map(async (a) => ({ filename: a.name, contentType: a.file!.type || 'application/octet-stream', data: new Uint8Array(await a.file!.arrayBuffer()) })));
      const content = buildSecretContent({ html: html.current, attachments: files });
      const recipients = directory.keys.filter((k) => k.address !== me).map((k) => ({ address: k.address, publicKey: k.publicKey }));
      const envelope = sealEnvelope({ content, sender: { address: me, publicKey: key.publicKey, privateKey: key.privateKey }, recipients });
      return { ...request(), html: '', attachments: [], draftParts: [], attachMessages: [], secretBody: buildSecretBody(envelope) };
    } catch (err) {
      if (err instanceof WrongPassphrase) void message.error(t('smcrypto.wrongPassphrase'));
      else if (err instanceof NoKey) void modal.error({ title: t('smcrypto.noKey'), okText: t('common.ok') });
      else void modal.error({ title: t('compose.send'), content: errorText(err), okText: t('common.ok') });
      return null;
    } finally {
      setSending(false);
    }
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      event.preventDefault();
      void send();
    }
  };

  const saveText =
    saveState.kind === 'saving'
      ? t('compose.draftSaving')
      : saveState.kind === 'saved'
        ? t('compose.draftSaved', { time: formatTime(locale, saveState.at) })
        : saveState.kind === 'failed'
          ? t('compose.draftFailed')
          : '';

  return (
    <div className="compose" onKeyDown={onKeyDown}>
      <div className="compose-toolbar" role="toolbar" aria-label={t('compose.title')}>
        <Typography.Title level={1} className="compose-title">
          {t('compose.title')}
        </Typography.Title>
        <span className="compose-status" role="status" aria-live="polite">
          {saveText}
        </span>
        <Button icon={<SaveOutlined />} onClick={() => void saveDraft()} disabled={sending || classification === '工作秘密'}>
          {t('compose.saveDraft')}
        </Button>
        <Button icon={<CloseOutlined />} onClick={() => void close()} disabled={sending}>
          {t('compose.discard')}
        </Button>
        <Button type="primary" icon={<SendOutlined />} loading={sending} onClick={() => void send()} aria-keyshortcuts="Control+Enter">
          {sending ? t('compose.sending') : t('compose.send')}
        </Button>
      </div>

      <Form layout="horizontal" labelCol={{ flex: '88px' }} wrapperCol={{ flex: 'auto' }} className="compose-form" colon={false} component="div">
        <Form.Item label={t('compose.to')} htmlFor="compose-to">
          <div className="compose-row">
            <AddressSelect id="compose-to" label={t('compose.to')} value={to} onChange={change(setTo)} names={names} onLearn={learn} autoFocus={initial.to.length === 0} />
            {!showCcBcc && (
              <Button type="link" size="small" onClick={() => setShowCcBcc(true)}>
                {t('compose.showCcBcc')}
              </Button>
            )}
          </div>
        </Form.Item>
        {showCcBcc && (
          <>
            <Form.Item label={t('compose.cc')} htmlFor="compose-cc">
              <AddressSelect id="compose-cc" label={t('compose.cc')} value={cc} onChange={change(setCc)} names={names} onLearn={learn} />
            </Form.Item>
            <Form.Item label={t('compose.bcc')} htmlFor="compose-bcc">
              <AddressSelect id="compose-bcc" label={t('compose.bcc')} value={bcc} onChange={change(setBcc)} names={names} onLearn={learn} />
            </Form.Item>
          </>
        )}
        <Form.Item label={t('compose.subject')} htmlFor="compose-subject">
          <Input id="compose-subject" value={subject} maxLength={998} onChange={(e) => change(setSubject)(e.target.value)} autoFocus={initial.to.length > 0 && initial.subject === ''} />
        </Form.Item>
        <Form.Item label={t('compose.classification')} htmlFor="compose-classification" help={classification === '内部' ? t('compose.classificationHelp') : undefined}>
          <Select
            id="compose-classification"
            className="compose-classification"
            value={classification}
            onChange={changeClassification}
            options={CLASSIFICATIONS.map((c) => ({ value: c, label: c }))}
          />
        </Form.Item>
        {classification === '涉密' && <Alert className="compose-alert" type="error" showIcon title={t('compose.secretWarning')} />}
        {classification === '工作秘密' && <Alert className="compose-alert" type="info" showIcon title={t('compose.workSecretNote')} description={t('smcrypto.composeNote')} />}
        {classification === '工作秘密' && !unlockedKey(session.account.address) && (
          <Form.Item label={t('smcrypto.passphrase')} htmlFor="compose-sm-passphrase" help={t('smcrypto.composePassphrase')}>
            <Input.Password id="compose-sm-passphrase" value={passphrase} onChange={(e) => setPassphrase(e.target.value)} autoComplete="off" />
          </Form.Item>
        )}
        <Form.Item label={t('compose.importance')}>
          <div className="compose-row compose-importance">
            <Radio.Group
              aria-label={t('compose.importance')}
              value={importance}
              onChange={(e) => change(setImportance)(e.target.value as typeof importance)}
              optionType="button"
              options={[
                { value: 'normal', label: t('compose.importance.normal') },
                { value: 'high', label: t('compose.importance.high') },
                { value: 'confirm', label: t('compose.importance.confirm') },
              ]}
            />
            {importance === 'confirm' && (
              <DatePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                aria-label={t('compose.deadline')}
                placeholder={t('compose.deadlinePlaceholder')}
                value={deadline}
                onChange={change(setDeadline)}
                disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
              />
            )}
          </div>
        </Form.Item>
        <Form.Item label={t('compose.attachments')}>
          <div className="compose-attachments">
            <input ref={fileInput} type="file" multiple hidden onChange={(e) => addFiles(e.target.files)} aria-label={t('compose.attach')} data-testid="compose-file-input" />
            <div className="compose-row">
              <Button icon={<PaperClipOutlined />} onClick={() => fileInput.current?.click()}>
                {t('compose.attach')}
              </Button>
              <span className={overLimit ? 'size-limit size-limit-over' : 'size-limit'}>
                {overLimit ? t('compose.overLimit', { size: formatSize(totalBytes), limit: formatSize(maxMessageBytes) }) : t('compose.sizeLimit', { size: formatSize(maxMessageBytes) })}
              </span>
            </div>
            {attachments.length > 0 && (
              <ul className="upload-list">
                {attachments.map((a) => (
                  <li key={a.key} className={`upload upload-${a.status}`}>
                    <PaperClipOutlined aria-hidden />
                    <span className="upload-name" title={a.name}>
                      {a.kind === 'message' ? t('compose.forwardedMessage', { subject: a.name }) : a.name}
                    </span>
                    <span className="upload-size">{formatSize(a.size)}</span>
                    {a.status !== 'done' && (
                      <Progress
                        className="upload-progress"
                        percent={Math.round(a.progress * 100)}
                        size="small"
                        status={a.status === 'error' ? 'exception' : 'active'}
                        aria-label={`${a.name} ${Math.round(a.progress * 100)}%`}
                      />
                    )}
                    {a.error && <span className="upload-error">{a.error}</span>}
                    <Button type="text" size="small" icon={<DeleteOutlined />} aria-label={t('compose.removeAttachment', { name: a.name })} onClick={() => removeAttachment(a)} />
                  </li>
                ))}
              </ul>
            )}
          </div>
        </Form.Item>
      </Form>

      <div className="compose-body">
        <span id="compose-body-label" className="visually-hidden">
          {t('compose.body')}
        </span>
        <RichTextEditor
          initialHtml={initial.html}
          label={t('compose.body')}
          labelledBy="compose-body-label"
          minHeight={280}
          onChange={(value) => {
            if (value === html.current) return;
            html.current = value;
            setBodyVersion((v) => v + 1);
            setDirty(true);
          }}
        />
      </div>
    </div>
  );
}

/** The outbound checks' findings, one per line. */
function OutboundReasons({ intro, reasons }: { intro: string; reasons: string[] }) {
  return (
    <div className="compose-outbound-reasons">
      <p>{intro}</p>
      <ul>
        {reasons.map((reason) => (
          <li key={reason}>{reason}</li>
        ))}
      </ul>
    </div>
  );
}
