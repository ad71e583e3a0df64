import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildDemoCity, type DemoCity, type DemoMessage } from './city.js';

// A fixed "now" (a Monday, 10:00 in Haining) so every run sees the same dates.
const NOW = new Date('2026-11-30T10:00:00+08:00');
const SHANGHAI_OFFSET_MS = 8 * 3_600_000;
const CJK = /[\u4e00-\u9fff]/;

let city: DemoCity;
let parsed: ParsedMail[];

beforeAll(async () => {
  city = await buildDemoCity({ now: NOW });
  parsed = await Promise.all(city.messages.map((m) => simpleParser(m.raw)));
}, 60_000);

function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((o) => o.value.map((v) => v.address ?? ''));
}

function header(mail: ParsedMail, name: string): string | undefined {
  const value = mail.headers.get(name);
  return typeof value === 'string' ? value : undefined;
}

function directoryAddresses(c: DemoCity): string[] {
  return [...c.people.map((p) => p.address), ...c.aliases.map((a) => a.address), ...c.lists.map((l) => l.address)];
}

describe('determinism', () => {
  it('gives the same directory and byte-identical messages for the same seed and now', async () => {
    const again = await buildDemoCity({ now: NOW });
    expect(again.people.map((p) => p.address)).toEqual(city.people.map((p) => p.address));
    expect(again.messages.map((m) => m.subject)).toEqual(city.messages.map((m) => m.subject));
    expect(again.messages.every((m, i) => m.raw.equals(city.messages[i]?.raw ?? Buffer.alloc(0)))).toBe(true);
  }, 30_000);

  it('keeps content when only now moves, and moves the dates with it', async () => {
    const later = new Date(NOW.getTime() + 17 * 86_400_000);
    const moved = await buildDemoCity({ now: later, messageCount: 60 });
    const base = await buildDemoCity({ now: NOW, messageCount: 60 });
    expect(moved.messages.map((m) => m.subject)).toEqual(base.messages.map((m) => m.subject));
    expect(moved.messages.map((m) => m.messageId)).toEqual(base.messages.map((m) => m.messageId));
    const strip = (m: DemoMessage) => m.raw.toString('latin1').replace(/^Date: .*$/m, '');
    expect(moved.messages.map(strip)).toEqual(base.messages.map(strip));
    expect(moved.messages.at(-1)?.date.getTime()).toBeGreaterThan(NOW.getTime());
  }, 30_000);

  it('changes with the seed', async () => {
    const other = await buildDemoCity({ seed: 2, now: NOW, messageCount: 60 });
    expect(other.messages.map((m) => m.subject)).not.toEqual(city.messages.slice(0, 60).map((m) => m.subject));
    expect(other.people.map((p) => p.address)).toEqual(city.people.map((p) => p.address));
  }, 30_000);
});

