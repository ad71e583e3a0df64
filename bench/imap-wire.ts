/**
 * A minimal IMAP4rev1 client over implicit TLS for benchmarks (RFC 3501 §2.2, §7): one command
 * in flight per connection, each timed from the write of the command to its tagged completion.
 * It understands just enough of the response grammar to frame responses: lines, literals
 * (`{n}` / `{n+}`, RFC 3501 §4.3 and RFC 7888), continuation requests and tagged completions.
 * Literal contents are counted, not decoded, so FETCH of bodies costs the client little.
 *
 * A real client library (imapflow) adds its own commands (CAPABILITY, ENABLE, ID, NAMESPACE …)
 * and its own framing costs; here each benchmark operation is exactly one IMAP command, the same
 * bytes for every server, so the timings compare the servers and not the client.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface ImapReply {
  /** Tagged status. */
  status: 'OK' | 'NO' | 'BAD';
  /** The tagged line after the status (may start with a response code). */
  text: string;
  /** Untagged responses (`* …`), literals replaced by `{n}`. */
  untagged: string[];
  /** Sizes of the literals received in this reply, in order. */
  literals: number[];
  /** Milliseconds from writing the command to the tagged line. */
  ms: number;
}

export interface ConnectOptions {
  port: number;
  host?: string;
  /** Source address (another 127.x address lifts per-IP connection limits for the idle test). */
  localAddress?: string;
  /** Per command (and for the greeting). Default 30 s. */
  timeoutMs?: number;
}

export class ImapError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly reply?: ImapReply,
  ) {
    super(message);
  }
}

interface Pending {
  tag: string;
  command: string;
  startedAt: number;
  untagged: string[];
  literals: number[];
  resolve: (r: ImapReply) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const CRLF = Buffer.from('\r\n');

export class ImapWire {
  /** Number of messages the server last reported for the selected mailbox. */
  exists = 0;
  /** Protocol and cipher negotiated, e.g. `TLSv1.3 TLS_AES_256_GCM_SHA384`. */
  readonly tlsInfo: string;
  private buf: Buffer = Buffer.alloc(0);
  private literalLeft = 0;
  private line = '';
  private lineLiterals: number[] = [];
  private pending: Pending | null = null;
  private continuation: { resolve: (line: string) => void; reject: (e: Error) => void } | null = null;
  private tagNo = 0;
  private closedError: Error | null = null;
  private readonly timeoutMs: number;

