/**
 * Seeds the demo city (`govmail init --demo`, `npm start`): units, people, aliases, lists and a
 * few hundred official mails, delivered through the same delivery path as SMTP so the demo
 * exercises the real code. Each person gets a random password; the two demo users' passwords
 * are returned so they can be shown (the caller writes them to a 0600 file in the data dir).
 */
import type { Services } from '../services.js';
import { randomPassword } from '../platform/crypto.js';
import { buildDemoCity, type DemoCity } from './city.js';

export const DEMO_SEEDED_KEY = 'demo_seeded_at';

export interface DemoSeedResult {
  units: number;
  people: number;
  messages: number;
  demoUsers: { address: string; name: string; unit: string; password: string; roles: string[] }[];
}

export async function seedDemoCity(services: Services, options: { messageCount?: number; city?: DemoCity } = {}): Promise<DemoSeedResult | null> {
  const seeded = await services.db.selectFrom('settings').select('value').where('key', '=', DEMO_SEEDED_KEY).executeTakeFirst();
  if (seeded) return null;
  const city =
    options.city ??
    (await buildDemoCity({ domain: services.config.domains[0]!, now: new Date(services.clock.now()), ...(options.messageCount !== undefined ? { messageCount: options.messageCount } : {}) }));
  const actor = { address: 'system', via: 'cli' as const };
  const { directory, db, mail } = services;

  const existingUnits = new Set((await directory.listUnits()).map((u) => u.code));
  for (const unit of city.units) {
    if (existingUnits.has(unit.code)) continue;
    await directory.createUnit({ code: unit.code, name: unit.name, parentCode: unit.parentCode, contactAddress: unit.contactAddress ?? null }, actor);
  }

  const passwords = new Map<string, string>();
  for (const person of city.people) {
    if (await directory.addressTaken(person.address)) continue;
    const password = randomPassword(14);
    passwords.set(person.address, password);
    await directory.createAccount({ address: person.address, displayName: person.name, unitCode: person.unitCode, roles: person.roles, title: person.title, password }, actor);
  }
  for (const alias of city.aliases) {
    if (!(await directory.addressTaken(alias.address))) await directory.addAlias(alias.address, alias.target, alias.canSendAs, actor);
  }
  for (const list of city.lists) {
    if (list.unitCode && !(await directory.addressTaken(list.address))) {
      await directory.addUnitList({ address: list.address, displayName: list.displayName, unitCode: list.unitCode, includeSubUnits: list.includeSubUnits }, actor);
    }
  }

  const accountIds = new Map((await db.selectFrom('accounts').select(['id', 'address']).execute()).map((a) => [a.address, a.id]));
  const newest = Math.max(...city.messages.map((m) => m.date.getTime()));
  let index = 0;
  for (const message of city.messages) {
    index++;
    const senderId = accountIds.get(message.from);
    const report = await services.delivery.deliver({
      envelopeFrom: message.from,
      recipients: [...message.to, ...message.cc],
      raw: message.raw,
      submittedBy: senderId ? { accountId: senderId, address: message.from } : null,
      remoteIp: null,
      protocol: 'demo',
      internalDate: message.date.getTime(),
    });
    if (senderId) {
      const sent = await mail.findSpecialUse(senderId, '\\Sent');
      if (sent) await mail.append({ blobHash: report.blobHash, size: report.size, fields: report.fields }, { accountId: senderId, mailboxId: sent.id, flags: ['\\Seen'], internalDate: message.date.getTime() });
    }
    // Older mail has mostly been read; the last few days' mail is still unread.
    const ageDays = (newest - message.date.getTime()) / 86_400_000;
    if (ageDays > 3 || index % 3 === 0) {
      for (const accountId of report.deliveredTo) {
        const inbox = await mail.getMailbox(accountId, 'INBOX');
        const row = await db.selectFrom('messages').select('uid').where('mailbox_id', '=', inbox.id).where('blob_hash', '=', report.blobHash).executeTakeFirst();
        if (row) await mail.storeFlags({ accountId, mailboxId: inbox.id, uids: [{ start: row.uid, end: row.uid }], flags: ['\\Seen'], mode: 'add' });
      }
    }
  }
  await db.insertInto('settings').values({ key: DEMO_SEEDED_KEY, value: new Date(services.clock.now()).toISOString() }).execute();

  const unitName = new Map(city.units.map((u) => [u.code, u.name]));
  return {
    units: city.units.length,
    people: city.people.length,
    messages: city.messages.length,
    demoUsers: city.demoUsers.map((p) => ({ address: p.address, name: p.name, unit: unitName.get(p.unitCode) ?? p.unitCode, password: passwords.get(p.address) ?? '(already existed)', roles: p.roles.filter((r) => r !== 'staff') })),
  };
}
