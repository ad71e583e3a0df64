/**
 * One POP3 connection: the wire I/O and the state machine (RFC 1939 §3–6). What each command
 * does is in commands.ts; this file reads lines, runs commands one at a time in the order
 * they came (RFC 2449 §6.6 PIPELINING), writes replies with backpressure, upgrades to TLS
 * (RFC 2595 §4 STLS, RFC 8314 implicit TLS), maps errors to `-ERR` in one place, and keeps the
 * autologout timer (RFC 1939 §3).
 *
 * A session that ends other than by QUIT never enters the UPDATE state (RFC 1939 §6): messages
 * marked with DELE stay on the server.
 */
import type net from 'node:net';
import tls from 'node:tls';
import type { Readable } from 'node:stream';
import type { Logger } from '../platform/logger.js';
import type { Services } from '../services.js';
import type { Pop3State } from './capabilities.js';
import { COMMANDS } from './commands.js';
import type { Pop3Limits } from './limits.js';
import { Maildrop } from './maildrop.js';
import { ConnectionClosed, Pop3Error, pop3Errors } from './pop3-errors.js';
import { parseCommand } from './wire/command.js';
import { LineReader, type LineEvent } from './wire/line-reader.js';
import type { MultilineEncoder } from './wire/multiline.js';

/** RFC 1939 §8: one session per maildrop. Shared by every POP3 listener of a node. */
export interface MaildropLocks {
  /** Returns the function that releases the lock, or null when another session holds it. */
  tryLock(accountId: number): (() => void) | null;
}

export interface SessionDeps {
  services: Services;
  logger: Logger;
  limits: Pop3Limits;
  secureContext: tls.SecureContext;
  locks: MaildropLocks;
}

/** What commands see of a session (commands.ts). */
export interface Pop3Host {
  readonly state: Pop3State;
  readonly secure: boolean;
  /** The maildrop snapshot; only in the TRANSACTION state. */
  readonly maildrop: Maildrop;
  /** Login given by USER, waiting for PASS. */
  pendingUser: string | null;
  /** Writes one line (CRLF added). */
  reply(line: string): void;
  /** Writes a multi-line response: `+OK first`, the lines (byte-stuffed), `.`. */
  replyLines(first: string, lines: readonly string[]): void;
  /** `+OK first`, then the message through the encoder, with backpressure. */
  sendMessage(first: string, content: Readable, encoder: MultilineEncoder): Promise<void>;
  /**
   * Work after a response is complete (RETR's \Seen): its failure is logged, never answered,
   * since a second reply to one command would put the client out of step.
   */
  afterResponse(what: string, work: () => Promise<void>): Promise<void>;
  /** The next line the client sends is a SASL response, given to `handler` (RFC 5034 §4). */
  expectSaslResponse(handler: (response: string) => Promise<void>): void;
  /** Authenticates and enters TRANSACTION, or throws a Pop3Error. */
  login(login: string, password: string): Promise<void>;
  /** STLS: answers +OK and upgrades the connection (RFC 2595 §4). */
  startTls(): Promise<void>;
  /** QUIT: enters UPDATE from TRANSACTION, answers, closes (RFC 1939 §6). */
  quit(): Promise<void>;
}

export class Pop3Session implements Pop3Host {
  state: Pop3State = 'AUTHORIZATION';
  secure = false;
  pendingUser: string | null = null;

  private stream: net.Socket | tls.TLSSocket;
  private readonly reader: LineReader;
  private queue: LineEvent[] = [];
  private pumping = false;
  private closed = false;
  private cleanedUp = false;
  private badCommands = 0;
  private authFailures = 0;
  private sasl: ((response: string) => Promise<void>) | null = null;
  private drop: Maildrop | null = null;
  private unlock: (() => void) | null = null;
  private account: { id: number; address: string } | null = null;
  /** Unsubscribes from the account's feed (watching for the account being disabled). */
  private stopWatching: (() => void) | null = null;
  private readonly remoteAddress: string | null;
  private readonly log: Logger;
  private readonly onData = (chunk: Buffer) => this.received(chunk);
  private readonly onTimeout = () => this.timedOut();

