/** The sender blocklist (SPEC Art. 4.3): what an officer types, and what a block covers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTempServices, type TempServices } from '../../../test/helpers/temp-services.js';
import { addBlock, blockedSender, BlocklistError, parseBlockPattern, removeBlock } from './blocklist.js';

describe('parseBlockPattern', () => {
  it.each([
    ['Evil.CN', { kind: 'domain', pattern: 'evil.cn' }],
    ['@evil.cn', { kind: 'domain', pattern: 'evil.cn' }],
    ['evil.cn.', { kind: 'domain', pattern: 'evil.cn' }],
    [' A.B@Mail.Evil.cn ', { kind: 'address', pattern: 'a.b@mail.evil.cn' }],
  ])('%s → %o', (input, expected) => {
    expect(parseBlockPattern(input)).toEqual(expected);
  });

  it.each(['evil', 'not a domain', 'a@b', '@', 'x@-evil.cn', 'a b@evil.cn'])('refuses %s', (input) => {
    expect(() => parseBlockPattern(input)).toThrow(BlocklistError);
  });
});

describe('blockedSender', () => {
  let temp: TempServices;
  beforeAll(async () => {
    temp = await createTempServices();
  });
  afterAll(async () => {
    await temp?.cleanup();
  });

  it('a domain covers its subdomains but not look-alikes; an address only itself', async () => {
    const { db, clock } = temp.services;
    await addBlock(db, clock, { pattern: 'evil.cn', reason: 'phishing', createdBy: 'officer' });
    const { block } = await addBlock(db, clock, { pattern: 'spam@ok.cn', reason: 'spam', createdBy: 'officer' });
    expect((await blockedSender(db, 'a@evil.cn'))?.pattern).toBe('evil.cn');
    expect((await blockedSender(db, 'A@Mail.EVIL.cn'))?.pattern).toBe('evil.cn');
    expect(await blockedSender(db, 'a@notevil.cn')).toBeUndefined();
    expect(await blockedSender(db, 'a@evil.cn.example')).toBeUndefined();
    expect((await blockedSender(db, 'spam@ok.cn'))?.pattern).toBe('spam@ok.cn');
    expect(await blockedSender(db, 'other@ok.cn')).toBeUndefined();
    expect(await blockedSender(db, '')).toBeUndefined();
    expect((await addBlock(db, clock, { pattern: '@EVIL.cn', reason: 'again', createdBy: 'officer' })).created).toBe(false);
    await removeBlock(db, block.id);
    expect(await blockedSender(db, 'spam@ok.cn')).toBeUndefined();
  });
});