describe('directory', () => {
  it('has a consistent unit tree under a single root', () => {
    const codes = city.units.map((u) => u.code);
    expect(new Set(codes).size).toBe(codes.length);
    const roots = city.units.filter((u) => u.parentCode === null);
    expect(roots.map((u) => u.name)).toEqual(['海宁市人民政府']);
    const byCode = new Map(city.units.map((u) => [u.code, u]));
    for (const unit of city.units) {
      expect(unit.code).toMatch(/^[a-z][a-z0-9-]*$/);
      if (unit.parentCode !== null) expect(byCode.has(unit.parentCode), `${unit.code}'s parent`).toBe(true);
      // Walking up must reach the root without a cycle.
      const seen = new Set<string>();
      for (let c: string | null = unit.code; c !== null; c = byCode.get(c)?.parentCode ?? null) {
        expect(seen.has(c)).toBe(false);
        seen.add(c);
      }
    }
    const names = city.units.map((u) => u.name);
    for (const name of ['市政府办公室', '市财政局', '市教育局', '市大数据发展管理局', '硖石街道', '许村镇', '预算科', '基础教育科']) {
      expect(names).toContain(name);
    }
    expect(byCode.get('czj-ysk')?.parentCode).toBe('czj');
  });

  it('gives every unit a contact address that exists', () => {
    const known = new Set(directoryAddresses(city));
    for (const unit of city.units) expect(known.has(unit.contactAddress ?? ''), unit.code).toBe(true);
  });

  it('has unique addresses across people, aliases and lists', () => {
    const all = directoryAddresses(city);
    expect(new Set(all).size).toBe(all.length);
    for (const address of all) expect(address).toMatch(/^[a-z0-9.-]+@haining\.gov\.cn$/);
    expect(city.people.length).toBeGreaterThanOrEqual(28);
  });

  it('reads surnames as surnames and numbers namesakes', () => {
    const person = (name: string) => city.people.find((p) => p.name === name);
    expect(person('曾志强')?.pinyin).toBe('zeng zhi qiang');
    expect(person('单丽华')?.pinyin).toBe('shan li hua');
    expect(person('解晓东')?.pinyin).toBe('xie xiao dong');
    expect(person('查文军')?.localPart).toBe('zhawenjun');
    expect(person('吕国华')?.localPart).toBe('lvguohua');
    expect(person('张伟')?.initials).toBe('zw');
    const zhangwei = city.people.filter((p) => p.name === '张伟').map((p) => p.localPart);
    expect(zhangwei).toEqual(['zhangwei', 'zhangwei2']);
    expect(person('李晶')?.localPart).toBe('lijing2');
    for (const p of city.people) {
      expect(p.pinyin).toMatch(/^[a-z]+( [a-z]+)+$/);
      expect(p.initials).toBe(p.pinyin.split(' ').map((s) => s[0]).join(''));
      expect(p.address).toBe(`${p.localPart}@haining.gov.cn`);
      expect(city.units.some((u) => u.code === p.unitCode)).toBe(true);
    }
  });

  it('assigns the roles', () => {
    const withRole = (role: string) => city.people.filter((p) => (p.roles as readonly string[]).includes(role));
    expect(withRole('dept_admin').map((p) => p.unitCode)).toEqual(['dsj']);
    expect(withRole('security_officer')).toHaveLength(1);
    expect(withRole('auditor')).toHaveLength(1);
    // Separation of duties: no one holds two of the administrative roles.
    for (const p of city.people) expect(p.roles.filter((r) => r !== 'staff').length).toBeLessThanOrEqual(1);
    expect(new Set(withRole('unit_admin').map((p) => p.unitCode)).size).toBeGreaterThanOrEqual(3);
    expect(city.people.every((p) => p.roles.includes('staff'))).toBe(true);
    expect(city.demoUsers).toHaveLength(5);
    expect(city.demoUsers.slice(0, 2).every((u) => u.roles.length === 1 && u.roles[0] === 'staff')).toBe(true);
    expect(city.demoUsers[0]).toBe(city.people[0]);
    expect(city.demoUsers.slice(2).map((u) => u.roles[1])).toEqual(['unit_admin', 'security_officer', 'auditor']);
  });

  it('points role aliases at the right offices and lists at whole units', () => {
    const people = new Map(city.people.map((p) => [p.address, p]));
    const alias = (local: string) => city.aliases.find((a) => a.address === `${local}@haining.gov.cn`);
    expect(people.get(alias('bgs')?.target ?? '')?.unitCode).toBe('szfb');
    expect(people.get(alias('czj')?.target ?? '')?.unitCode).toBe('czj');
    expect(people.get(alias('postmaster')?.target ?? '')?.roles).toContain('dept_admin');
    for (const a of city.aliases) expect(people.has(a.target)).toBe(true);

    const czj = city.lists.find((l) => l.address === 'czj-all@haining.gov.cn');
    const inCzj = city.people.filter((p) => p.unitCode === 'czj' || p.unitCode.startsWith('czj-')).map((p) => p.address);
    expect(czj?.members).toEqual(inCzj);
    expect(czj?.members.some((m) => people.get(m)?.unitCode === 'czj-ysk')).toBe(true);
    for (const list of city.lists) {
      expect(list.members.length).toBeGreaterThan(0);
      for (const m of list.members) expect(people.has(m)).toBe(true);
    }
  });
});

