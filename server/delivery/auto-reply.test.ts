import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../platform/clock.js';
import { createTempServices, rfc5322, seedPerson, SYSTEM_ACTOR, type TempServices } from '../../test/helpers/temp-services.js';
import type { Account } from '../storage/database.js';
import { absenceWindow, automaticMailReason, headerBlock } from './auto-reply.js';

// 2026-11-28 10:00 in Haining.
const NOW = Date.parse('2026-11-28T10:00:00+08:00');

describe('out-of-office replies (RFC 3834)', () => {
  let temp: TempServices;
  let clock: ManualClock;
  let away: Account;
  let colleague: Account;

  beforeAll(async () => {
    clock = new ManualClock(NOW);
    temp = await createTempServices({ clock });
    away = await seedPerson(temp.services, { address: 'zhangwei@haining.gov.cn', displayName: '张伟' });
    colleague = await seedPerson(temp.services, { address: 'lina@haining.gov.cn', displayName: '李娜' });
    await temp.services.directory.addUnitList({ address: 'all@haining.gov.cn', displayName: '全体', unitCode: 'hn' }, SYSTEM_ACTOR);
    await temp.services.db
      .insertInto('webmail_settings')
      .values({ account_id: away.id, auto_reply_enabled: 1, auto_reply_subject: '外出：12月5日返岗', auto_reply_body: '我于11月27日至12月4日出差，急事请联系李娜。', auto_reply_from: '2026-11-27', auto_reply_until: '2026-12-04', updated_at: NOW - 86_400_000 })
      .execute();
  });
  afterAll(() => temp.cleanup());

  const deliver = (envelopeFrom: string, recipients: string[], extraHeaders: string[] = [], subject = '请审阅') =>
    temp.services.delivery.deliver({
      envelopeFrom,
      recipients,
      raw: Buffer.concat([Buffer.from(extraHeaders.map((h) => `${h}\r\n`).join('')), rfc5322({ from: envelopeFrom || 'x@example.com', to: recipients[0], subject })]),
      submittedBy: null,
      remoteIp: '127.0.0.1',
      protocol: 'smtp-mx',
    });
  const queuedTo = async (recipient: string) =>
    temp.services.db.selectFrom('outbound_queue').selectAll().where('recipient', '=', recipient).execute();

  it('answers an outside sender once, from the null sender, with Auto-Submitted and the thread headers', async () => {
    await deliver('wang@example.com', [away.address]);
    const queued = await queuedTo('wang@example.com');
    expect(queued).toHaveLength(1);
    expect(queued[0]!.envelope_from).toBe('');
    const raw = (await temp.services.mail.blobs.get(queued[0]!.blob_hash)).toString('utf8');
    expect(raw).toMatch(/^Auto-Submitted: auto-replied\r$/m);
    expect(raw).toMatch(/^In-Reply-To: <.+>\r$/m);
    expect(raw).toMatch(/^From: =\?UTF-8\?.+<zhangwei@haining\.gov\.cn>\r$/m);

    await deliver('wang@example.com', [away.address], [], '再次提醒');
    expect(await queuedTo('wang@example.com')).toHaveLength(1);
  });

  it('a colleague gets the reply in the INBOX, subject as set', async () => {
    await deliver(colleague.address, [away.address]);
    const inbox = await temp.services.db
      .selectFrom('messages')
      .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
      .select(['messages.subject', 'messages.from_address'])
      .where('mailboxes.account_id', '=', colleague.id)
      .where('mailboxes.name', '=', 'INBOX')
      .execute();
    expect(inbox).toEqual([{ subject: '外出：12月5日返岗', from_address: 'zhangwei@haining.gov.cn' }]);
  });

  it('never answers lists, bulk or automatic mail, robots or the null sender', async () => {
    await deliver('list-sender@example.com', ['all@haining.gov.cn']);
    await deliver('bulk@example.com', [away.address], ['Precedence: bulk']);
    await deliver('robot@example.com', [away.address], ['Auto-Submitted: auto-generated']);
    await deliver('news@example.com', [away.address], ['List-Id: <news.example.com>']);
    await deliver('exchange@example.com', [away.address], ['X-Auto-Response-Suppress: OOF, AutoReply']);
    await deliver('MAILER-DAEMON@example.com', [away.address]);
    await deliver('', [away.address]);
    for (const r of ['list-sender@example.com', 'bulk@example.com', 'robot@example.com', 'news@example.com', 'exchange@example.com', 'mailer-daemon@example.com']) {
      expect(await queuedTo(r), r).toEqual([]);
    }
  });

  it('answers only within the absence (Asia/Shanghai days)', async () => {
    clock.advance(7 * 86_400_000); // 2026-12-05 10:00: back at work
    await deliver('late@example.com', [away.address]);
    expect(await queuedTo('late@example.com')).toEqual([]);
    expect(absenceWindow('2026-12-04', '2026-12-04')).toEqual({ start: Date.parse('2026-12-03T16:00:00Z'), end: Date.parse('2026-12-04T15:59:59.999Z') });
  });

  it('tells automatic mail from a person by its headers', () => {
    const headers = (text: string) => headerBlock(Buffer.from(`${text}\r\n\r\nbody`));
    expect(automaticMailReason('a@example.com', headers('Subject: x\r\nAuto-Submitted: no'))).toBeNull();
    expect(automaticMailReason('a@example.com', headers('Auto-Submitted:\r\n auto-replied'))).toBe('Auto-Submitted');
    expect(automaticMailReason('<>', headers('Subject: x'))).toBe('null return path');
    expect(automaticMailReason('owner-staff@example.com', headers('Subject: x'))).toBe('robot return path');
  });
});
