/**
 * The 加密邮件 panel of the reading pane (SPEC 3.2; smcrypto): a message carrying the 工作秘密
 * envelope is decrypted here, in the browser, with the reader's 口令 — the server never sees the
 * plaintext. The signature is verified against the sender's public key from the directory
 * (current or retired) and shown as 签名有效/无效 with the signer; the content is sanitised
 * (secret-html.ts), shown in a sandboxed frame without scripts, under a watermark of the
 * viewer's name, address and the time; attachments download from the decrypted content.
 */
import { DownloadOutlined, FileOutlined, LockOutlined, SafetyCertificateOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { EnvelopeError, openEnvelope, verifyEnvelope } from '../../../common/secret-envelope.js';
import { asEnvelope, parseSecretContent } from '../../../common/secret-mime.js';
import type { AttachmentView, MessageDetail } from '../../../common/schemas/webmail.js';
import { api, callBytes } from '../api/client.js';
import { useSession } from '../hooks/use-session.js';
import { formatDateTime, formatSize } from '../i18n/format.js';
import { useI18n } from '../i18n/index.js';
import { secretFrameDocument, sanitizeSecretHtml } from './secret-html.js';
import { NoKey, smKeysApi, unlock, unlockedKey, WrongPassphrase } from './sm-keyring.js';

interface Opened {
  doc: string;
  attachments: { filename: string; contentType: string; size: number; url: string }[];
  signature: { valid: boolean; name: string | null; address: string };
  openedAt: string;
}

const WATERMARK_TILES = 24;

export function SecretMailPanel({ detail, part }: { detail: MessageDetail; part: AttachmentView }) {
  const { t, locale, errorText } = useI18n();
  const { session } = useSession();
  const me = session.account.address.toLowerCase();
  const [passphrase, setPassphrase] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [opened, setOpened] = useState<Opened | null>(null);

  // Blob URLs of decrypted attachments live as long as the panel.
  useEffect(() => () => opened?.attachments.forEach((a) => URL.revokeObjectURL(a.url)), [opened]);

  const decrypt = async () => {
    setError(null);
    setBusy(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    try {
      const raw = await callBytes(api.partUrl(detail.id, part.part));
      let envelope;
      try {
        envelope = asEnvelope(JSON.parse(new TextDecoder().decode(raw)));
      } catch {
        return setError(t('smcrypto.damaged'));
      }
      if (!envelope.keys[me]) return setError(t('smcrypto.notForYou'));
      let key = unlockedKey(me);
      if (!key) {
        if (passphrase === '') return setError(t('smcrypto.needPassphrase'));
        key = await unlock(me, passphrase);
      }
      let bytes: Uint8Array;
      try {
        bytes = openEnvelope(envelope, { address: me, privateKey: key.privateKey });
      } catch (err) {
        if (err instanceof EnvelopeError) return setError(t('smcrypto.notForYou'));
        throw err;
      }
      const content = parseSecretContent(bytes);
      const directory = await smKeysApi.publicKeys([envelope.from]);
      const signer = directory.keys[0];
      // Valid: signed by the sender's certificate (current or earlier), and that sender is the mail's From.
      const fromMatches = (detail.from?.address ?? '').toLowerCase() === envelope.from;
      const verified = signer ? [signer.publicKey, ...signer.retired].some((k) => verifyEnvelope(envelope, k)) : false;
      setOpened({
        doc: secretFrameDocument(sanitizeSecretHtml(content.html), locale),
        attachments: content.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.data.length, url: URL.createObjectURL(new Blob([a.data as BlobPart], { type: a.contentType })) })),
        signature: { valid: fromMatches && verified, name: signer?.name ?? null, address: envelope.from },
        openedAt: new Date().toISOString(),
      });
      setPassphrase('');
    } catch (err) {
      if (err instanceof WrongPassphrase) setError(t('smcrypto.wrongPassphrase'));
      else if (err instanceof NoKey) setError(t('smcrypto.noKey'));
      else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const watermark = useMemo(
    () => (opened ? t('smcrypto.watermark', { name: session.account.displayName, address: session.account.address, time: formatDateTime(locale, opened.openedAt) }) : ''),
    [opened, session.account, locale, t],
  );

  if (!opened) {
    return (
      <section className="sm-panel" aria-label={t('smcrypto.panelTitle')}>
        <h3 className="sm-panel-title">
          <LockOutlined aria-hidden /> {t('smcrypto.panelTitle')}
        </h3>
        <p>{t('smcrypto.panelNote')}</p>
        <div className="sm-panel-form">
          {!unlockedKey(me) && (
            <Input.Password aria-label={t('smcrypto.passphrase')} placeholder={t('smcrypto.passphrase')} value={passphrase} onChange={(e) => setPassphrase(e.target.value)} onPressEnter={() => void decrypt()} autoComplete="off" />
          )}
          <Button type="primary" icon={<LockOutlined />} loading={busy} onClick={() => void decrypt()}>
            {t('smcrypto.decrypt')}
          </Button>
        </div>
        {error && <Alert className="sm-panel-error" type="error" showIcon title={error} role="alert" />}
      </section>
    );
  }

  return (
    <section className="sm-panel sm-panel-open" aria-label={t('smcrypto.panelTitle')}>
      <div className="sm-signature" role="status">
        {opened.signature.valid ? (
          <Tag color="success" icon={<SafetyCertificateOutlined />}>
            {t('smcrypto.sigValid')}
          </Tag>
        ) : (
          <Tag color="red" icon={<WarningOutlined />}>
            {t('smcrypto.sigInvalid')}
          </Tag>
        )}
        <span className="sm-signer">{opened.signature.name ? t('smcrypto.signer', { name: opened.signature.name, address: opened.signature.address }) : t('smcrypto.signerUnknown', { address: opened.signature.address })}</span>
      </div>
      <div className="sm-content">
        <iframe className="sm-content-frame" title={t('smcrypto.contentFrame')} sandbox="" srcDoc={opened.doc} referrerPolicy="no-referrer" />
        <div className="sm-watermark" aria-hidden data-testid="sm-watermark">
          {Array.from({ length: WATERMARK_TILES }, (_, i) => (
            <span key={i}>{watermark}</span>
          ))}
        </div>
      </div>
      {opened.attachments.length > 0 && (
        <section className="attachments" aria-label={t('smcrypto.attachments', { count: opened.attachments.length })}>
          <h3 className="attachments-heading">{t('smcrypto.attachments', { count: opened.attachments.length })}</h3>
          <ul className="attachment-list">
            {opened.attachments.map((a) => (
              <li key={a.url} className="attachment">
                <FileOutlined aria-hidden className="attachment-icon" />
                <span className="attachment-name" title={a.filename}>
                  {a.filename}
                </span>
                <span className="attachment-size">{formatSize(a.size)}</span>
                <Button size="small" type="link" icon={<DownloadOutlined />} href={a.url} download={a.filename} aria-label={`${t('reader.download')} ${a.filename}`}>
                  {t('reader.download')}
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}
