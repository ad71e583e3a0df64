/**
 * Onboarding domain pieces without HTTP: the activation link's validity follows
 * `onboarding.activationLinkDays` on the injected clock; addresses from pinyin with suffixes;
 * document types by magic bytes only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTempServices, SYSTEM_ACTOR, type TempServices } from '../../../test/helpers/temp-services.js';
import { ManualClock } from '../../platform/clock.js';
import { sniffDocumentType } from './application-documents.js';
import { ActivationError, trackingCode } from './onboarding-service.js';

const DAY = 24 * 60 * 60 * 1000;
let temp: TempServices | undefined;
afterEach(async () => {
  await temp?.cleanup();
});

describe('OnboardingService', () => {
  it('links last activationLinkDays on the injected clock', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    temp = await createTempServices({ clock, overrides: { onboarding: { activationLinkDays: 3 } } });
    const { services } = temp;
    const unit = await services.directory.createUnit({ code: 'hn', name: '海宁市' }, SYSTEM_ACTOR);
    const account = await services.onboarding.createPendingAccount({ displayName: '张伟', unitId: unit.id, address: 'zw@haining.gov.cn', workId: 'W' }, { address: 'system', via: 'system' });
    const link = await services.onboarding.issueActivation(account, { address: 'system', via: 'system' });
    expect(link.expiresAt).toBe(clock.now() + 3 * DAY);
    expect(link.url).toBe(`https://mail.haining.gov.cn${link.path}`);
    const token = link.path.split('/').pop()!;
    clock.advance(3 * DAY - 1);
    await expect(services.onboarding.activationTarget(token)).resolves.toMatchObject({ account: { id: account.id } });
    clock.advance(1);
    await expect(services.onboarding.activationTarget(token)).rejects.toMatchObject({ code: 'expired' });
    await expect(services.onboarding.activationTarget(token)).rejects.toBeInstanceOf(ActivationError);
  });

  it('proposes addresses from pinyin, with a suffix when taken or reserved', async () => {
    temp = await createTempServices();
    const { services } = temp;
    await services.directory.createUnit({ code: 'hn', name: '海宁市' }, SYSTEM_ACTOR);
    expect(await services.onboarding.proposeAddress('张伟')).toBe('zhangwei@haining.gov.cn');
    await services.directory.createAccount({ address: 'zhangwei@haining.gov.cn', displayName: '张伟', unitCode: 'hn' }, SYSTEM_ACTOR);
    expect(await services.onboarding.proposeAddress('张伟')).toBe('zhangwei2@haining.gov.cn');
    expect(await services.onboarding.proposeAddress('张伟', new Set(['zhangwei2@haining.gov.cn']))).toBe('zhangwei3@haining.gov.cn');
    expect(await services.onboarding.proposeAddress('欧阳娜娜')).toBe('ouyangnana@haining.gov.cn');
  });

  it('types documents by content and makes unguessable tracking codes', () => {
    expect(sniffDocumentType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffDocumentType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
    expect(sniffDocumentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffDocumentType(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffDocumentType(Buffer.from('MZ\x90\x00'))).toBeNull();
    expect(sniffDocumentType(Buffer.alloc(0))).toBeNull();
    const codes = new Set(Array.from({ length: 200 }, trackingCode));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  });
});
