/**
 * Shared shape of the delivery pipelines (issue 6): the outbound pipeline (what a sender
 * submits, server/delivery/outbound/) and the inbound one (mail from other domains) are each an
 * ordered list of named checks. A check looks at a message and returns findings; each finding
 * carries a verdict; the pipeline's verdict is the most severe one found. Checks are plain
 * objects with a `name` so logs, audit rows, security events and tests can say which rule fired.
 *
 * The verdict vocabulary is the pipeline's own (outbound: pass / warn / hold / block; inbound
 * may use quarantine / reject …): `runChecks` only needs their order of severity.
 */

export interface CheckFinding<V extends string = string> {
  /** The check that produced it (`classification-marker`, `personal-data` …). */
  check: string;
  verdict: V;
  /** Human-readable reason, zh-CN (shown to the sender / the reviewer). */
  reason: string;
  /** Machine-readable details for audit and security events (never whole message content). */
  details?: Record<string, unknown>;
}

export interface Check<C, V extends string = string> {
  /** Stable name, kebab-case. */
  readonly name: string;
  run(context: C): Promise<CheckFinding<V>[]> | CheckFinding<V>[];
}

export interface PipelineResult<V extends string = string> {
  verdict: V;
  findings: CheckFinding<V>[];
}

/**
 * Runs every check in order (none is skipped after a severe finding: the reviewer and the
 * security event want the whole picture) and returns the most severe verdict.
 * `severity` ranks the verdicts; `pass` is the verdict with the lowest rank.
 */
export async function runChecks<C, V extends string>(checks: readonly Check<C, V>[], context: C, severity: Readonly<Record<V, number>>): Promise<PipelineResult<V>> {
  const findings: CheckFinding<V>[] = [];
  for (const check of checks) findings.push(...(await check.run(context)));
  const ranked = Object.entries(severity) as [V, number][];
  let verdict = ranked.reduce((low, entry) => (entry[1] < low[1] ? entry : low))[0];
  for (const finding of findings) if (severity[finding.verdict] > severity[verdict]) verdict = finding.verdict;
  return { verdict, findings };
}
