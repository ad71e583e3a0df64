/**
 * Mail to a deactivated address over real SMTP (SPEC Art. 3.6): during the handover window the
 * MX accepts it at RCPT and it lands in the successor's INBOX (nodemailer, and a raw session to
 * see the RCPT reply); afterwards RCPT is refused with `550 5.1.1` and a text naming the unit's
 * contact address (RFC 5321 §3.3, RFC 3463 X.1.1). Lists of the unit no longer reach the person.
 */
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminActor } from '../../server/governance/accounts/administration.js';
import { unitTreeFrom } from '../../server/governance/policy.js';
import { ManualClock } from '../../server/platform/clock.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';
import { rfc5322, SYSTEM_ACTOR } from '../helpers/temp-services.js';

const DAY = 24 * 60 * 60 * 1000;
const clock = new ManualClock(Date.parse('2026-11-29T02:00:00Z'));
let gm: TestGovmail;

async function actorFor(address: string): Promise<AdminActor> {
  const account = await gm.services.directory.getAccount(address);
  const units = await gm.services.db.selectFrom('units').select(['id', 'parent_id']).execute();
  return { policy: { accountId: account.id, unitId: account.unit_id, roles: JSON.parse(account.roles) }, tree: unitTreeFrom(units), who: { address, accountId: account.id, via: 'cli' } };
}

beforeAll(async () => {
  gm = await startTestGovmail({ start: { clock }, people: [{ address: 'admin@haining.gov.cn', displayName: '管理员', roles: ['dept_admin'] }] });
  await gm.services.directory.createUnit({ code: 'czj', name: '财政局', parentCode: 'hn', contactAddress: 'czj-office@haining.gov.cn' }, SYSTEM_ACTOR);
  await gm.addPerson({ address: 'liuyang@haining.gov.cn', displayName: '刘洋', unitCode: 'czj' });
  await gm.addPerson({ address: 'zhoumin@haining.gov.cn', displayName: '周敏', unitCode: 'czj' });
  await gm.services.directory.addUnitList({ address: 'czj-all@haining.gov.cn', displayName: '财政局全体', unitCode: 'czj' }, SYSTEM_ACTOR);

  // Deactivate 刘洋 with 周敏 as successor for 30 days; the department admin waives what a
  // test cannot do by hand (the export, the auto-reply).
  const admin = await actorFor('admin@haining.gov.cn');
  const liuyang = await gm.services.directory.getAccount('liuyang@haining.gov.cn');
  const d = await gm.services.deactivation.request(liuyang.id, { reason: '调离', successorAddress: 'zhoumin@haining.gov.cn', forwardDays: 30 }, admin);
  await gm.services.deactivation.waive(d.id, 'export', '单位已归档', admin);
  await gm.services.deactivation.waive(d.id, 'auto_reply', '由接替人答复', admin);
  await gm.services.deactivation.complete(d.id, admin);
});

afterAll(async () => {
  await gm?.stop();
});

async function mx(): Promise<SmtpWire> {
  const wire = await SmtpWire.connect(gm.ports.smtp);
  expect((await wire.ehlo('mx.example.com')).code).toBe(250);
  return wire;
}

describe('a deactivated address during the handover window', () => {
  it('RCPT is accepted and the message lands in the successor’s INBOX', async () => {
    const wire = await mx();
    try {
      expect((await wire.command('MAIL FROM:<sender@example.com>')).code).toBe(250);
      expect((await wire.command('RCPT TO:<liuyang@haining.gov.cn>')).code).toBe(250);
    } finally {
      await wire.quit();
    }
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gm.ports.smtp, secure: false, ignoreTLS: true });
    const info = await transport.sendMail({ envelope: { from: 'sender@example.com', to: ['liuyang@haining.gov.cn'] }, raw: rfc5322({ to: 'liuyang@haining.gov.cn', subject: 'handover window' }) });
    expect(info.accepted).toEqual(['liuyang@haining.gov.cn']);
    const inbox = await gm.inbox('zhoumin@haining.gov.cn');
    expect(inbox.map((m) => m.subject)).toContain('handover window');
    expect(await gm.inbox('liuyang@haining.gov.cn')).toHaveLength(0);
  });

  it('the unit list no longer expands to the deactivated person', async () => {
    const resolution = await gm.services.delivery.resolver.resolve('czj-all@haining.gov.cn');
    const liuyang = await gm.services.directory.getAccount('liuyang@haining.gov.cn');
    expect(resolution.kind === 'local' && resolution.accountIds).not.toContain(liuyang.id);
  });
});

describe('after the handover window', () => {
  it('RCPT is refused with 550 5.1.1 naming the unit’s contact', async () => {
    clock.advance(30 * DAY + 1000);
    const wire = await mx();
    try {
      expect((await wire.command('MAIL FROM:<sender@example.com>')).code).toBe(250);
      const reply = await wire.command('RCPT TO:<liuyang@haining.gov.cn>');
      expect(reply.code).toBe(550);
      expect(reply.enhanced).toBe('5.1.1');
      expect(reply.text).toContain('czj-office@haining.gov.cn');
      expect(reply.text).toContain('liuyang@haining.gov.cn');
    } finally {
      await wire.quit();
    }
    const before = (await gm.inbox('zhoumin@haining.gov.cn')).length;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: gm.ports.smtp, secure: false, ignoreTLS: true });
    const failure = await transport.sendMail({ envelope: { from: 'sender@example.com', to: ['liuyang@haining.gov.cn'] }, raw: rfc5322({ to: 'liuyang@haining.gov.cn', subject: 'too late' }) }).then(
      () => null,
      (err: { responseCode?: number; response?: string }) => err,
    );
    expect(failure?.responseCode).toBe(550);
    expect(failure?.response).toContain('5.1.1');
    expect((await gm.inbox('zhoumin@haining.gov.cn')).length).toBe(before);
  });
});
