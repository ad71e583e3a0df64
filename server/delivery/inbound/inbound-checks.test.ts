/**
 * The inbound checks against the shared corpus (phishing, EICAR, look-alike messages and their
 * benign twins, with the manifest's expectations), DMARC with a fake DNS, and real clamd.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { domainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import { attachmentFindings, dangerousContent, dangerousName } from './attachments.js';
import { clamdPing, clamdScan } from './clamd.js';
import { parseInbound } from './inbound-message.js';
import { lookalikeOf } from './phishing.js';
import { InboundPipeline, type InboundPolicy } from './pipeline.js';
import type { DnsResolver } from './authentication.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const corpusDir = process.env.GOVMAIL_CORPUS_DIR ? path.resolve(process.env.GOVMAIL_CORPUS_DIR) : path.resolve(repoRoot, '../shared/corpus');

interface Entry {
  file: string;
  category: string;
  phishing: boolean;
  hostile_html: boolean;
  expected: { from_name: string; from_address: string; is_external: boolean; phishing_signals?: string[]; attachments: { filename: string }[] };
}
const manifest = JSON.parse(readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8')) as Entry[];
const raw = (file: string) => readFileSync(path.join(corpusDir, file));
const LOCAL = ['haining.gov.cn'];
/** People and units of the directory: the senders of the corpus's genuine internal mail. */
const directoryNames = new Set(manifest.filter((e) => !e.expected.is_external && !e.phishing).map((e) => e.expected.from_name));

/** Manifest signal → the rule (or check) that must find it. */
const SIGNAL_RULES: Record<string, string> = {
  internal_display_name_external_address: 'display-name-impersonation',
  display_name_contains_address: 'display-name-impersonation',
  lookalike_domain: 'lookalike-domain',
  link_text_href_mismatch: 'link-text-mismatch',
  urgent_payment: 'urgent-payment',
  password_reset_lure: 'password-lure',
  double_extension_executable: 'dangerous-attachment',
  archive_with_executable: 'dangerous-attachment',
  macro_enabled_document: 'dangerous-attachment',
  forged_internal_sender: 'forged-internal-sender',
  reply_to_external: 'reply-to-mismatch',
  reply_to_mismatch: 'reply-to-mismatch',
  credential_form: 'credential-form',
  gift_card_lure: 'urgent-payment',
};

function pipeline(policy: Partial<InboundPolicy> = {}, resolver?: DnsResolver) {
  return new InboundPipeline(
    { authentication: false, phishingThreshold: 6, scanFailure: 'hold', ...policy },
    { localDomains: LOCAL, hostname: 'mx.haining.gov.cn', resolver, isDirectoryName: async (n) => directoryNames.has(n), seenDomain: async () => false },
  );
}

describe('inbound checks on the corpus', () => {
  const phishing = manifest.filter((e) => e.phishing);
  it('has the phishing messages and benign twins it is written for', () => {
    expect(phishing.length).toBeGreaterThanOrEqual(13);
    expect(manifest.filter((e) => !e.phishing && e.expected.is_external).length).toBeGreaterThanOrEqual(2);
  });

  it.each(phishing.map((e) => [e.file, e] as const))('%s: quarantined, its signals found by the named rules', async (_file, entry) => {
    const result = await pipeline().evaluate({ raw: raw(entry.file), envelopeFrom: entry.expected.from_address, remoteIp: '203.0.113.9', helo: 'mx.example.net' });
    expect(result.verdict).toBe('quarantine');
    const fired = new Set(result.findings.map((f) => f.check));
    for (const signal of entry.expected.phishing_signals ?? []) {
      const rule = SIGNAL_RULES[signal];
      if (rule) expect(fired, `${signal} → ${rule}`).toContain(rule);
    }
  });

  it.each(manifest.filter((e) => !e.phishing).map((e) => [e.file, e] as const))('%s: benign, never held', async (_file, entry) => {
    // Internal mail is sent with an internal envelope sender; external mail with its own.
    const result = await pipeline().evaluate({ raw: raw(entry.file), envelopeFrom: entry.expected.from_address, remoteIp: '203.0.113.9', helo: 'mx.example.net' });
    expect(['accept', 'warn']).toContain(result.verdict);
    expect(result.findings.filter((f) => f.check === 'dangerous-attachment')).toEqual([]);
    if (entry.expected.is_external) {
      // A benign external twin: nothing but its first contact is remarked upon.
      expect(result.findings.map((f) => f.check)).toEqual(['first-contact']);
      expect(result.verdict).toBe('warn');
    } else if (entry.hostile_html) {
      // Hostile HTML (an external form, say) may earn a warning, never a hold.
      expect(result.findings.map((f) => f.check).filter((c) => c !== 'credential-form' && c !== 'link-text-mismatch')).toEqual([]);
    } else {
      expect(result.findings.map((f) => f.check)).toEqual([]);
    }
  });

  it('a known sender domain is no first contact: a benign external message is accepted plainly', async () => {
    const twin = manifest.find((e) => !e.phishing && e.expected.is_external)!;
    const p = new InboundPipeline({ authentication: false, phishingThreshold: 6, scanFailure: 'hold' }, { localDomains: LOCAL, hostname: 'mx', isDirectoryName: async () => false, seenDomain: async () => true });
    const result = await p.evaluate({ raw: raw(twin.file), envelopeFrom: twin.expected.from_address, remoteIp: null, helo: null });
    expect(result).toMatchObject({ verdict: 'accept', score: 0, findings: [] });
  });
});

