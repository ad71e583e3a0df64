/**
 * The inbound pipeline's vocabulary (issue 6, SPEC Art. 4.2). Verdicts, mild to severe:
 *   accept      deliver;
 *   warn        deliver with a 风险提示 (the reasons are stored beside the message);
 *   quarantine  hold for the security officer, deliver nothing;
 *   reject      refuse at the end of DATA (550 5.7.1).
 * Every finding carries a score; phishing findings are `accept` on their own and the pipeline
 * turns their sum into warn/quarantine against `inbound.phishingThreshold`.
 */
import type { CheckFinding } from '../checks.js';

export const INBOUND_SEVERITY = { accept: 0, warn: 1, quarantine: 2, reject: 3 } as const;
export type InboundVerdict = keyof typeof INBOUND_SEVERITY;

export interface InboundFinding extends CheckFinding<InboundVerdict> {
  /** Phishing score contributed (0 for checks that decide on their own). */
  score: number;
}

export function finding(check: string, verdict: InboundVerdict, score: number, reason: string, details?: Record<string, unknown>): InboundFinding {
  return { check, verdict, score, reason, ...(details ? { details } : {}) };
}