describe('messages', () => {
  it('has the default count, each sent by a person to known addresses', () => {
    expect(city.messages).toHaveLength(300);
    const people = new Set(city.people.map((p) => p.address));
    const known = new Set(directoryAddresses(city));
    for (const m of city.messages) {
      expect(people.has(m.from)).toBe(true);
      expect(m.to.length).toBeGreaterThan(0);
      for (const a of [...m.to, ...m.cc]) expect(known.has(a), `${m.subject}: ${a}`).toBe(true);
    }
    expect(new Set(city.messages.map((m) => m.messageId)).size).toBe(city.messages.length);
  });

  it('addresses only unit lists, the kind seed.ts creates', () => {
    const handKept = new Set(city.lists.filter((l) => l.unitCode === null).map((l) => l.address));
    expect(handKept.size).toBeGreaterThan(0);
    for (const m of city.messages) for (const a of [...m.to, ...m.cc]) expect(handKept.has(a), `${m.subject}: ${a}`).toBe(false);
  });

  it('parses back to the same headers with a Chinese body', () => {
    city.messages.forEach((m, i) => {
      const mail = parsed[i];
      if (!mail) throw new Error(`message ${i} did not parse`);
      expect(mail.subject).toBe(m.subject);
      expect(mail.messageId).toBe(m.messageId);
      expect(mail.messageId).toMatch(/^<[^<>@]+@haining\.gov\.cn>$/);
      expect(addressesOf(mail.from)).toEqual([m.from]);
      expect(addressesOf(mail.to)).toEqual(m.to);
      expect(addressesOf(mail.cc)).toEqual(m.cc);
      expect(mail.date?.getTime()).toBe(m.date.getTime());
      expect(mail.text ?? '').toMatch(CJK);
      expect(mail.inReplyTo ?? null).toBe(m.inReplyTo);
    });
  });

  it('is plain CRLF RFC 5322', () => {
    for (const m of city.messages) {
      const text = m.raw.toString('latin1');
      expect(text.includes('\n') && !/[^\r]\n/.test(text)).toBe(true);
      expect(text).toMatch(/^Date: \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0800\r$/m);
    }
  });

  it('threads replies and 批复 to earlier messages', () => {
    const index = new Map(city.messages.map((m, i) => [m.messageId, i]));
    const threaded = city.messages.filter((m) => m.inReplyTo !== null);
    expect(threaded.length).toBeGreaterThan(30);
    city.messages.forEach((m, i) => {
      if (m.inReplyTo === null) return;
      const parent = index.get(m.inReplyTo);
      expect(parent).toBeDefined();
      expect(parent ?? Infinity).toBeLessThan(i);
      expect(city.messages[parent ?? 0]?.date.getTime()).toBeLessThanOrEqual(m.date.getTime());
      const refs = parsed[i]?.references;
      const list = Array.isArray(refs) ? refs : refs ? [refs] : [];
      expect(list.at(-1)).toBe(m.inReplyTo);
      if (m.kind === 'reply') expect(m.subject.startsWith('Re: ')).toBe(true);
      if (m.kind === 'approval') {
        expect(m.subject).toMatch(/批复$/);
        expect(city.messages[parent ?? 0]?.kind).toBe('request');
      }
    });
    expect(city.messages.some((m) => m.subject.startsWith('Re: Re:'))).toBe(false);
  });

  it('dates fall in office hours on working days within the last 90 days, in order', () => {
    const earliest = NOW.getTime() - 90 * 86_400_000;
    let previous = 0;
    for (const m of city.messages) {
      const t = m.date.getTime();
      expect(t).toBeLessThanOrEqual(NOW.getTime());
      expect(t).toBeGreaterThanOrEqual(earliest);
      expect(t).toBeGreaterThanOrEqual(previous);
      previous = t;
      const local = new Date(t + SHANGHAI_OFFSET_MS);
      expect([1, 2, 3, 4, 5]).toContain(local.getUTCDay());
      const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
      const morning = minutes >= 8 * 60 + 30 && minutes < 12 * 60;
      const afternoon = minutes >= 13 * 60 + 30 && minutes < 17 * 60 + 30;
      expect(morning || afternoon, local.toISOString()).toBe(true);
    }
  });

  it('covers the kinds of official mail, with attachments, HTML and markings', () => {
    const kinds = new Set(city.messages.map((m) => m.kind));
    for (const kind of ['meeting', 'briefing', 'forward', 'request', 'approval', 'report', 'reply']) expect(kinds).toContain(kind);
    expect(parsed.some((p) => typeof p.html === 'string' && p.html.includes('工作简报'))).toBe(true);
    const names = parsed.flatMap((p) => p.attachments.map((a) => a.filename ?? ''));
    expect(names.some((n) => n.endsWith('.csv') && CJK.test(n))).toBe(true);
    expect(names.some((n) => n.endsWith('.pdf'))).toBe(true);
    expect(names.some((n) => n.endsWith('.txt'))).toBe(true);
    expect(parsed.some((p) => header(p, 'x-govmail-importance') === 'confirm')).toBe(true);
    const classes = new Set(parsed.map((p) => header(p, 'x-govmail-classification')).filter(Boolean));
    expect([...classes].sort()).toEqual(['公开', '内部']);
  });

  it('mentions what a search test will look for', () => {
    const corpus = parsed.map((p) => `${p.subject ?? ''}\n${p.text ?? ''}`).join('\n');
    for (const word of ['会议', '海宁', '防汛', '预算', '请示', '批复', '简报']) expect(corpus).toContain(word);
  });

  it('attaches well-formed CSV and PDF files', () => {
    const attachments = parsed.flatMap((p) => p.attachments);
    const csv = attachments.find((a) => a.filename?.endsWith('.csv'));
    expect(csv?.content.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv?.content.toString('utf8')).toMatch(CJK);

    const pdf = attachments.find((a) => a.filename?.endsWith('.pdf'));
    const text = pdf?.content.toString('latin1') ?? '';
    expect(text.startsWith('%PDF-1.4')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n%%EOF/.exec(text)?.[1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets.length).toBeGreaterThan(0);
    offsets.forEach((offset, i) => expect(text.slice(offset, offset + 8)).toBe(`${i + 1} 0 obj\n`));
  });
});

describe('options', () => {
  it('takes a count and a domain', async () => {
    const small = await buildDemoCity({ now: NOW, messageCount: 12, domain: 'example.gov.cn' });
    expect(small.messages).toHaveLength(12);
    expect(small.domain).toBe('example.gov.cn');
    expect(directoryAddresses(small).every((a) => a.endsWith('@example.gov.cn'))).toBe(true);
    expect(small.messages.every((m) => m.messageId.endsWith('@example.gov.cn>'))).toBe(true);
    expect((await buildDemoCity({ now: NOW, messageCount: 0 })).messages).toEqual([]);
  });

  it('rejects nonsense', async () => {
    await expect(buildDemoCity({ messageCount: -1 })).rejects.toThrow(RangeError);
    await expect(buildDemoCity({ seed: 1.5 })).rejects.toThrow(RangeError);
    await expect(buildDemoCity({ domain: 'not a domain' })).rejects.toThrow(RangeError);
    await expect(buildDemoCity({ now: new Date(Number.NaN) })).rejects.toThrow(RangeError);
  });
});
