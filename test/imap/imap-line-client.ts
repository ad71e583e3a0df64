/**
 * A deliberately small IMAP client for replaying exact command sequences (what Thunderbird,
 * Outlook and Apple Mail send) and hostile input over a real socket. It writes bytes as given and
 * splits the server's output into responses: one response is a line plus any literals it
 * announces (`{n}\r\n` + n octets, RFC 3501 §4.3), so a FETCH with a body is one response.
 */
import net from 'node:net';
import tls from 'node:tls';

export interface ImapResponse {
  /** The response's octets, literals included, without the final CRLF. */
  bytes: Buffer;
  /** The same as text (UTF-8, for assertions). */
  text: string;
}

export interface TaggedResult {
  /** Untagged (`*`) and continuation (`+`) responses before the tagged one. */
  untagged: string[];
  /** The same responses as octets (literals intact). */
  untaggedBytes: Buffer[];
  /** The tagged line, e.g. `a1 OK LIST completed`. */
  tagged: string;
  status: 'OK' | 'NO' | 'BAD';
}

export class ImapLineClient {
  private buffer = Buffer.alloc(0);
  private readonly queue: ImapResponse[] = [];
  private waiter: (() => void) | null = null;
  private tagCounter = 0;
  closed = false;
  greeting: string | null = null;

  private constructor(private socket: net.Socket) {
    this.listen(socket);
  }

  static async connect(port: number, options: { tls: boolean }): Promise<ImapLineClient> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = options.tls
        ? tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => resolve(s))
        : net.connect({ host: '127.0.0.1', port }, () => resolve(s));
      s.once('error', reject);
    });
    const client = new ImapLineClient(socket);
    client.greeting = (await client.next()).text;
    return client;
  }

  private listen(socket: net.Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.split();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Cuts complete responses (line + announced literals) off the buffer. */
  private split(): void {
    for (;;) {
      let pos = 0;
      let complete = false;
      for (;;) {
        const eol = this.buffer.indexOf('\r\n', pos);
        if (eol < 0) break;
        const m = /\{(\d+)\+?\}$/.exec(this.buffer.subarray(pos, eol).toString('latin1'));
        if (!m) {
          pos = eol + 2;
          complete = true;
          break;
        }
        const end = eol + 2 + Number(m[1]);
        if (this.buffer.length < end) break;
        pos = end;
      }
      if (!complete) return;
      const bytes = this.buffer.subarray(0, pos - 2);
      this.buffer = this.buffer.subarray(pos);
      this.queue.push({ bytes, text: bytes.toString('utf8') });
      this.wake();
    }
  }

  /** The next response, waiting up to `timeoutMs`. Rejects on timeout or close. */
  async next(timeoutMs = 10_000): Promise<ImapResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const item = this.queue.shift();
      if (item) return item;
      if (this.closed) throw new Error('connection closed');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiter = null;
          resolve();
        }, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Whatever responses arrive within `ms` (none is fine). */
  async drain(ms: number): Promise<string[]> {
    const out: string[] = [];
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return out;
      try {
        out.push((await this.next(left)).text);
      } catch {
        return out;
      }
    }
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  nextTag(): string {
    return `t${++this.tagCounter}`;
  }

  /** Sends `<tag> <command>\r\n` and collects everything up to the tagged reply. */
  async command(command: string | Buffer, options: { tag?: string; timeoutMs?: number } = {}): Promise<TaggedResult> {
    const tag = options.tag ?? this.nextTag();
    this.write(Buffer.concat([Buffer.from(`${tag} `), Buffer.isBuffer(command) ? command : Buffer.from(command, 'utf8'), Buffer.from('\r\n')]));
    return this.until(tag, options.timeoutMs);
  }

  /** Collects responses until the tagged reply for `tag`. */
  async until(tag: string, timeoutMs = 15_000): Promise<TaggedResult> {
    const untagged: string[] = [];
    const untaggedBytes: Buffer[] = [];
    for (;;) {
      const response = await this.next(timeoutMs);
      if (response.text.startsWith(`${tag} `)) {
        const status = response.text.slice(tag.length + 1).split(' ')[0] as TaggedResult['status'];
        return { untagged, untaggedBytes, tagged: response.text, status };
      }
      untagged.push(response.text);
      untaggedBytes.push(response.bytes);
    }
  }

  /** RFC 3501 §6.2.1: answer to STARTTLS, then the TLS handshake on the same socket. */
  async startTls(): Promise<TaggedResult> {
    const result = await this.command('STARTTLS');
    if (result.status !== 'OK') return result;
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    this.buffer = Buffer.alloc(0);
    this.socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = tls.connect({ socket: plain, rejectUnauthorized: false }, () => resolve(s));
      s.once('error', reject);
    });
    this.listen(this.socket);
    return result;
  }

  async login(user: string, password: string): Promise<TaggedResult> {
    return this.command(`LOGIN "${user}" "${password.replace(/["\\]/g, '\\$&')}"`);
  }

  close(): void {
    this.socket.destroy();
  }

  async logout(): Promise<void> {
    if (this.closed) return;
    try {
      await this.command('LOGOUT', { timeoutMs: 3000 });
    } catch {
      // closed already
    }
    this.close();
  }
}
