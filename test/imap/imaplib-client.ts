/**
 * Runs a python3 imaplib script — a real, independent IMAP client — against our server. The
 * script gets `req` (the JSON given here, plus `port`, `user`, `password`), a TLS context that
 * accepts the test server's self-signed certificate, and helpers; it sets `out` to what the test
 * should see. Bytes come back base64-encoded (`b64(x)`), so tests can parse them exactly.
 */
import { spawn } from 'node:child_process';

const PROLOGUE = String.raw`
import base64, imaplib, json, ssl, sys
req = json.loads(sys.argv[1])
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
def b64(b):
    return base64.b64encode(b).decode()
def d(b):
    return b.decode('utf-8', 'replace') if isinstance(b, bytes) else str(b)
def flat(data):
    """imaplib's response list back into whole responses: a literal comes as a tuple
    (line ending in {n}, octets), and the rest of its line as the next item."""
    out = []
    open_ = False
    for item in data:
        if item is None:
            continue
        if isinstance(item, tuple):
            part = item[0] + b'\r\n' + item[1]
            if open_:
                out[-1] += part
            else:
                out.append(part)
            open_ = True
        else:
            if open_:
                out[-1] += item
            else:
                out.append(item)
            open_ = False
    return out
def tls_client():
    return imaplib.IMAP4_SSL('127.0.0.1', req['imaps'], ssl_context=ctx, timeout=30)
out = None
`;

export interface ImaplibRequest {
  imaps: number;
  imap: number;
  user: string;
  password: string;
  [key: string]: unknown;
}

export async function runImaplib<T>(body: string, request: ImaplibRequest): Promise<T> {
  const script = `${PROLOGUE}\n${body}\nprint(json.dumps(out))\n`;
  const child = spawn('python3', ['-c', script, JSON.stringify(request)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`imaplib script failed (${code}):\n${stderr}`);
  const last = stdout.trim().split('\n').pop() ?? 'null';
  return JSON.parse(last) as T;
}
