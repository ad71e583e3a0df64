/**
 * govmail's IMAP4rev1 server (RFC 3501) with IDLE (2177), UIDPLUS (4315), MOVE (6851),
 * SPECIAL-USE (6154), NAMESPACE (2342), ID (2971), ENABLE (5161), LITERAL+ (7888), UNSELECT
 * (3691), CHILDREN (3348), QUOTA (9208), CONDSTORE (7162), ESEARCH (4731), APPENDLIMIT (7889),
 * BINARY (3516).
 *
 * This file owns the socket: TLS, the connection state machine, the order of responses, limits
 * and timeouts, and the one place where errors become `NO`/`BAD` replies. Commands live in
 * commands/, one file each; they see a CommandContext and the session interface only.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Services } from '../services.js';
import type { TlsMaterial } from '../platform/tls.js';
import type { ListenerConfig } from '../config/schema.js';
import { CommandReader, type ReaderEvent } from './wire/command-reader.js';
import { ImapParseError } from './wire/parse-error.js';
import type { ImapCommand } from './wire/values.js';
import { ImapError, bad, no } from './imap-error.js';
import { IMAP_LIMITS } from './limits.js';
import type { CommandContext, CommandHandler, ConnectionState } from './command-context.js';
import type { AuthenticatedSession, MailboxUpdate, SelectedMailbox } from './session.js';
import { MailNotAuthenticatedSession } from './mail-session.js';
import { COMMANDS } from './commands/index.js';
import { capabilityList } from './capabilities.js';

export interface ImapListener {
  port: number;
  close(): Promise<void>;
}

interface SharedState {
  connectionsPerIp: Map<string, number>;
  connectionsPerUser: Map<number, number>;
  connections: Set<ImapConnection>;
}

export async function listenImap(services: Services, tlsMaterial: TlsMaterial, listen: ListenerConfig, options: { implicitTls: boolean; shared?: SharedState }): Promise<ImapListener & { shared: SharedState }> {
  const shared: SharedState = options.shared ?? { connectionsPerIp: new Map(), connectionsPerUser: new Map(), connections: new Set() };
  const secureContext = tls.createSecureContext({ cert: tlsMaterial.cert, key: tlsMaterial.key, minVersion: 'TLSv1.2' });
  const onSocket = (socket: net.Socket, secure: boolean) => {
    const connection = new ImapConnection(services, socket, secure, secureContext, shared);
    shared.connections.add(connection);
    connection.start();
  };
  const server = options.implicitTls
    ? tls.createServer({ cert: tlsMaterial.cert, key: tlsMaterial.key, minVersion: 'TLSv1.2' }, (socket) => onSocket(socket, true))
    : net.createServer((socket) => onSocket(socket, false));
  server.on('error', (err) => services.logger.warn({ err }, 'imap listener error'));
  if (options.implicitTls) (server as tls.Server).on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    shared,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of shared.connections) connection.shutdown('Server shutting down');
      });
    },
  };
}

type Waiter = (line: string | null) => void;

class ImapConnection {
  private socket: net.Socket;
  private readonly reader: CommandReader;
  private state: ConnectionState = 'not-authenticated';
  private session: AuthenticatedSession | null = null;
  private selectedMailbox: SelectedMailbox | null = null;
  private busy = false;
  private lineWaiter: Waiter | null = null;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private authFailures = 0;
  private readonly enabled = new Set<string>();
  private clientId: string | null = null;
  private readonly remoteAddress: string | null;
  private readonly notAuthenticated: MailNotAuthenticatedSession;
  private countedUser: number | null = null;
  /** Unsubscribes from the account's feed (watching for the account being disabled). */
  private stopWatching: (() => void) | null = null;

  constructor(
    private readonly services: Services,
    socket: net.Socket,
    private secure: boolean,
    private readonly secureContext: tls.SecureContext,
    private readonly shared: SharedState,
  ) {
    this.socket = socket;
    this.remoteAddress = socket.remoteAddress ?? null;
    this.notAuthenticated = new MailNotAuthenticatedSession(services);
    this.reader = new CommandReader({
      maxLiteralSize: services.config.smtp.maxMessageBytes,
      literalLimit: (command) => (command === 'APPEND' ? services.config.smtp.maxMessageBytes : 64 * 1024),
    });
  }

  start(): void {
    const ip = this.remoteAddress ?? 'unknown';
    const count = (this.shared.connectionsPerIp.get(ip) ?? 0) + 1;
    this.shared.connectionsPerIp.set(ip, count);
    this.attach(this.socket);
    if (count > IMAP_LIMITS.connectionsPerIp) {
      void this.writeRaw('* BYE Too many connections from your address\r\n').then(() => this.socket.end());
      return;
    }
    void this.writeRaw(`* OK [CAPABILITY ${this.capabilities().join(' ')}] govmail IMAP4rev1 ready\r\n`);
    this.armTimer(IMAP_LIMITS.preAuthTimeoutMs);
  }

  private attach(socket: net.Socket): void {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.reader.push(chunk);
      // Backpressure: stop reading while a large amount of input is waiting to be parsed.
      if (this.reader.buffered > 4 * 1024 * 1024) socket.pause();
      this.pump();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.onClose());
  }

  private capabilities(): string[] {
    return capabilityList({ state: this.state, secure: this.secure, appendLimit: this.services.config.smtp.maxMessageBytes });
  }

  private armTimer(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.shutdown('Autologout; idle for too long'), ms);
    this.timer.unref();
  }

  /**
   * How long the connection may go without a new command. An IDLE in progress is not
   * inactivity: it gets its own, much longer limit (RFC 2177 §3; limits.ts), or every phone in
   * IDLE would be logged out after 30 minutes.
   */
  private inactivityLimit(running: string | null): number {
    if (this.state === 'not-authenticated') return IMAP_LIMITS.preAuthTimeoutMs;
    return running === 'IDLE' ? IMAP_LIMITS.idleCommandTimeoutMs : IMAP_LIMITS.idleTimeoutMs;
  }

  shutdown(reason: string): void {
    if (this.closed) return;
    void this.writeRaw(`* BYE ${reason}\r\n`).finally(() => this.socket.end());
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.shared.connections.delete(this);
    const ip = this.remoteAddress ?? 'unknown';
    const count = (this.shared.connectionsPerIp.get(ip) ?? 1) - 1;
    if (count <= 0) this.shared.connectionsPerIp.delete(ip);
    else this.shared.connectionsPerIp.set(ip, count);
    if (this.countedUser !== null) {
      const users = (this.shared.connectionsPerUser.get(this.countedUser) ?? 1) - 1;
      if (users <= 0) this.shared.connectionsPerUser.delete(this.countedUser);
      else this.shared.connectionsPerUser.set(this.countedUser, users);
    }
    const waiter = this.lineWaiter;
    this.lineWaiter = null;
    waiter?.(null);
    this.stopWatching?.();
    void this.selectedMailbox?.close();
    void this.session?.logout();
  }

  private async writeRaw(data: string | Buffer): Promise<void> {
    if (this.closed || this.socket.destroyed) return;
    const flushed = this.socket.write(data);
    if (!flushed && this.socket.writableLength > IMAP_LIMITS.writeHighWaterMark) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.socket.off('drain', done);
          this.socket.off('close', done);
          resolve();
        };
        this.socket.on('drain', done);
        this.socket.on('close', done);
      });
    }
  }

  /** Handles reader events one at a time; commands run strictly in order. */
  private pump(): void {
    while (!this.closed) {
      if (this.busy && !this.lineWaiter) return;
      const event: ReaderEvent | undefined = this.reader.next();
      if (!event) {
        if (this.socket.isPaused()) this.socket.resume();
        return;
      }
      this.handleEvent(event);
    }
  }

  private handleEvent(event: ReaderEvent): void {
    switch (event.type) {
      case 'line': {
        const waiter = this.lineWaiter;
        this.lineWaiter = null;
        waiter?.(event.text);
        return;
      }
      case 'continue':
        // RFC 3501 §7.5 / RFC 7889: refuse APPEND before login or over the limit up front.
        if (event.command === 'APPEND' && this.state === 'not-authenticated') {
          this.reader.cancelCommand();
          void this.writeRaw(`${event.tag} NO [CLIENTBUG] Log in first\r\n`);
          return;
        }
        void this.writeRaw('+ Ready for literal data\r\n');
        return;
      case 'error':
        this.replyParseError(event.error);
        return;
      case 'command':
        this.busy = true;
        void this.runCommand(event.command).finally(() => {
          this.busy = false;
          // RFC 3501 §5.4: the autologout clock counts from the end of the last command.
          if (!this.closed && this.state !== 'logout') this.armTimer(this.inactivityLimit(null));
          this.pump();
        });
        return;
    }
  }

  private replyParseError(error: ImapParseError): void {
    const code = error.code ? `[${error.code}] ` : '';
    const kind = error.code === 'TOOBIG' && error.command === 'APPEND' ? 'NO' : 'BAD';
    void this.writeRaw(`${error.tag ?? '*'} ${error.tag ? kind : 'BAD'} ${code}${error.text}\r\n`);
    if (error.fatal) this.shutdown('Protocol error, closing connection');
  }

  private async runCommand(command: ImapCommand): Promise<void> {
    const handler: CommandHandler | undefined = COMMANDS[command.command];
    const tag = command.tag;
    this.armTimer(this.inactivityLimit(command.command));
    if (!handler) {
      await this.writeRaw(`${tag} BAD Unknown command ${command.command.replace(/[^A-Z0-9 .-]/g, '').slice(0, 30)}\r\n`);
      return;
    }
    const ctx = this.context(command);
    try {
      if (!handler.states.includes(this.state)) {
        throw bad(this.state === 'not-authenticated' ? 'Log in first' : `${command.command} is not valid in this state`);
      }
      await handler.run(ctx);
      if (this.state === 'logout') {
        await this.writeRaw(`${tag} OK LOGOUT completed\r\n`);
        this.socket.end();
        return;
      }
      const allowExpunge = handler.expungeAllowed ? handler.expungeAllowed(ctx) : true;
      await this.flushUpdates(allowExpunge);
      await this.writeRaw(`${tag} OK ${ctx.okText ?? `${command.command} completed`}\r\n`);
    } catch (err) {
      if (err instanceof AlreadyAnswered) return;
      await this.flushUpdates(false).catch(() => undefined);
      await this.writeRaw(this.errorReply(tag, command.command, err));
      if ((command.command === 'LOGIN' || command.command === 'AUTHENTICATE') && err instanceof ImapError && err.type === 'NO') this.noteAuthFailure();
    }
  }

  /** The one place errors become replies (CONVENTIONS habit 3). */
  private errorReply(tag: string, commandName: string, err: unknown): string {
    if (err instanceof ImapError) {
      const code = err.code ? `[${err.code}] ` : '';
      return `${tag} ${err.type} ${code}${sanitize(err.text)}\r\n`;
    }
    if (err instanceof ImapParseError) {
      return `${tag} BAD ${err.code ? `[${err.code}] ` : ''}${sanitize(err.text)}\r\n`;
    }
    this.services.logger.error({ err, command: commandName }, 'imap command failed');
    return `${tag} NO [SERVERBUG] Internal error, please try again\r\n`;
  }

  async flushUpdates(allowExpunge: boolean): Promise<void> {
    if (!this.selectedMailbox) return;
    const updates = await this.selectedMailbox.takeUpdates(allowExpunge);
    for (const update of updates) await this.writeRaw(formatUpdate(update, this.enabled.has('CONDSTORE')));
  }

  private context(command: ImapCommand): CommandContext {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the context closes over its connection
    const connection = this;
    const byUid = command.command.startsWith('UID ');
    return {
      command,
      tag: command.tag,
      byUid,
      get state() {
        return connection.state;
      },
      get secure() {
        return connection.secure;
      },
      remoteAddress: this.remoteAddress,
      notAuthenticated: this.notAuthenticated,
      enabled: this.enabled,
      get clientId() {
        return connection.clientId;
      },
      set clientId(value: string | null) {
        connection.clientId = value;
      },
      okText: null,
      authenticated: () => {
        if (!connection.session) throw bad('Log in first');
        return connection.session;
      },
      selected: () => {
        if (!connection.selectedMailbox) throw bad('No mailbox selected');
        return connection.selectedMailbox;
      },
      untagged: async (...parts) => {
        await connection.writeRaw('* ');
        for (const part of parts) await connection.writeRaw(part);
        await connection.writeRaw('\r\n');
      },
      write: (data) => connection.writeRaw(data),
      continuation: async (text) => {
        connection.reader.expectLine();
        await connection.writeRaw(`+ ${text}\r\n`);
      },
      readLine: () => connection.waitLine(),
      nextLineOrClose: () => connection.waitLine(),
      capabilities: () => connection.capabilities(),
      setAuthenticated: async (session) => {
        const users = (connection.shared.connectionsPerUser.get(session.accountId) ?? 0) + 1;
        if (users > IMAP_LIMITS.connectionsPerUser) {
          await session.logout();
          throw no('LIMIT', `Too many connections for this account (at most ${IMAP_LIMITS.connectionsPerUser})`);
        }
        connection.shared.connectionsPerUser.set(session.accountId, users);
        connection.countedUser = session.accountId;
        // Locked, suspended or deactivated by an administrator: the session ends now (SPEC 3.6).
        connection.stopWatching = connection.services.feed.subscribe(session.accountId, (changes) => {
          if (changes.some((c) => c.kind === 'account-disabled')) connection.shutdown('Account disabled (账号已停用)');
          else if (changes.some((c) => c.kind === 'credentials-reset')) connection.shutdown('Password reset: sign in again (密码已重设，请重新登录)');
        });
        connection.session = session;
        connection.state = 'authenticated';
        connection.authFailures = 0;
      },
      setSelected: async (mailbox) => {
        if (connection.selectedMailbox) await connection.selectedMailbox.close();
        connection.selectedMailbox = mailbox;
        connection.state = mailbox ? 'selected' : 'authenticated';
      },
      startTls: () => connection.upgradeTls(command.tag),
      logout: () => {
        connection.state = 'logout';
      },
      flushUpdates: (allowExpunge) => connection.flushUpdates(allowExpunge),
    };
  }

  noteAuthFailure(): void {
    this.authFailures++;
    if (this.authFailures >= IMAP_LIMITS.authFailuresPerConnection) this.shutdown('Too many authentication failures');
  }

  private waitLine(): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.lineWaiter = resolve;
      this.pump();
    });
  }

  /** RFC 3501 §6.2.1 STARTTLS: answer OK in clear, then handshake; buffered input is discarded. */
  private async upgradeTls(tag: string): Promise<void> {
    if (this.secure) throw bad('Already using TLS');
    await this.writeRaw(`${tag} OK Begin TLS negotiation now\r\n`);
    this.reader.reset();
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secured = new tls.TLSSocket(plain, { isServer: true, secureContext: this.secureContext });
    this.socket = secured;
    this.secure = true;
    this.attach(secured);
    // The tagged OK was already sent: tell runCommand not to send another.
    throw new AlreadyAnswered();
  }
}

/** Thrown by a command that has already written its tagged reply (STARTTLS). */
export class AlreadyAnswered extends Error {}

function sanitize(text: string): string {
  // eslint-disable-next-line no-control-regex -- replies must never carry control characters
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ');
}

function formatUpdate(update: MailboxUpdate, condstore: boolean): string {
  switch (update.kind) {
    case 'exists':
      return `* ${update.count} EXISTS\r\n`;
    case 'recent':
      return `* ${update.count} RECENT\r\n`;
    case 'expunge':
      return `* ${update.seq} EXPUNGE\r\n`;
    case 'flags':
      return `* ${update.seq} FETCH (UID ${update.uid} FLAGS (${update.flags.join(' ')})${condstore ? ` MODSEQ (${update.modseq})` : ''})\r\n`;
  }
}

