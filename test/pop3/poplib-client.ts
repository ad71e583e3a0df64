/**
 * Drives python3's poplib — a real, independent POP3 client — against our server. A test gives
 * a list of steps; the script runs them in order on one connection and prints, for each, its
 * result or the server's `-ERR` line. Message bodies come back base64-encoded, re-joined with
 * CRLF exactly as poplib un-stuffed them, so tests can compare bytes.
 */
import { spawn } from 'node:child_process';

export type PoplibStep =
  | ['stls']
  | ['capa']
  | ['user', string]
  | ['pass', string]
  | ['stat']
  | ['list']
  | ['uidl']
  | ['retr', number]
  | ['top', number, number]
  | ['dele', number]
  | ['rset']
  | ['noop']
  | ['quit'];

export interface PoplibResult {
  welcome: string;
  steps: ({ ok: unknown } | { err: string })[];
}

export interface RetrResult {
  resp: string;
  /** The message as poplib returns it: lines un-stuffed and joined with CRLF. */
  raw: string;
  octets: number;
}

const SCRIPT = String.raw`
import base64, json, poplib, ssl, sys
req = json.loads(sys.argv[1])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
if req['tls'] == 'implicit':
    p = poplib.POP3_SSL('127.0.0.1', req['port'], context=ctx, timeout=30)
else:
    p = poplib.POP3('127.0.0.1', req['port'], timeout=30)
out = {'welcome': p.getwelcome().decode('utf-8', 'replace'), 'steps': []}
def d(b):
    return b.decode('utf-8', 'replace')
for step in req['steps']:
    op, args = step[0], step[1:]
    try:
        if op == 'stls':
            r = d(p.stls(ctx))
        elif op == 'capa':
            r = {k: v for k, v in p.capa().items()}
        elif op == 'user':
            r = d(p.user(args[0]))
        elif op == 'pass':
            r = d(p.pass_(args[0]))
        elif op == 'stat':
            r = list(p.stat())
        elif op == 'list':
            resp, lines, octets = p.list()
            r = [d(l) for l in lines]
        elif op == 'uidl':
            resp, lines, octets = p.uidl()
            r = [d(l) for l in lines]
        elif op in ('retr', 'top'):
            resp, lines, octets = p.retr(args[0]) if op == 'retr' else p.top(args[0], args[1])
            r = {'resp': d(resp), 'raw': base64.b64encode(b'\r\n'.join(lines) + b'\r\n').decode(), 'octets': octets}
        elif op == 'dele':
            r = d(p.dele(args[0]))
        elif op == 'rset':
            r = d(p.rset())
        elif op == 'noop':
            r = d(p.noop())
        elif op == 'quit':
            r = d(p.quit())
        else:
            raise ValueError(op)
        out['steps'].append({'ok': r})
    except poplib.error_proto as e:
        msg = e.args[0]
        out['steps'].append({'err': d(msg) if isinstance(msg, bytes) else str(msg)})
print(json.dumps(out))
`;

export async function runPoplib(port: number, tls: 'implicit' | 'none', steps: readonly PoplibStep[]): Promise<PoplibResult> {
  const child = spawn('python3', ['-c', SCRIPT, JSON.stringify({ port, tls, steps })], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`poplib script failed (${code}):\n${stderr}`);
  return JSON.parse(stdout) as PoplibResult;
}

/** The successful result of step `i`, failing the test with the server's reply otherwise. */
export function ok<T = string>(result: PoplibResult, i: number): T {
  const step = result.steps[i];
  if (!step) throw new Error(`no step ${i}`);
  if ('err' in step) throw new Error(`step ${i} failed: ${step.err}`);
  return step.ok as T;
}

export function err(result: PoplibResult, i: number): string {
  const step = result.steps[i];
  if (!step) throw new Error(`no step ${i}`);
  if (!('err' in step)) throw new Error(`step ${i} succeeded: ${JSON.stringify(step.ok)}`);
  return step.err;
}

export function retrBytes(result: PoplibResult, i: number): { bytes: Buffer; octets: number; resp: string } {
  const r = ok<RetrResult>(result, i);
  return { bytes: Buffer.from(r.raw, 'base64'), octets: r.octets, resp: r.resp };
}
