/**
 * PBKDF2 (RFC 8018) with HMAC-SM3 (GB/T 32905), 32-byte output — a fast path for stretching the
 * 加密口令 in the browser (smcrypto). The SM3 compression is written out over 32-bit words and
 * the HMAC inner and outer states are computed once per passphrase, so each iteration costs two
 * compressions with no allocation (sm-crypto-v2's `sm3(…, { mode: 'hmac' })` re-hashes the key
 * and converts through hex each time: ~6× slower). Same output as the straightforward
 * construction (checked against sm-crypto-v2 in sm3-pbkdf2.test.ts), so stored keys stay valid.
 */
const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];
const rotl = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;
const T = Array.from({ length: 64 }, (_, j) => rotl(j < 16 ? 0x79cc4519 : 0x7a879d8a, j % 32));
const W = new Uint32Array(68);
const W1 = new Uint32Array(64);

/** One SM3 compression of the 16 big-endian words `block` into `v` (in place). */
function compress(v: Uint32Array, block: Uint32Array): void {
  for (let j = 0; j < 16; j++) W[j] = block[j]!;
  for (let j = 16; j < 68; j++) {
    const x = W[j - 16]! ^ W[j - 9]! ^ rotl(W[j - 3]!, 15);
    W[j] = x ^ rotl(x, 15) ^ rotl(x, 23) ^ rotl(W[j - 13]!, 7) ^ W[j - 6]!;
  }
  for (let j = 0; j < 64; j++) W1[j] = W[j]! ^ W[j + 4]!;
  let a = v[0]!, b = v[1]!, c = v[2]!, d = v[3]!, e = v[4]!, f = v[5]!, g = v[6]!, h = v[7]!;
  for (let j = 0; j < 64; j++) {
    const a12 = rotl(a, 12);
    const ss1 = rotl((a12 + e + T[j]!) >>> 0, 7);
    const ss2 = ss1 ^ a12;
    const ff = j < 16 ? a ^ b ^ c : (a & b) | (a & c) | (b & c);
    const gg = j < 16 ? e ^ f ^ g : (e & f) | (~e & g);
    const tt1 = (ff + d + ss2 + W1[j]!) >>> 0;
    const tt2 = (gg + h + ss1 + W[j]!) >>> 0;
    d = c;
    c = rotl(b, 9);
    b = a;
    a = tt1;
    h = g;
    g = rotl(f, 19);
    f = e;
    e = (tt2 ^ rotl(tt2, 9) ^ rotl(tt2, 17)) >>> 0;
  }
  v[0]! ^= a; v[1]! ^= b; v[2]! ^= c; v[3]! ^= d; v[4]! ^= e; v[5]! ^= f; v[6]! ^= g; v[7]! ^= h;
}

function wordsOf(bytes: Uint8Array, out: Uint32Array): void {
  for (let i = 0; i < 16; i++) out[i] = ((bytes[4 * i]! << 24) | (bytes[4 * i + 1]! << 16) | (bytes[4 * i + 2]! << 8) | bytes[4 * i + 3]!) >>> 0;
}

/** SM3 of a whole message (for a key longer than a block). */
function sm3(message: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil((message.length + 9) / 64) * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const bits = message.length * 8;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(padded.length - 4, bits >>> 0);
  const v = Uint32Array.from(IV);
  const block = new Uint32Array(16);
  for (let off = 0; off < padded.length; off += 64) {
    wordsOf(padded.subarray(off, off + 64), block);
    compress(v, block);
  }
  return bytesOf(v);
}

function bytesOf(v: Uint32Array): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    out[4 * i] = v[i]! >>> 24;
    out[4 * i + 1] = (v[i]! >>> 16) & 0xff;
    out[4 * i + 2] = (v[i]! >>> 8) & 0xff;
    out[4 * i + 3] = v[i]! & 0xff;
  }
  return out;
}

/** HMAC-SM3 of a message of at most 55 bytes, continuing from the keyed inner/outer states. */
function hmacShort(inner: Uint32Array, outer: Uint32Array, message: Uint32Array, messageBytes: number, out: Uint32Array, scratch: Uint32Array, block: Uint32Array): void {
  // Inner: one block = message ‖ 0x80 ‖ zeros ‖ length (64 + messageBytes bytes, in bits).
  block.fill(0);
  for (let i = 0; i < messageBytes >>> 2; i++) block[i] = message[i]!;
  block[messageBytes >>> 2] = 0x80000000;
  block[15] = (64 + messageBytes) * 8;
  scratch.set(inner);
  compress(scratch, block);
  // Outer: one block = inner digest (32 bytes) ‖ padding, length (64 + 32) * 8.
  block.fill(0);
  block.set(scratch);
  block[8] = 0x80000000;
  block[15] = (64 + 32) * 8;
  out.set(outer);
  compress(out, block);
}

/** PBKDF2-HMAC-SM3, one 32-byte block (dkLen = 32). Salt length a multiple of 4, at most 48 bytes. */
export function pbkdf2Sm3Fast(passphrase: string, salt: Uint8Array, iterations: number): Uint8Array {
  if (salt.length % 4 !== 0 || salt.length > 48) throw new RangeError('salt must be 0–48 bytes, a multiple of 4');
  let key: Uint8Array = new TextEncoder().encode(passphrase);
  if (key.length > 64) key = sm3(key);
  const pad = (x: number) => {
    const bytes = new Uint8Array(64).fill(x);
    for (let i = 0; i < key.length; i++) bytes[i]! ^= key[i]!;
    const words = new Uint32Array(16);
    wordsOf(bytes, words);
    const state = Uint32Array.from(IV);
    compress(state, words);
    return state;
  };
  const inner = pad(0x36);
  const outer = pad(0x5c);
  const scratch = new Uint32Array(8);
  const block = new Uint32Array(16);
  // U1 = HMAC(P, salt ‖ INT(1)).
  const first = new Uint8Array(64);
  first.set(salt);
  first[salt.length + 3] = 1;
  const firstWords = new Uint32Array(16);
  wordsOf(first, firstWords);
  const u = new Uint32Array(8);
  hmacShort(inner, outer, firstWords, salt.length + 4, u, scratch, block);
  const acc = Uint32Array.from(u);
  const next = new Uint32Array(8);
  for (let i = 1; i < iterations; i++) {
    hmacShort(inner, outer, u, 32, next, scratch, block);
    u.set(next);
    for (let j = 0; j < 8; j++) acc[j]! ^= u[j]!;
  }
  return bytesOf(acc);
}
