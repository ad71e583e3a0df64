import { sm2 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { sealEnvelope } from './secret-envelope.js';
import { buildSecretBody, buildSecretContent, newRecoveryCode, normaliseRecoveryCode, parseSecretBody, parseSecretContent, SecretMimeError } from './secret-mime.js';

describe('工作秘密 MIME shapes', () => {
  it('the sealed content round-trips html and attachments (binary, Chinese names)', () => {
    const binary = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) % 256);
    const content = { html: '<p>防汛物资调拨</p>', attachments: [{ filename: '清单 (第三稿).xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: binary }] };
    expect(parseSecretContent(buildSecretContent(content))).toEqual(content);
    expect(parseSecretContent(buildSecretContent({ html: '', attachments: [] }))).toEqual({ html: '', attachments: [] });
  });

  it('the body is deterministic for an envelope and parses back to it; anything else is refused', () => {
    const a = { address: 'a@haining.gov.cn', ...sm2.generateKeyPairHex() };
    const envelope = sealEnvelope({ content: new TextEncoder().encode('x'), sender: a, recipients: [] });
    const body = buildSecretBody(envelope);
    expect(buildSecretBody(envelope)).toBe(body);
    expect(parseSecretBody(body)).toEqual(envelope);
    expect(() => parseSecretBody('Content-Type: text/plain\r\n\r\nhello')).toThrow(SecretMimeError);
    expect(() => parseSecretBody(buildSecretBody({ ...envelope, v: 2 } as never))).toThrow(SecretMimeError);
    expect(() => parseSecretBody(buildSecretBody({ ...envelope, iv: 'zz' }))).toThrow(SecretMimeError);
  });

  it('recovery codes: 24 unambiguous base32 characters in groups of four; normalised for use', () => {
    const code = newRecoveryCode();
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){5}$/);
    expect(normaliseRecoveryCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code.replace(/-/g, ''));
  });
});
