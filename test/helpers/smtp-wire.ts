/**
 * A small SMTP client over a raw socket, for tests and the ingest benchmark: it sends exactly
 * the bytes it is given (bare LF, NUL, 8-bit headers, over-long lines) where a full client would
 * "fix" them, and it reads replies as the server wrote them.
 *
 * RFC 5321 §4.2 (reply lines: `ddd-` continues, `ddd ` or `ddd` ends), §4.5.2 (dot-stuffing),
 * RFC 3207 (STARTTLS).
 */
import net from 'node:net';
import tls from 'node:tls';

export interface SmtpReply {
  code: number;
  /** The text of every line without the code, joined by `\n`. */
  text: string;
  /** RFC 3463 enhanced status code at the start of the first line, when present. */
  enhanced: string | null;
  lines: string[];
}

const ENHANCED = /^([245]\.\d{1,3}\.\d{1,3})\b/;

/**
 * Dot-stuffs a message (RFC 5321 §4.5.2) and appends the end-of-data mark. A dot at the start
 * of any line is doubled, after CRLF or a bare LF alike (smtp-server unstuffs both).
 */
export function dotStuff(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  if (raw[0] === 0x2e) {
    parts.push(Buffer.from('.'));
  }
  for (let i = 0; i < raw.length - 1; i++) {
    if (raw[i] === 0x0a && raw[i + 1] === 0x2e) {
      parts.push(raw.subarray(start, i + 1), Buffer.from('.'));
      start = i + 1;
    }
  }
  parts.push(raw.subarray(start));
  const endsWithCrlf = raw.length >= 2 && raw[raw.length - 2] === 0x0d && raw[raw.length - 1] === 0x0a;
  parts.push(Buffer.from(endsWithCrlf ? '.\r\n' : raw.length === 0 ? '.\r\n' : '\r\n.\r\n'));
  return Buffer.concat(parts);
}

export class SmtpWire {
  private socket: net.Socket | tls.TLSSocket;
  private buffer = '';
  private pendingLines: string[] = [];
  private waiters: { resolve: (r: SmtpReply) => void; reject: (e: Error) => void }[] = [];
  private replies: SmtpReply[] = [];
  private closedError: Error | null = null;
  greeting!: SmtpReply;

  private constructor(socket: net.Socket | tls.TLSSocket) {
    this.socket = socket;
    this.attach(socket);
  }

  /** Connects and reads the greeting. `implicitTls` is for submissions (RFC 8314). */
  static async connect(port: number, options: { host?: string; implicitTls?: boolean; timeoutMs?: number } = {}): Promise<SmtpWire> {
    const host = options.host ?? '127.0.0.1';
    const socket = await new Promise<net.Socket | tls.TLSSocket>((resolve, reject) => {
      const s: net.Socket | tls.TLSSocket = options.implicitTls
        ? tls.connect({ port, host, rejectUnauthorized: false, servername: 'localhost' }, () => resolve(s))
        : net.connect({ port, host }, () => resolve(s));
      s.once('error', reject);
    });
    socket.setNoDelay(true);
    const wire = new SmtpWire(socket);
    if (options.timeoutMs) socket.setTimeout(options.timeoutMs, () => socket.destroy(new Error('smtp-wire: socket timeout')));
    wire.greeting = await wire.read();
    return wire;
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.fail(new Error('smtp-wire: connection closed')));
  }

  private fail(err: Error): void {
    if (!this.closedError) this.closedError = err;
    for (const w of this.waiters.splice(0)) w.reject(this.closedError);
  }

  private onData(chunk: Buffer): void {
    this.buffer += chunk.toString('utf8');
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end < 0) break;
      const line = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
      this.pendingLines.push(line);
      if (/^\d{3}(?: |$)/.test(line) || !/^\d{3}-/.test(line)) {
        const lines = this.pendingLines.splice(0);
        const code = Number(lines[lines.length - 1]!.slice(0, 3));
        const texts = lines.map((l) => l.slice(4));
        const reply: SmtpReply = { code, text: texts.join('\n'), enhanced: ENHANCED.exec(texts[0] ?? '')?.[1] ?? null, lines };
        const waiter = this.waiters.shift();
        if (waiter) waiter.resolve(reply);
        else this.replies.push(reply);
      }
    }
  }

  /** The next reply from the server. */
  read(): Promise<SmtpReply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closedError) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  write(data: Buffer | string): void {
    this.socket.write(data);
  }

  /** Sends one command line (CRLF added) and reads its reply. */
  command(line: string): Promise<SmtpReply> {
    const reply = this.read();
    this.write(line + '\r\n');
    return reply;
  }

  /** RFC 3207: STARTTLS, then the TLS handshake on the same socket. Returns the 220 reply. */
  async startTls(): Promise<SmtpReply> {
    const reply = await this.command('STARTTLS');
    if (reply.code !== 220) return reply;
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: plain, rejectUnauthorized: false, servername: 'localhost' }, () => resolve(s));
      s.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
    return reply;
  }

  /** DATA, the dot-stuffed message, and the final reply; `ms` is end of data → reply. */
  async data(raw: Buffer): Promise<SmtpReply & { ms: number }> {
    const go = await this.command('DATA');
    if (go.code !== 354) return { ...go, ms: 0 };
    const final = this.read();
    const started = performance.now();
    this.write(dotStuff(raw));
    const reply = await final;
    return { ...reply, ms: performance.now() - started };
  }

  /**
   * One mail transaction. Stops at the first refused step and returns that reply, with `stage`
   * naming it; on success the reply is the one to the end of data.
   */
  async sendMail(envelope: { from: string; to: readonly string[]; mailParams?: string }, raw: Buffer): Promise<SmtpReply & { stage: 'mail' | 'rcpt' | 'data' | 'done'; ms: number }> {
    const mail = await this.command(`MAIL FROM:<${envelope.from}>${envelope.mailParams ? ' ' + envelope.mailParams : ''}`);
    if (mail.code !== 250) return { ...mail, stage: 'mail', ms: 0 };
    for (const to of envelope.to) {
      const rcpt = await this.command(`RCPT TO:<${to}>`);
      if (rcpt.code !== 250) {
        await this.command('RSET');
        return { ...rcpt, stage: 'rcpt', ms: 0 };
      }
    }
    const reply = await this.data(raw);
    return { ...reply, stage: reply.code === 250 ? 'done' : 'data' };
  }

  async ehlo(name = 'client.example.com'): Promise<SmtpReply> {
    return this.command(`EHLO ${name}`);
  }

  /** QUIT and wait for the server to close; tolerates a connection already gone. */
  async quit(): Promise<void> {
    if (this.closedError) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    await this.command('QUIT').catch(() => undefined);
    this.socket.end();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 1000))]);
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  get isOpen(): boolean {
    return !this.closedError;
  }
}