describe('look-alike domains', () => {
  it.each([
    ['hainlng.gov.cn', true],
    ['haining-gov.cn', true],
    ['haining.gov.cn.mail-secure.com', true],
    ['bgs.haining.gov.cn.attacker.invalid', true],
    ['hainimg.gov.cn', true],
    ['haininq.gov.cn', true],
    [domainToASCII('hаining.gov.cn'), true], // Cyrillic а, as punycode
    ['ha1ning.gov.cn', true],
    ['hainlng.com', true],
    ['haining.gov.cn', false],
    ['mail.haining.gov.cn', false],
    ['hainan.gov.cn', false],
    ['jiaxing.gov.cn', false],
    ['example.com', false],
    ['qq.com', false],
  ])('%s → %s', (domain, expected) => {
    expect(lookalikeOf(domain, LOCAL) !== null).toBe(expected);
  });
});

describe('dangerous attachments', () => {
  it('judges names: executables, double extensions, RTLO, macros', () => {
    expect(dangerousName('工资调整通知.pdf.exe')).toMatch(/双扩展名/);
    expect(dangerousName('setup.EXE')).toMatch(/可执行/);
    expect(dangerousName('invoice\u202Efdp.scr')).toMatch(/方向控制/);
    expect(dangerousName('明细.xlsm')).toMatch(/宏/);
    expect(dangerousName('run.ps1')).toMatch(/可执行/);
    expect(dangerousName('通知.pdf')).toBeNull();
    expect(dangerousName('报表.xlsx')).toBeNull();
    expect(dangerousName('v1.2.docx')).toBeNull();
  });

  it('judges content by magic bytes whatever the name', () => {
    expect(dangerousContent(Buffer.from('MZ\x90\x00', 'latin1'))).toMatch(/PE/);
    expect(dangerousContent(Buffer.from('\x7fELF\x02\x01', 'latin1'))).toMatch(/ELF/);
    expect(dangerousContent(Buffer.from('cffaedfe07000001', 'hex'))).toMatch(/Mach-O/);
    expect(dangerousContent(Buffer.concat([Buffer.from('4c0000000114020000000000c000000000000046', 'hex'), Buffer.alloc(60)]))).toMatch(/lnk/);
    expect(dangerousContent(Buffer.from('#!/bin/sh\nrm -rf /\n'))).toMatch(/脚本/);
    expect(dangerousContent(Buffer.from('<html><head><HTA:APPLICATION id="x"></head></html>'))).toMatch(/HTA/);
    expect(dangerousContent(Buffer.from('%PDF-1.7\n'))).toBeNull();
    const findings = attachmentFindings([{ filename: 'report.pdf', contentType: 'application/pdf', content: Buffer.from('MZ....', 'latin1') }]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'dangerous-attachment', verdict: 'quarantine' });
  });

  it('lists ZIP entries of the corpus archive without extracting it', async () => {
    const entry = manifest.find((e) => e.expected.phishing_signals?.includes('archive_with_executable'))!;
    const message = await parseInbound(raw(entry.file));
    const findings = attachmentFindings(message.attachments);
    expect(findings[0]?.reason).toMatch(/\.scr/);
  });
});

