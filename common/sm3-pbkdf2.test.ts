import { sm3 } from 'sm-crypto-v2';
import { describe, expect, it } from 'vitest';
import { pbkdf2Sm3Fast } from './sm3-pbkdf2.js';

const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));

/** The straightforward construction on sm-crypto-v2's HMAC-SM3 (RFC 8018 §5.2, one block). */
function reference(passphrase: string, salt: Uint8Array, iterations: number): Uint8Array {
  const pass = new TextEncoder().encode(passphrase);
  let u = fromHex(sm3(new Uint8Array([...salt, 0, 0, 0, 1]), { key: pass, mode: 'hmac' }));
  const out = Uint8Array.from(u);
  for (let i = 1; i < iterations; i++) {
    u = fromHex(sm3(u, { key: pass, mode: 'hmac' }));
    for (let j = 0; j < out.length; j++) out[j]! ^= u[j]!;
  }
  return out;
}

describe('PBKDF2-HMAC-SM3 fast path', () => {
  it('equals the construction on sm-crypto-v2 for short, Chinese and long (> 64 bytes) passphrases, several salts and counts', () => {
    const salts = [new Uint8Array(16), Uint8Array.from({ length: 16 }, (_, i) => i * 17), Uint8Array.from({ length: 32 }, (_, i) => 255 - i), new Uint8Array(0)];
    for (const pass of ['a', '汛期2026!口令', '钱塘江大潮'.repeat(6), 'x'.repeat(64), 'y'.repeat(65)]) {
      for (const salt of salts) {
        for (const n of [1, 2, 3, 50]) expect(Buffer.from(pbkdf2Sm3Fast(pass, salt, n)).toString('hex'), `${pass} ${salt.length} ${n}`).toBe(Buffer.from(reference(pass, salt, n)).toString('hex'));
      }
    }
  });
});
