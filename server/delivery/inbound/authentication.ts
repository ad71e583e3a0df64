/**
 * SPF, DKIM, DMARC and ARC (RFC 7208, 6376, 7489, 8617) with mailauth's `authenticate()`, BIMI
 * off. The DNS resolver is injectable (`(name, rrtype) => Promise<records>`, the shape of
 * `dns.promises.resolve`), so tests run offline with a fake one.
 *
 * Outcome: the `Authentication-Results` (RFC 8601) and `Received-SPF` header lines to prepend,
 * a summary recorded with the message, and findings: DMARC fail under `p=reject` → reject at the
 * end of DATA (550 5.7.1); under `p=quarantine` → quarantine; SPF fail without a DMARC policy
 * adds to the phishing score.
 */
import { authenticate } from 'mailauth';
import { finding, type InboundFinding } from './verdict.js';

export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

export interface AuthenticationInput {
  raw: Buffer;
  ip: string | null;
  helo: string | null;
  envelopeFrom: string;
  /** Our authserv-id (the MX host name). */
  mta: string;
  resolver?: DnsResolver | undefined;
}

export interface AuthenticationSummary {
  spf: string;
  dkim: string;
  dmarc: string;
  arc: string;
  /** The DMARC policy that applies to the From domain (reject, quarantine, none) or null. */
  dmarcPolicy: string | null;
  /** Header lines (CRLF-folded) to prepend: Received-SPF and Authentication-Results. */
  headers: string[];
}

export async function authenticateMessage(input: AuthenticationInput): Promise<AuthenticationSummary> {
  const result = await authenticate(input.raw, {
    ip: input.ip ?? '127.0.0.1',
    ...(input.helo ? { helo: input.helo } : {}),
    sender: input.envelopeFrom,
    mta: input.mta,
    disableBimi: true,
    ...(input.resolver ? { resolver: input.resolver as never } : {}),
  });
  const dkimResults = (result.dkim?.results ?? []) as { status?: { result?: string } }[];
  const dkim = dkimResults.length === 0 ? 'none' : dkimResults.some((r) => r.status?.result === 'pass') ? 'pass' : (dkimResults[0]?.status?.result ?? 'none');
  const dmarc = result.dmarc ? ((result.dmarc as { status?: { result?: string } }).status?.result ?? 'none') : 'none';
  const policy = result.dmarc ? ((result.dmarc as { policy?: string }).policy ?? null) : null;
  const headers = result.headers
    .split(/\r?\n(?![ \t])/)
    .map((h) => h.trimEnd())
    .filter((h) => h.length > 0);
  return {
    spf: result.spf ? (result.spf.status?.result ?? 'none') : 'none',
    dkim,
    dmarc,
    arc: result.arc ? ((result.arc as { status?: { result?: string } }).status?.result ?? 'none') : 'none',
    dmarcPolicy: policy,
    headers,
  };
}

export function authenticationFindings(auth: AuthenticationSummary): InboundFinding[] {
  const details = { spf: auth.spf, dkim: auth.dkim, dmarc: auth.dmarc, arc: auth.arc, policy: auth.dmarcPolicy };
  if (auth.dmarc === 'fail') {
    // ARC: a trusted forwarder's pass would be honoured here; mailauth already lets a valid ARC
    // chain carry DMARC (arc=pass in the comment), so a `fail` at this point stands.
    if (auth.dmarcPolicy === 'reject') return [finding('dmarc', 'reject', 0, '发件域 DMARC 验证失败且策略为拒收 (p=reject)', details)];
    if (auth.dmarcPolicy === 'quarantine') return [finding('dmarc', 'quarantine', 0, '发件域 DMARC 验证失败且策略为隔离 (p=quarantine)', details)];
    return [finding('dmarc', 'accept', 2, '发件域 DMARC 验证失败 (p=none)', details)];
  }
  if (auth.spf === 'fail' && auth.dmarc !== 'pass') return [finding('spf', 'accept', 2, '发件服务器未获发件域 SPF 授权 (spf=fail)', details)];
  return [];
}

/**
 * RFC 8601 §5: Authentication-Results fields that claim our authserv-id but arrived with the
 * message are forged; they are renamed so no reader trusts them.
 */
export function neutraliseForgedResults(raw: Buffer, authservIds: readonly string[]): Buffer {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end < 0 ? text : text.slice(0, end);
  const ids = authservIds.map((id) => id.toLowerCase());
  let changed = false;
  const out = head.replace(/^Authentication-Results:[ \t]*([^;\s]+)/gim, (line, id: string) => {
    if (!ids.includes(id.toLowerCase())) return line;
    changed = true;
    return line.replace(/^Authentication-Results/i, 'X-Untrusted-Authentication-Results');
  });
  return changed ? Buffer.from(out + (end < 0 ? '' : text.slice(end)), 'latin1') : raw;
}