describe('DMARC with a fake DNS', () => {
  const ip = '192.0.2.10';
  const records: Record<string, string[][]> = {
    'pass.example.com': [['v=spf1 ip4:192.0.2.10 -all']],
    '_dmarc.pass.example.com': [['v=DMARC1; p=reject']],
    'reject.example.com': [['v=spf1 ip4:198.51.100.1 -all']],
    '_dmarc.reject.example.com': [['v=DMARC1; p=reject']],
    'quarantine.example.com': [['v=spf1 ip4:198.51.100.1 -all']],
    '_dmarc.quarantine.example.com': [['v=DMARC1; p=quarantine']],
    'none.example.com': [['v=spf1 ip4:198.51.100.1 -all']],
    '_dmarc.none.example.com': [['v=DMARC1; p=none']],
    'norecord.example.com': [['v=spf1 ip4:192.0.2.10 -all']],
  };
  const resolver: DnsResolver = async (name, type) => {
    if (type === 'TXT' && records[name]) return records[name];
    const err = new Error(`queryTxt ENOTFOUND ${name}`) as Error & { code: string };
    err.code = 'ENOTFOUND';
    throw err;
  };
  const message = (domain: string) =>
    Buffer.from(`From: Sender <a@${domain}>\r\nTo: zhangwei@haining.gov.cn\r\nSubject: test\r\nDate: Mon, 02 Jun 2025 10:00:00 +0800\r\nMessage-ID: <x@${domain}>\r\n\r\nhello\r\n`);
  const run = async (domain: string) => {
    // seenDomain true: only authentication is under test here.
    const p = new InboundPipeline({ authentication: true, phishingThreshold: 6, scanFailure: 'hold' }, { localDomains: LOCAL, hostname: 'mx.haining.gov.cn', resolver, isDirectoryName: async () => false, seenDomain: async () => true });
    return p.evaluate({ raw: message(domain), envelopeFrom: `bounce@${domain}`, remoteIp: ip, helo: 'mail.example.com' });
  };

  it('pass: accepted, Authentication-Results says so', async () => {
    const r = await run('pass.example.com');
    expect(r.verdict).toBe('accept');
    expect(r.authentication).toMatchObject({ spf: 'pass', dmarc: 'pass' });
    const ar = r.authentication!.headers.find((h) => h.startsWith('Authentication-Results:'))!;
    expect(ar).toMatch(/^Authentication-Results: mx\.haining\.gov\.cn;/);
    expect(ar).toMatch(/spf=pass/);
    expect(ar).toMatch(/dmarc=pass/);
  });

  it('fail with p=reject: rejected', async () => {
    const r = await run('reject.example.com');
    expect(r.verdict).toBe('reject');
    expect(r.authentication).toMatchObject({ spf: 'fail', dmarc: 'fail', dmarcPolicy: 'reject' });
    expect(r.findings.find((f) => f.check === 'dmarc')?.verdict).toBe('reject');
  });

  it('fail with p=quarantine: quarantined', async () => {
    const r = await run('quarantine.example.com');
    expect(r.verdict).toBe('quarantine');
    expect(r.findings.find((f) => f.check === 'dmarc')?.verdict).toBe('quarantine');
  });

  it('fail with p=none: delivered with a warning', async () => {
    const r = await run('none.example.com');
    expect(r.verdict).toBe('warn');
    expect(r.authentication).toMatchObject({ dmarc: 'fail', dmarcPolicy: 'none' });
  });

  it('no DMARC record: accepted, dmarc=none', async () => {
    const r = await run('norecord.example.com');
    expect(r.verdict).toBe('accept');
    expect(r.authentication).toMatchObject({ spf: 'pass', dmarc: 'none' });
  });
});

const clamdSocket = process.env.GOVMAIL_TEST_CLAMD;
if (!clamdSocket) {
  console.warn('\n*** SKIPPING real-clamd tests: GOVMAIL_TEST_CLAMD is not set (start clamd with test/fixtures/clamav/start-clamd.sh and export GOVMAIL_TEST_CLAMD=<socket>) ***\n');
}

describe.skipIf(!clamdSocket)('anti-virus with real clamd', () => {
  const eicar = manifest.find((e) => e.expected.phishing_signals?.includes('antivirus_test_file'))!;
  const clean = manifest.find((e) => e.category === 'multipart' && e.expected.attachments.length > 0)!;
  const policy = (): Partial<InboundPolicy> => ({ clamd: { socket: clamdSocket, timeoutMs: 10_000 } });

  it('answers PING and finds EICAR in the raw message (INSTREAM)', async () => {
    expect(await clamdPing({ socket: clamdSocket })).toBe(true);
    const result = await clamdScan({ socket: clamdSocket }, raw(eicar.file));
    expect(result).toEqual({ kind: 'infected', signature: expect.stringMatching(/EICAR/i) });
    expect(await clamdScan({ socket: clamdSocket }, raw(clean.file))).toEqual({ kind: 'clean' });
  });

  it('EICAR is quarantined by the antivirus check', async () => {
    const r = await pipeline(policy()).evaluate({ raw: raw(eicar.file), envelopeFrom: eicar.expected.from_address, remoteIp: null, helo: null });
    expect(r.verdict).toBe('quarantine');
    expect(r.findings.find((f) => f.check === 'antivirus')).toMatchObject({ verdict: 'quarantine', reason: expect.stringMatching(/EICAR/i) });
  });

  it('a clean message passes the scan', async () => {
    const r = await pipeline(policy()).evaluate({ raw: raw(clean.file), envelopeFrom: clean.expected.from_address, remoteIp: null, helo: null });
    expect(r.findings.filter((f) => f.check.startsWith('antivirus'))).toEqual([]);
    expect(r.verdict).toBe('accept');
  });

  it('clamd down: held (policy hold), or tempfail when so configured; never passed', async () => {
    const down = { clamd: { socket: '/nonexistent/clamd.sock', timeoutMs: 2000 } };
    const held = await pipeline(down).evaluate({ raw: raw(clean.file), envelopeFrom: clean.expected.from_address, remoteIp: null, helo: null });
    expect(held).toMatchObject({ verdict: 'quarantine', scanFailed: true, tempfail: false });
    const tempfail = await pipeline({ ...down, scanFailure: 'tempfail' }).evaluate({ raw: raw(clean.file), envelopeFrom: clean.expected.from_address, remoteIp: null, helo: null });
    expect(tempfail).toMatchObject({ scanFailed: true, tempfail: true });
  });

  it('a limit: a message over maxBytes is not passed as clean', async () => {
    const r = await clamdScan({ socket: clamdSocket, maxBytes: 1024 }, raw(clean.file));
    expect(r.kind).toBe('error');
  });
});
