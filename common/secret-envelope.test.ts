import { sm2 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { EnvelopeError, openEnvelope, protectPrivateKey, sealEnvelope, unlockPrivateKey, verifyEnvelope } from './secret-envelope.js';

const person = (address: string) => ({ address, ...sm2.generateKeyPairHex() });
const MIME = new TextEncoder().encode('Content-Type: text/plain; charset=utf-8\r\n\r\n工作秘密：防汛物资调拨方案第三稿\r\n');

describe('工作秘密 envelope', () => {
  const sender = person('a@haining.gov.cn');
  const recipients = [person('b@haining.gov.cn'), person('c@haining.gov.cn'), person('d@haining.gov.cn')];
  const envelope = sealEnvelope({ content: MIME, sender, recipients });

  it('three recipients and the sender each decrypt; the signature verifies; no plaintext in the envelope', () => {
    for (const holder of [...recipients, sender]) expect(Buffer.from(openEnvelope(envelope, holder)).equals(Buffer.from(MIME))).toBe(true);
    expect(verifyEnvelope(envelope, sender.publicKey)).toBe(true);
    expect(verifyEnvelope(envelope, recipients[0]!.publicKey)).toBe(false);
    expect(JSON.stringify(envelope)).not.toContain('防汛');
    expect(() => openEnvelope(envelope, person('e@haining.gov.cn'))).toThrow(EnvelopeError);
  });

  it('tampering is detected: ciphertext fails to authenticate, a changed field breaks the signature', () => {
    const ct = envelope.ct.slice(0, 10) + (envelope.ct[10] === '0' ? '1' : '0') + envelope.ct.slice(11);
    expect(() => openEnvelope({ ...envelope, ct }, recipients[0]!)).toThrow(EnvelopeError);
    expect(verifyEnvelope({ ...envelope, ct }, sender.publicKey)).toBe(false);
    const intruder = person('x@haining.gov.cn');
    const widened = { ...envelope, keys: { ...envelope.keys, [intruder.address]: envelope.keys[sender.address]! } };
    expect(verifyEnvelope(widened, sender.publicKey)).toBe(false);
  });

  it('the private key is kept under the 加密口令 (PBKDF2-HMAC-SM3 + SM4-GCM); a wrong 口令 is refused', () => {
    const stored = protectPrivateKey(sender.privateKey, sender.publicKey, '汛期2026!', 200);
    expect(JSON.stringify(stored)).not.toContain(sender.privateKey);
    expect(unlockPrivateKey(stored, '汛期2026!')).toBe(sender.privateKey);
    expect(() => unlockPrivateKey(stored, 'wrong')).toThrow(EnvelopeError);
  });
});
