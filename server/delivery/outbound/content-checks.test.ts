/**
 * The outbound content checks against the shared corpus (manifest verdicts): every
 * classified-marker message is blocked with its markers found where the manifest says, every
 * benign twin (秘书处, 机密性, 保密) passes, personal data is found exactly as listed, and the
 * GB 11643 check digit is computed as the standard says.
 */
import { describe, expect, it } from 'vitest';
import { corpusManifest, corpusMessage } from '../../http/test-webmail.js';
import { runChecks } from '../checks.js';
import { configSchema } from '../../config/schema.js';
import { findClassifiedMarkers, normalizeForInspection } from './classified-markers.js';
import { inspectableMessage } from './message-text.js';
import { findIdCardNumbers, findMobileNumbers, idCardCheckCharacter, isValidIdCardNumber } from './personal-data.js';
import { OUTBOUND_SEVERITY, outboundChecks, type OutboundContext } from './pipeline.js';
import type { ContentRule } from '../../storage/database.js';

interface ClassificationExpected {
  markers?: string[] | null;
  marker_locations?: string[] | null;
  personal_data?: { id_cards: string[]; mobiles: string[]; locations: string[] } | null;
}
type Entry = ReturnType<typeof corpusManifest>[number] & { classified_marker: boolean; expected: ClassificationExpected };

const manifest = corpusManifest() as Entry[];
const policy = configSchema.parse({}).outbound;

async function evaluate(file: string, rules: ContentRule[] = [], overrides: Partial<typeof policy> = {}) {
  const message = await inspectableMessage(corpusMessage(file));
  const context: OutboundContext = { message, envelopeFrom: 'zhangwei@haining.gov.cn', recipients: ['lina@haining.gov.cn'], externalRecipients: [], rules };
  return { message, result: await runChecks(outboundChecks({ ...policy, ...overrides }), context, OUTBOUND_SEVERITY) };
}

const LOCATION_OF: Record<string, string> = { subject: 'subject', body: 'body', attachment_filename: 'attachment_filename', attachment_content: 'attachment_content' };

describe('classified markers (SPEC 3.2) on the corpus', () => {
  const marked = manifest.filter((e) => e.classified_marker);
  const benign = manifest.filter((e) => e.category === 'classification' && !e.classified_marker);

  it('the corpus has marked messages and benign twins', () => {
    expect(marked.length).toBeGreaterThanOrEqual(8);
    expect(benign.length).toBeGreaterThanOrEqual(3);
  });

  it.each(marked.map((e) => [e.file, e] as const))('%s is blocked, with its markers where the manifest says', async (file, entry) => {
    const { result } = await evaluate(file);
    expect(result.verdict).toBe('block');
    const finding = result.findings.find((f) => f.check === 'classified-marker');
    expect(finding, JSON.stringify(result.findings)).toBeDefined();
    expect(finding!.reason).toContain('机要');
    const found = finding!.details!.markers as string[];
    const locations = finding!.details!.locations as string[];
    // Every marker the manifest names is found (as written, or inside a longer marker form such as 【机密】).
    for (const marker of entry.expected.markers ?? []) {
      const want = normalizeForInspection(marker);
      expect(found.some((f) => f.includes(want) || want.includes(f)), `${marker} in ${found.join(',')}`).toBe(true);
    }
    for (const location of entry.expected.marker_locations ?? []) expect(locations).toContain(LOCATION_OF[location]);
  });

  it.each(manifest.filter((e) => !e.classified_marker).map((e) => [e.file] as const))('%s has no classified marker', async (file) => {
    const { result } = await evaluate(file);
    expect(result.findings.filter((f) => f.check === 'classified-marker')).toEqual([]);
  });

  it('benign twins pass the whole pipeline', async () => {
    for (const entry of benign.filter((e) => !e.expected.personal_data)) {
      const { result } = await evaluate(entry.file);
      expect(result.verdict, entry.file).toBe('pass');
    }
  });

  it('knows the marker forms and the look-alikes', () => {
    const blocked = ['绝密★启用前', '机密★5年', '秘密★10年', '密级：秘密', '密级: 机密', '【机密】关于', '（绝密）方案', '[秘密]', '机密 关于项目的报告', '报告\n秘密\n正文', '密级 绝密'];
    const benignTexts = [
      '市政府办公室秘书处',
      '保障政务数据的机密性、完整性和可用性',
      '保密宣传教育月',
      '保守国家秘密是每个公民的义务',
      '工作秘密★ 不是国家秘密',
      '商业秘密保护',
      '机密性要求',
      '本邮件不涉及秘密事项',
    ];
    for (const text of blocked) expect(findClassifiedMarkers(text).length, text).toBeGreaterThan(0);
    for (const text of benignTexts) expect(findClassifiedMarkers(text), text).toEqual([]);
  });

  it('the 涉密 label blocks whatever the content', async () => {
    const raw = Buffer.from('From: a@haining.gov.cn\r\nTo: b@haining.gov.cn\r\nSubject: =?UTF-8?B?' + Buffer.from('普通通知').toString('base64') + '?=\r\nX-Govmail-Classification: =?UTF-8?B?' + Buffer.from('涉密').toString('base64') + '?=\r\n\r\nhello\r\n');
    const message = await inspectableMessage(raw);
    const result = await runChecks(outboundChecks(policy), { message, envelopeFrom: 'a@haining.gov.cn', recipients: ['b@haining.gov.cn'], externalRecipients: [], rules: [] }, OUTBOUND_SEVERITY);
    expect(result.verdict).toBe('block');
    expect(result.findings.map((f) => f.check)).toEqual(['classification-label']);
  });
});