  private constructor(
    private readonly socket: tls.TLSSocket,
    timeoutMs: number,
  ) {
    this.timeoutMs = timeoutMs;
    const cipher = socket.getCipher();
    this.tlsInfo = `${socket.getProtocol() ?? '?'} ${cipher.standardName ?? cipher.name}`;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    const fail = (err: Error) => {
      this.closedError ??= err;
      this.pending?.reject(new ImapError(err.message, this.pending.command));
      this.clearPending();
      this.continuation?.reject(err);
      this.continuation = null;
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed by the server')));
  }

  /** Connects, completes the TLS handshake and reads the greeting (`* OK`). */
  static async connect(options: ConnectOptions): Promise<ImapWire> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      // Both servers present the same self-signed certificate generated for the run.
      // TCP first, so that the source address can be chosen; then TLS over it.
      const tcp = net.connect({ host: options.host ?? '127.0.0.1', port: options.port, localAddress: options.localAddress });
      const s = tls.connect({ socket: tcp, rejectUnauthorized: false, servername: 'localhost' });
      tcp.once('error', (err) => s.destroy(err));
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`TLS connect to ${options.port} timed out`));
      }, timeoutMs);
      s.once('secureConnect', () => {
        clearTimeout(timer);
        s.removeListener('error', onError);
        resolve(s);
      });
      const onError = (err: Error) => {
        clearTimeout(timer);
        reject(err);
      };
      s.once('error', onError);
    });
    const wire = new ImapWire(socket, timeoutMs);
    const greeting = await wire.waitLine();
    if (!/^\* (OK|PREAUTH)\b/i.test(greeting)) {
      wire.destroy();
      throw new Error(`unexpected greeting: ${greeting}`);
    }
    return wire;
  }

  /**
   * Sends one command (without tag and CRLF) and resolves with its tagged completion. With
   * `literal`, the command must end in `{n+}` (LITERAL+, non-synchronising) and the literal
   * follows in the same write.
   */
  command(text: string, literal?: Buffer): Promise<ImapReply> {
    if (this.closedError) return Promise.reject(new ImapError(this.closedError.message, text));
    if (this.pending) return Promise.reject(new ImapError('a command is already in flight', text));
    const tag = `B${String(++this.tagNo).padStart(5, '0')}`;
    return new Promise<ImapReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ImapError(`timed out after ${this.timeoutMs} ms`, text));
        this.clearPending();
        this.destroy();
      }, this.timeoutMs);
      this.pending = { tag, command: text, startedAt: performance.now(), untagged: [], literals: [], resolve, reject, timer };
      const head = Buffer.from(`${tag} ${text}\r\n`, 'utf8');
      this.socket.write(literal ? Buffer.concat([head, literal, CRLF]) : head);
    });
  }

  /** Like command(), but rejects with an ImapError unless the server answers OK. */
  async ok(text: string, literal?: Buffer): Promise<ImapReply> {
    const reply = await this.command(text, literal);
    if (reply.status !== 'OK') throw new ImapError(`${reply.status} ${reply.text}`, text, reply);
    return reply;
  }

  /** RFC 2177: sends IDLE and resolves at the server's `+` continuation. */
  async idle(): Promise<void> {
    const tag = `B${String(++this.tagNo).padStart(5, '0')}`;
    const cont = new Promise<string>((resolve, reject) => (this.continuation = { resolve, reject }));
    this.socket.write(`${tag} IDLE\r\n`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('IDLE: no continuation in time')), this.timeoutMs)));
    try {
      await Promise.race([cont, timeout]);
    } finally {
      clearTimeout(timer);
      this.continuation = null;
    }
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Sends LOGOUT (best effort) and closes. */
  async logout(): Promise<void> {
    if (!this.closedError && !this.pending) {
      const tag = `B${String(++this.tagNo).padStart(5, '0')}`;
      this.socket.write(`${tag} LOGOUT\r\n`);
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 1000);
      this.socket.end(() => {
        clearTimeout(t);
        resolve();
      });
    });
    this.socket.destroy();
  }

  // ── framing ─────────────────────────────────────────────────────────────────────────

  private greetingWaiter: ((line: string) => void) | null = null;

  private waitLine(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no greeting in time')), this.timeoutMs);
      this.greetingWaiter = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let pos = 0;
    while (pos < this.buf.length) {
      if (this.literalLeft > 0) {
        const take = Math.min(this.literalLeft, this.buf.length - pos);
        this.literalLeft -= take;
        pos += take;
        continue;
      }
      const end = this.buf.indexOf(CRLF, pos);
      if (end < 0) break;
      const part = this.buf.toString('utf8', pos, end);
      pos = end + 2;
      const lit = /\{(\d+)\+?\}$/.exec(part);
      if (lit) {
        const n = Number(lit[1]);
        this.line += part;
        this.lineLiterals.push(n);
        this.literalLeft = n;
        continue;
      }
      this.line += part;
      const full = this.line;
      const literals = this.lineLiterals;
      this.line = '';
      this.lineLiterals = [];
      this.onResponse(full, literals);
    }
    this.buf = pos >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(pos);
  }

  private onResponse(line: string, literals: number[]): void {
    if (this.greetingWaiter) {
      const w = this.greetingWaiter;
      this.greetingWaiter = null;
      w(line);
      return;
    }
    if (line.startsWith('+')) {
      this.continuation?.resolve(line);
      this.continuation = null;
      return;
    }
    if (line.startsWith('* ')) {
      const m = /^\* (\d+) (EXISTS|EXPUNGE)\b/i.exec(line);
      if (m) {
        if (m[2]!.toUpperCase() === 'EXISTS') this.exists = Number(m[1]);
        else this.exists = Math.max(0, this.exists - 1);
      }
      if (this.pending) {
        this.pending.untagged.push(line);
        this.pending.literals.push(...literals);
      }
      return;
    }
    const p = this.pending;
    if (p && line.startsWith(`${p.tag} `)) {
      const rest = line.slice(p.tag.length + 1);
      const sp = rest.indexOf(' ');
      const status = (sp < 0 ? rest : rest.slice(0, sp)).toUpperCase();
      const reply: ImapReply = {
        status: status === 'OK' || status === 'NO' ? status : 'BAD',
        text: sp < 0 ? '' : rest.slice(sp + 1),
        untagged: p.untagged,
        literals: p.literals,
        ms: performance.now() - p.startedAt,
      };
      this.clearPending();
      p.resolve(reply);
    }
    // Anything else (a stray tagged line, e.g. IDLE's completion after a close) is ignored.
  }

  private clearPending(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = null;
  }
}

/** An IMAP quoted string (RFC 3501 §4.3) for ASCII arguments. */
export function quote(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
