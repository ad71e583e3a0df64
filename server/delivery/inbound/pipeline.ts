/**
 * The inbound pipeline (SPEC Art. 4.2): named checks run by `DeliveryService.deliver` on every
 * message arriving at the MX from another domain, before anything is stored. In order:
 *
 *   authentication        SPF/DKIM/DMARC/ARC (authentication.ts)  DMARC reject → reject,
 *                                                                   quarantine → quarantine
 *   antivirus             clamd INSTREAM (clamd.ts)                infected → quarantine;
 *                                                                   cannot scan → policy (hold)
 *   dangerous-attachment  type by content and name, zip entries    → quarantine
 *   phishing rules        phishing.ts, scored                      ≥ threshold → quarantine,
 *                                                                   > 0 → warn (风险提示)
 *
 * Every check runs (the security officer sees the whole picture); the verdict is the most
 * severe finding, with the phishing sum turned into warn/quarantine.
 */
import { runChecks, type Check } from '../checks.js';
import { attachmentFindings } from './attachments.js';
import { authenticateMessage, authenticationFindings, type AuthenticationSummary, type DnsResolver } from './authentication.js';
import { ClamdUnavailable, clamdScan, type ClamdEndpoint } from './clamd.js';
import { parseInbound, type InboundMessage } from './inbound-message.js';
import { phishingFindings } from './phishing.js';
import { finding, INBOUND_SEVERITY, type InboundFinding, type InboundVerdict } from './verdict.js';

export interface InboundPolicy {
  authentication: boolean;
  phishingThreshold: number;
  clamd?: ClamdEndpoint | undefined;
  scanFailure: 'hold' | 'tempfail';
}

export interface InboundInput {
  raw: Buffer;
  envelopeFrom: string;
  remoteIp: string | null;
  helo: string | null;
}

export interface InboundContext extends InboundInput {
  message: InboundMessage;
  authentication: AuthenticationSummary | null;
}

export interface InboundEvaluation {
  verdict: InboundVerdict;
  /** Sum of the phishing scores. */
  score: number;
  findings: InboundFinding[];
  authentication: AuthenticationSummary | null;
  /** The scanner could not scan (policy decided what happened). */
  scanFailed: boolean;
  /** Set when the policy is `tempfail` and the scanner failed: answer 451. */
  tempfail: boolean;
}

export interface InboundDependencies {
  localDomains: readonly string[];
  hostname: string;
  resolver?: DnsResolver | undefined;
  isDirectoryName(name: string): Promise<boolean>;
  seenDomain(domain: string): Promise<boolean>;
}

export class InboundPipeline {
  constructor(
    private readonly policy: InboundPolicy,
    private readonly deps: InboundDependencies,
  ) {}

  get antivirusEnabled(): boolean {
    return this.policy.clamd !== undefined && Boolean(this.policy.clamd.socket || this.policy.clamd.port);
  }

  checks(): Check<InboundContext, InboundVerdict>[] {
    const checks: Check<InboundContext, InboundVerdict>[] = [];
    if (this.policy.authentication) checks.push({ name: 'authentication', run: (ctx) => (ctx.authentication ? authenticationFindings(ctx.authentication) : []) });
    if (this.antivirusEnabled) checks.push({ name: 'antivirus', run: (ctx) => this.scan(ctx.raw) });
    checks.push({ name: 'dangerous-attachment', run: (ctx) => attachmentFindings(ctx.message.attachments) });
    checks.push({
      name: 'phishing',
      run: (ctx) =>
        phishingFindings({ message: ctx.message, envelopeFrom: ctx.envelopeFrom, localDomains: this.deps.localDomains, isDirectoryName: (n) => this.deps.isDirectoryName(n), seenDomain: (d) => this.deps.seenDomain(d) }),
    });
    return checks;
  }

  async scan(raw: Buffer): Promise<InboundFinding[]> {
    const endpoint = this.policy.clamd!;
    try {
      const result = await clamdScan(endpoint, raw);
      if (result.kind === 'clean') return [];
      if (result.kind === 'infected') return [finding('antivirus', 'quarantine', 0, `检出病毒：${result.signature}`, { signature: result.signature })];
      return [finding('antivirus-unavailable', 'quarantine', 0, `病毒扫描未完成：${result.message}`, { error: result.message })];
    } catch (err) {
      if (!(err instanceof ClamdUnavailable)) throw err;
      return [finding('antivirus-unavailable', 'quarantine', 0, `病毒扫描服务不可用：${err.message}`, { error: err.message })];
    }
  }

  async evaluate(input: InboundInput): Promise<InboundEvaluation> {
    const message = await parseInbound(input.raw);
    let authentication: AuthenticationSummary | null = null;
    if (this.policy.authentication) {
      try {
        authentication = await authenticateMessage({ raw: input.raw, ip: input.remoteIp, helo: input.helo, envelopeFrom: input.envelopeFrom, mta: this.deps.hostname, resolver: this.deps.resolver });
      } catch (err) {
        authentication = { spf: 'temperror', dkim: 'temperror', dmarc: 'temperror', arc: 'none', dmarcPolicy: null, headers: [`Authentication-Results: ${this.deps.hostname}; none (${String((err as Error).message).replace(/[\r\n;()]/g, ' ').slice(0, 100)})`] };
      }
    }
    const result = await runChecks(this.checks(), { ...input, message, authentication }, INBOUND_SEVERITY);
    const findings = result.findings as InboundFinding[];
    const score = findings.reduce((sum, f) => sum + f.score, 0);
    let verdict = result.verdict;
    const phishingVerdict: InboundVerdict = score >= this.policy.phishingThreshold ? 'quarantine' : score > 0 ? 'warn' : 'accept';
    if (INBOUND_SEVERITY[phishingVerdict] > INBOUND_SEVERITY[verdict]) verdict = phishingVerdict;
    const scanFailed = findings.some((f) => f.check === 'antivirus-unavailable');
    // Only the scanner's failure decides: a tempfail never hides another check's quarantine or reject.
    const onlyScanFailure = scanFailed && !findings.some((f) => f.check !== 'antivirus-unavailable' && INBOUND_SEVERITY[f.verdict] >= INBOUND_SEVERITY.quarantine) && phishingVerdict !== 'quarantine';
    const tempfail = this.policy.scanFailure === 'tempfail' && onlyScanFailure;
    return { verdict, score, findings, authentication, scanFailed, tempfail };
  }
}