describe('personal data (SPEC 3.2) on the corpus', () => {
  const withData = manifest.filter((e) => e.expected.personal_data);

  it.each(withData.map((e) => [e.file, e] as const))('%s: ID cards and mobiles exactly as the manifest lists', async (file, entry) => {
    const message = await inspectableMessage(corpusMessage(file));
    const ids = new Set<string>();
    const mobiles = new Set<string>();
    const locations = new Set<string>();
    for (const piece of message.pieces) {
      const i = findIdCardNumbers(piece.text);
      const m = findMobileNumbers(piece.text);
      i.forEach((x) => ids.add(x));
      m.forEach((x) => mobiles.add(x));
      if (i.length + m.length > 0) locations.add(piece.location);
    }
    const expected = entry.expected.personal_data!;
    expect([...ids].sort()).toEqual([...expected.id_cards].sort());
    expect([...mobiles].sort()).toEqual([...expected.mobiles].sort());
    expect([...locations].sort()).toEqual([...expected.locations].sort());
  });

  it('warns by default, and follows the configured action', async () => {
    const ids = await evaluate('messages/109-personal-id-cards-and-mobiles.eml');
    expect(ids.result.verdict).toBe('warn');
    expect(ids.result.findings.map((f) => f.details?.kind)).toEqual(['id_card', 'mobile']);
    // masked in the reason: never the whole number
    expect(ids.result.findings[0]!.reason).toContain('330481********3724');
    expect(ids.result.findings[0]!.reason).not.toContain('330481199105193724');
    const csv = await evaluate('messages/111-personal-csv-attachment.eml', [], { idCards: 'hold' });
    expect(csv.result.verdict).toBe('hold');
    expect(csv.result.findings[0]!.reason).toContain('附件内容');
    const blocked = await evaluate('messages/110-personal-mobiles-duty-roster.eml', [], { mobiles: 'block' });
    expect(blocked.result.verdict).toBe('block');
    const fewMobiles = await evaluate('messages/110-personal-mobiles-duty-roster.eml', [], { mobilesMinCount: 5 });
    expect(fewMobiles.result.verdict).toBe('pass');
    const lookalikes = await evaluate('messages/112-personal-lookalike-numbers.eml', [], { mobilesMinCount: 1 });
    expect(lookalikes.result.verdict).toBe('pass');
  });
});

describe('GB 11643 check digit', () => {
  it('computes the check character (ISO 7064 MOD 11-2)', () => {
    // The standard's own example: 11010519491231002X.
    expect(idCardCheckCharacter('11010519491231002')).toBe('X');
    expect(isValidIdCardNumber('11010519491231002X')).toBe(true);
    expect(isValidIdCardNumber('11010519491231002x')).toBe(true);
    expect(isValidIdCardNumber('110105194912310021')).toBe(false);
    expect(isValidIdCardNumber('330481199909023678')).toBe(false);
    // a valid check digit over an impossible date is still not an ID number
    const feb30 = '33048119990230123';
    expect(isValidIdCardNumber(feb30 + idCardCheckCharacter(feb30))).toBe(false);
    expect(isValidIdCardNumber('01010519491231002X')).toBe(false);
  });

  it('finds numbers only as whole tokens', () => {
    expect(findIdCardNumbers('身份证号：11010519491231002X。')).toEqual(['11010519491231002X']);
    expect(findIdCardNumbers('订单号 911010519491231002X1')).toEqual([]);
    expect(findMobileNumbers('电话 138-1234-5678 或 +86 139 1234 5678，座机 0573-87530807')).toEqual(['13812345678', '13912345678']);
    expect(findMobileNumbers('25095530767403429417')).toEqual([]);
  });
});