  constructor(
    private readonly raw: net.Socket,
    private readonly deps: SessionDeps,
    private readonly implicitTls: boolean,
    private readonly onClosed: () => void,
  ) {
    this.stream = raw;
    this.reader = new LineReader(deps.limits.maxLineOctets);
    this.remoteAddress = raw.remoteAddress ?? null;
    this.log = deps.logger.child({ remote: this.remoteAddress, port: raw.localPort });
  }

  start(): void {
    const raw = this.raw;
    raw.setNoDelay(true);
    // Foxmail left running over a NAT: find dead peers so their maildrop lock is released.
    raw.setKeepAlive(true, 60_000);
    raw.on('error', (err) => this.log.debug({ err }, 'pop3 socket error'));
    raw.on('close', () => this.cleanup());
    if (this.implicitTls) {
      this.upgrade().then(
        () => this.greet(),
        (err: unknown) => {
          this.log.debug({ err }, 'pop3 TLS handshake failed');
          this.destroy();
        },
      );
    } else {
      raw.setTimeout(this.deps.limits.idleTimeoutMs, this.onTimeout);
      raw.on('data', this.onData);
      this.greet();
    }
  }

  /** Ends the session without UPDATE (server shutdown). */
  shutdown(): void {
    if (!this.closed) {
      this.write(pop3Errors.shuttingDown().toWire());
      this.end();
    }
    // A client that does not answer our FIN must not hold the shutdown up.
    setTimeout(() => this.destroy(), 1000).unref();
  }

  get maildrop(): Maildrop {
    if (!this.drop || this.state !== 'TRANSACTION') throw pop3Errors.wrongState('command', this.state);
    return this.drop;
  }

  // ── replies ──────────────────────────────────────────────────────────────────────────

  reply(line: string): void {
    this.write(`${line.replace(/[\r\n]+/g, ' ')}\r\n`);
  }

  replyLines(first: string, lines: readonly string[]): void {
    const body = lines.map((l) => (l.startsWith('.') ? `.${l}` : l)).join('\r\n');
    this.write(`+OK ${first}\r\n${body}${lines.length > 0 ? '\r\n' : ''}.\r\n`);
  }

  async sendMessage(first: string, content: Readable, encoder: MultilineEncoder): Promise<void> {
    this.reply(`+OK ${first}`);
    try {
      for await (const chunk of content) {
        if (this.closed) throw new ConnectionClosed();
        const out = encoder.push(chunk as Buffer);
        if (out.length > 0 && !this.stream.write(out)) await this.drained();
        if (encoder.done) break;
      }
    } catch (err) {
      // Half a message has gone out after +OK: the response cannot be completed honestly, and
      // a client that sees the connection drop retries; one that sees "." would keep a torso.
      if (!(err instanceof ConnectionClosed)) this.log.warn({ err }, 'pop3 message stream failed');
      content.destroy();
      this.destroy();
      throw new ConnectionClosed();
    }
    this.write(encoder.end());
  }

