/**
 * A small POP3 client over a raw socket, for tests: it sends exactly the bytes it is given
 * (binary garbage, over-long lines, pipelined commands) and returns responses as the server
 * wrote them, multi-line bodies still byte-stuffed (RFC 1939 §3).
 */
import net from 'node:net';
import tls from 'node:tls';

export class Pop3Wire {
  private buffer: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  private closedError: Error | null = null;
  closed = false;

  private constructor(private socket: net.Socket | tls.TLSSocket) {
    this.attach(socket);
  }

  static async connect(port: number, options: { implicitTls?: boolean } = {}): Promise<Pop3Wire> {
    const socket = await new Promise<net.Socket | tls.TLSSocket>((resolve, reject) => {
      const s: net.Socket | tls.TLSSocket = options.implicitTls
        ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false, servername: 'localhost' }, () => resolve(s))
        : net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    return new Pop3Wire(socket);
  }

  private attach(socket: net.Socket | tls.TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('error', (err) => {
      this.closedError ??= err;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.closedError ??= new Error('pop3-wire: connection closed');
      this.wake();
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private async waitFor<T>(take: () => T | null, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = take();
      if (value !== null) return value;
      if (this.closedError) throw this.closedError;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`pop3-wire: timed out; buffered: ${JSON.stringify(this.buffer.toString('latin1').slice(0, 200))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** One response line, without CRLF (decoded as UTF-8: error texts may be Chinese). */
  async readLine(timeoutMs?: number): Promise<string> {
    return this.waitFor(() => {
      const i = this.buffer.indexOf('\r\n');
      if (i === -1) return null;
      const line = this.buffer.subarray(0, i).toString('utf8');
      this.buffer = this.buffer.subarray(i + 2);
      return line;
    }, timeoutMs);
  }

  /**
   * The body of a multi-line response after its first line, up to and including ".\r\n".
   * Collected chunk by chunk (a 24 MiB RETR must not be re-copied on every packet).
   */
  async readMultilineBody(timeoutMs = 60_000): Promise<Buffer> {
    const parts: Buffer[] = [];
    let total = 0;
    // The last 4 bytes seen, prefixed with CRLF at the start: "\r\n.\r\n" may span chunks.
    let tail = Buffer.from('\r\n');
    return this.waitFor(() => {
      if (this.buffer.length === 0) return null;
      const chunk = this.buffer;
      this.buffer = Buffer.alloc(0);
      const window = Buffer.concat([tail, chunk]);
      const at = window.indexOf('\r\n.\r\n');
      if (at === -1) {
        parts.push(chunk);
        total += chunk.length;
        tail = window.subarray(Math.max(0, window.length - 4));
        return null;
      }
      const stop = at + 5 - tail.length; // end of the terminator, as an offset in chunk
      parts.push(chunk.subarray(0, stop));
      total += stop;
      this.buffer = chunk.subarray(stop);
      return Buffer.concat(parts, total);
    }, timeoutMs);
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Sends a command line and returns the first response line. */
  async command(line: string): Promise<string> {
    this.send(`${line}\r\n`);
    return this.readLine();
  }

  /** Sends a command; on +OK returns the first line and the (stuffed) body lines. */
  async multiline(line: string): Promise<{ first: string; lines: string[] }> {
    const first = await this.command(line);
    if (!first.startsWith('+OK')) return { first, lines: [] };
    const body = (await this.readMultilineBody()).toString('utf8');
    const lines = body.split('\r\n');
    lines.pop(); // after the final CRLF
    lines.pop(); // the "."
    return { first, lines };
  }

  /** STLS, then the TLS handshake on the same socket (RFC 2595 §4). */
  async stls(): Promise<string> {
    const reply = await this.command('STLS');
    if (!reply.startsWith('+OK')) return reply;
    await this.upgrade();
    return reply;
  }

  async upgrade(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    this.buffer = Buffer.alloc(0);
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ socket: plain, rejectUnauthorized: false, servername: 'localhost' }, () => resolve(s));
      s.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  /** Resolves when the server has closed the connection. */
  async waitClosed(timeoutMs = 15_000): Promise<void> {
    await this.waitFor(() => (this.closed ? true : null), timeoutMs).catch((err: unknown) => {
      if (!this.closed) throw err;
    });
  }

  /** Everything received and not yet read. */
  pending(): Buffer {
    return this.buffer;
  }

  /** Stops reading from the socket (to see the server's backpressure) and starts again. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    this.socket.destroy();
  }
}