describe('attachment text', () => {
  it('reads docx and PDF text, and text attachments in their charset', async () => {
    const docxMessage = await inspectableMessage(corpusMessage('messages/098-marker-juemi-exam-paper.eml'));
    const docx = docxMessage.pieces.find((p) => p.location === 'attachment_content');
    expect(docx?.name).toBe('数学模拟卷（审定稿）.docx');
    expect(docx!.text.length).toBeGreaterThan(0);
    const pdf = manifest.find((e) => e.expected.attachments.some((a) => a.content_type === 'application/pdf'));
    expect(pdf).toBeDefined();
    const withPdf = await inspectableMessage(corpusMessage(pdf!.file));
    // The corpus PDFs carry a one-line text layer naming the sample (P-<number>).
    const pdfName = pdf!.expected.attachments.find((a) => a.content_type === 'application/pdf')!.filename;
    expect(withPdf.pieces.find((p) => p.location === 'attachment_content' && p.name === pdfName)?.text).toMatch(/Haining govmail test corpus P-\d+/);
    expect(withPdf.notInspected).toEqual([]);
  });

  it('finds a marker inside a docx attachment only', async () => {
    const docx = (await inspectableMessage(corpusMessage('messages/098-marker-juemi-exam-paper.eml'))).pieces.find((p) => p.location === 'attachment_content')!;
    expect(findClassifiedMarkers(docx.text).length).toBeGreaterThan(0);
  });
});

describe('content rules and auto-forwarding', () => {
  const rule = (over: Partial<ContentRule>): ContentRule => ({ id: 1, unit_id: 1, name: '规则', kind: 'keyword', pattern: '', action: 'warn', enabled: 1, created_by: null, created_at: 0, updated_at: 0, ...over });

  it('keyword and regex rules fire with their own action', async () => {
    const keyword = await evaluate('messages/106-benign-mishuchu.eml', [rule({ id: 7, name: '工作总结外发', pattern: '工作总结', action: 'hold' })]);
    expect(keyword.result.verdict).toBe('hold');
    expect(keyword.result.findings[0]).toMatchObject({ check: 'content-rules', details: { ruleId: 7 } });
    const regex = await evaluate('messages/106-benign-mishuchu.eml', [rule({ kind: 'regex', pattern: '20\\d\\d年度', action: 'block' })]);
    expect(regex.result.verdict).toBe('block');
    const miss = await evaluate('messages/106-benign-mishuchu.eml', [rule({ pattern: '不存在的词' })]);
    expect(miss.result.verdict).toBe('pass');
  });

  it('refuses automatically forwarded mail to a domain not allowed', async () => {
    const raw = Buffer.from('From: a@haining.gov.cn\r\nTo: x@example.com\r\nSubject: fw\r\nAuto-Submitted: auto-forwarded\r\n\r\nhello\r\n');
    const message = await inspectableMessage(raw);
    const run = (allowed: string[], external: string[]) =>
      runChecks(outboundChecks({ ...policy, autoForwardAllowedDomains: allowed }), { message, envelopeFrom: 'a@haining.gov.cn', recipients: external, externalRecipients: external, rules: [] }, OUTBOUND_SEVERITY);
    expect((await run([], ['x@example.com'])).verdict).toBe('block');
    expect((await run(['example.com'], ['x@mail.example.com'])).verdict).toBe('pass');
    expect((await run(['example.com'], [])).verdict).toBe('pass');
    const plain = await inspectableMessage(Buffer.from('From: a@haining.gov.cn\r\nTo: x@example.com\r\nSubject: hi\r\n\r\nhello\r\n'));
    expect((await runChecks(outboundChecks(policy), { message: plain, envelopeFrom: 'a@haining.gov.cn', recipients: ['x@example.com'], externalRecipients: ['x@example.com'], rules: [] }, OUTBOUND_SEVERITY)).verdict).toBe('pass');
  });
});