  async afterResponse(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.log.warn({ err, account: this.account?.address, what }, 'pop3 follow-up failed');
    }
  }

  private write(data: string | Buffer): void {
    if (this.closed || this.stream.destroyed) return;
    this.stream.write(data);
  }

  /** Resolves when the socket's buffer has drained; rejects once the connection is gone. */
  private drained(): Promise<void> {
    const stream = this.stream;
    if (!stream.writableNeedDrain) return Promise.resolve();
    if (stream.destroyed || this.closed) return Promise.reject(new ConnectionClosed());
    return new Promise((resolve, reject) => {
      const done = () => {
        stream.off('drain', onDrain);
        stream.off('close', onClose);
      };
      const onDrain = () => {
        done();
        resolve();
      };
      const onClose = () => {
        done();
        reject(new ConnectionClosed());
      };
      stream.on('drain', onDrain);
      stream.on('close', onClose);
    });
  }

  // ── reading and running commands ─────────────────────────────────────────────────────

  private greet(): void {
    // RFC 1939 §4. No APOP timestamp: passwords are stored as argon2 hashes, APOP needs them in clear.
    this.reply('+OK govmail POP3 server ready');
  }

  private received(chunk: Buffer): void {
    if (this.closed) return;
    for (const event of this.reader.push(chunk)) this.queue.push(event);
    if (this.queue.length >= this.deps.limits.maxQueuedCommands) this.stream.pause();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let event = this.queue.shift(); event && !this.closed; event = this.queue.shift()) {
        await this.handle(event);
        if (this.stream.writableNeedDrain) await this.drained();
        if (this.stream.isPaused() && this.queue.length < this.deps.limits.maxQueuedCommands / 2) this.stream.resume();
      }
    } catch (err) {
      if (!(err instanceof ConnectionClosed)) {
        this.log.error({ err }, 'pop3 session failed');
        this.destroy();
      }
    } finally {
      this.pumping = false;
    }
  }

  private async handle(event: LineEvent): Promise<void> {
    if (event.kind === 'too-long') {
      this.sasl = null;
      return this.refuse(pop3Errors.lineTooLong());
    }
    const sasl = this.sasl;
    if (sasl) {
      this.sasl = null;
      return this.run(() => sasl(event.line.toString('utf8')));
    }
    const command = parseCommand(event.line);
    const definition = command ? COMMANDS.get(command.keyword) : undefined;
    if (!command || !definition) return this.refuse(pop3Errors.unknownCommand());
    if (!definition.states.includes(this.state)) return this.refuse(pop3Errors.wrongState(command.keyword, this.state));
    return this.run(() => definition.run(this, command));
  }

  /** Runs a command and maps what it throws to the wire: the one place that does. */
  private async run(work: () => Promise<void> | void): Promise<void> {
    try {
      await work();
    } catch (err) {
      if (err instanceof ConnectionClosed) throw err;
      if (err instanceof Pop3Error) return this.refuse(err);
      this.log.error({ err, account: this.account?.address }, 'pop3 command failed');
      this.write(pop3Errors.temporary().toWire());
    }
  }

  private refuse(err: Pop3Error): void {
    this.write(err.toWire());
    if (err.bad && ++this.badCommands >= this.deps.limits.maxBadCommands) {
      this.write(pop3Errors.tooManyBadCommands().toWire());
      this.end();
    }
  }

  // ── authentication ───────────────────────────────────────────────────────────────────

  expectSaslResponse(handler: (response: string) => Promise<void>): void {
    this.sasl = handler;
  }

  async login(login: string, password: string): Promise<void> {
    const { services, locks, limits } = this.deps;
    // AuthService audits the attempt (success or failure) with protocol and IP.
    const result = await services.auth.authenticate({ login, password, protocol: 'pop3', ip: this.remoteAddress, client: null });
    if (this.closed) throw new ConnectionClosed();
    if (!result.ok) {
      const err = pop3Errors.authFailed(result.message);
      if (++this.authFailures >= limits.maxAuthFailures) {
        this.write(err.toWire());
        this.end();
        throw new ConnectionClosed();
      }
      throw err;
    }
    const account = result.account;
    const unlock = locks.tryLock(account.id);
    if (!unlock) throw pop3Errors.inUse();
    let drop: Maildrop;
    try {
      drop = await Maildrop.open(services.mail, account.id);
    } catch (err) {
      unlock();
      throw err;
    }
    if (this.closed) {
      unlock();
      throw new ConnectionClosed();
    }
    this.unlock = unlock;
    this.drop = drop;
    this.account = { id: account.id, address: account.address };
    this.state = 'TRANSACTION';
    // Locked, suspended or deactivated by an administrator: the session ends without UPDATE (SPEC 3.6).
    this.stopWatching = services.feed.subscribe(account.id, (changes) => {
      if (changes.some((c) => c.kind === 'account-disabled' || c.kind === 'credentials-reset')) this.shutdown();
    });
    const { count, octets } = drop.stat();
    this.log.info({ account: account.address, messages: count }, 'pop3 login');
    this.reply(`+OK Logged in, ${count} messages (${octets} octets)`);
  }

  // ── TLS ──────────────────────────────────────────────────────────────────────────────

  async startTls(): Promise<void> {
    if (this.secure) throw pop3Errors.alreadyTls();
    // Whatever the client pipelined after STLS came in clear: it must not run as if it had
    // come over TLS (the STARTTLS command-injection class of bugs, CVE-2011-0411).
    this.queue = [];
    this.reader.reset();
    this.pendingUser = null;
    this.raw.off('data', this.onData);
    this.raw.setTimeout(0);
    // Written to the raw socket before it is wrapped: the +OK leaves in clear, as it must.
    this.raw.write('+OK Begin TLS negotiation\r\n');
    try {
      await this.upgrade();
    } catch (err) {
      this.log.debug({ err }, 'pop3 STLS handshake failed');
      this.destroy();
      throw new ConnectionClosed();
    }
  }

  private upgrade(): Promise<void> {
    const { limits, secureContext } = this.deps;
    const secure = new tls.TLSSocket(this.raw, { isServer: true, secureContext });
    this.stream = secure;
    secure.setTimeout(limits.tlsHandshakeTimeoutMs, this.onTimeout);
    secure.on('close', () => this.cleanup());
    // Always listening: a second error after a failed handshake must not become an uncaught one.
    secure.on('error', (err) => this.log.debug({ err }, 'pop3 TLS socket error'));
    return new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      const onClose = () => reject(new ConnectionClosed());
      secure.once('error', onError);
      secure.once('close', onClose);
      secure.once('secure', () => {
        secure.off('error', onError);
        secure.off('close', onClose);
        secure.setTimeout(limits.idleTimeoutMs);
        this.secure = true;
        secure.on('data', this.onData);
        resolve();
      });
    });
  }

  // ── ending ───────────────────────────────────────────────────────────────────────────

  async quit(): Promise<void> {
    if (this.state === 'AUTHORIZATION' || !this.drop) {
      this.reply('+OK govmail POP3 server signing off');
      this.end();
      return;
    }
    this.state = 'UPDATE';
    try {
      const outcome = await this.drop.update();
      if (outcome.removed > 0) this.log.info({ account: this.account?.address, removed: outcome.removed }, 'pop3 update removed messages');
      this.reply(`+OK govmail POP3 server signing off (${outcome.removed} messages deleted)`);
    } catch (err) {
      // RFC 1939 §6: -ERR when some deleted messages were not removed.
      this.log.error({ err, account: this.account?.address }, 'pop3 update failed');
      this.write(new Pop3Error('SYS/TEMP', 'Some deleted messages were not removed').toWire());
    } finally {
      this.releaseLock();
      this.end();
    }
  }

  private timedOut(): void {
    if (!this.closed) this.write(pop3Errors.idle().toWire());
    this.destroy();
  }

  /** Stops reading commands and closes once the replies are written. */
  private end(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.stream.end();
  }

  private destroy(): void {
    this.closed = true;
    this.queue = [];
    this.stream.destroy();
    this.raw.destroy();
  }

  private releaseLock(): void {
    const unlock = this.unlock;
    this.unlock = null;
    unlock?.();
  }

  private cleanup(): void {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    this.closed = true;
    this.stopWatching?.();
    this.queue = [];
    this.sasl = null;
    this.releaseLock();
    this.drop = null;
    this.onClosed();
  }
}
