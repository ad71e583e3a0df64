/**
 * The POP3 commands: which states each is valid in, and what it does. One short function each;
 * the session (session.ts) does the I/O and maps errors to the wire.
 *
 * RFC 1939 (POP3), RFC 2449 (CAPA, response codes), RFC 2595 §4 (STLS), RFC 5034 (AUTH),
 * RFC 4616 (SASL PLAIN).
 */
import { capabilities, type Pop3State } from './capabilities.js';
import { pop3Errors } from './pop3-errors.js';
import { decodeSaslPlain } from './sasl-plain.js';
import type { Pop3Host } from './session.js';
import { parseNumber, type ParsedCommand } from './wire/command.js';
import { MultilineEncoder } from './wire/multiline.js';

export interface CommandDefinition {
  states: readonly Pop3State[];
  run(host: Pop3Host, command: ParsedCommand): Promise<void> | void;
}

const AUTHORIZATION = ['AUTHORIZATION'] as const;
const TRANSACTION = ['TRANSACTION'] as const;
const BOTH = ['AUTHORIZATION', 'TRANSACTION'] as const;

/** The one mechanism we offer; PLAIN is safe because AUTH is refused without TLS. */
const SASL_MECHANISMS = ['PLAIN'];

function messageNumber(command: ParsedCommand, usage: string): number {
  const n = parseNumber(command.args[0]);
  if (n === null || command.args.length !== 1) throw pop3Errors.syntax(usage);
  return n;
}

function requireTls(host: Pop3Host): void {
  if (!host.secure) throw pop3Errors.tlsRequired();
}

/** RFC 5034 §4 / RFC 4616: checks a PLAIN response and logs in with it. */
async function loginWithPlain(host: Pop3Host, response: string): Promise<void> {
  if (response === '*') throw pop3Errors.authCancelled();
  const credentials = decodeSaslPlain(response);
  if (!credentials) throw pop3Errors.badSasl();
  // No acting on behalf of someone else: delegated mailboxes are for the webmail's sharing.
  if (credentials.authzid && credentials.authzid.toLowerCase() !== credentials.authcid.toLowerCase()) throw pop3Errors.proxyAuthRefused();
  await host.login(credentials.authcid, credentials.password);
}

export const COMMANDS: ReadonlyMap<string, CommandDefinition> = new Map<string, CommandDefinition>([
  // RFC 2449 §5: valid in AUTHORIZATION and TRANSACTION.
  [
    'CAPA',
    {
      states: BOTH,
      run: (host) => host.replyLines('Capability list follows', capabilities(host.state, host.secure)),
    },
  ],

  // RFC 2595 §4: only in AUTHORIZATION, only once.
  ['STLS', { states: AUTHORIZATION, run: (host) => host.startTls() }],

  // RFC 1939 §7 USER/PASS. The answer to USER never says whether the name exists.
  [
    'USER',
    {
      states: AUTHORIZATION,
      run(host, command) {
        requireTls(host);
        const login = command.rest.trim();
        if (!login) throw pop3Errors.syntax('USER name');
        host.pendingUser = login;
        host.reply('+OK Send PASS');
      },
    },
  ],
  [
    'PASS',
    {
      states: AUTHORIZATION,
      async run(host, command) {
        requireTls(host);
        const login = host.pendingUser;
        host.pendingUser = null;
        if (login === null) throw pop3Errors.passWithoutUser();
        // The whole rest of the line: pass phrases may contain spaces (RFC 1939 §7, PASS).
        if (!command.rest) throw pop3Errors.syntax('PASS password');
        await host.login(login, command.rest);
      },
    },
  ],

  // RFC 5034 AUTH. Bare AUTH lists the mechanisms, as Dovecot does and Outlook expects.
  [
    'AUTH',
    {
      states: AUTHORIZATION,
      async run(host, command) {
        requireTls(host);
        const [mechanism, initial, extra] = command.args;
        if (mechanism === undefined) return host.replyLines('Supported mechanisms follow', SASL_MECHANISMS);
        if (mechanism.toUpperCase() !== 'PLAIN') throw pop3Errors.unsupportedMechanism();
        if (extra !== undefined) throw pop3Errors.syntax('AUTH PLAIN [initial-response]');
        host.pendingUser = null;
        if (initial !== undefined) return loginWithPlain(host, initial);
        // RFC 5034 §4: an empty challenge, then the client's response on its own line.
        host.expectSaslResponse((response) => loginWithPlain(host, response.trim()));
        host.reply('+ ');
      },
    },
  ],

  // RFC 1939 §5 STAT.
  [
    'STAT',
    {
      states: TRANSACTION,
      run(host, command) {
        if (command.args.length > 0) throw pop3Errors.syntax('STAT');
        const { count, octets } = host.maildrop.stat();
        host.reply(`+OK ${count} ${octets}`);
      },
    },
  ],

  // RFC 1939 §5 LIST [msg].
  [
    'LIST',
    {
      states: TRANSACTION,
      run(host, command) {
        if (command.args.length === 0) {
          const { count, octets } = host.maildrop.stat();
          const lines = host.maildrop.entries().map((e) => `${e.number} ${e.size}`);
          return host.replyLines(`${count} messages (${octets} octets)`, lines);
        }
        const entry = host.maildrop.entry(messageNumber(command, 'LIST [msg]'));
        host.reply(`+OK ${entry.number} ${entry.size}`);
      },
    },
  ],

  // RFC 1939 §7 UIDL [msg]; why the value never changes is written in maildrop.ts.
  [
    'UIDL',
    {
      states: TRANSACTION,
      run(host, command) {
        if (command.args.length === 0) {
          return host.replyLines('Unique-ID listing follows', host.maildrop.entries().map((e) => `${e.number} ${e.uidl}`));
        }
        const entry = host.maildrop.entry(messageNumber(command, 'UIDL [msg]'));
        host.reply(`+OK ${entry.number} ${entry.uidl}`);
      },
    },
  ],

  // RFC 1939 §5 RETR: the message, streamed and byte-stuffed; then \Seen.
  [
    'RETR',
    {
      states: TRANSACTION,
      async run(host, command) {
        const n = messageNumber(command, 'RETR msg');
        const { entry, content } = await host.maildrop.open(n);
        await host.sendMessage(`${entry.size} octets`, content, new MultilineEncoder());
        await host.afterResponse('mark \\Seen', () => host.maildrop.markSeen(n));
      },
    },
  ],

  // RFC 1939 §7 TOP msg n: header, blank line, n body lines. Does not mark \Seen.
  [
    'TOP',
    {
      states: TRANSACTION,
      async run(host, command) {
        const n = parseNumber(command.args[0]);
        const lines = parseNumber(command.args[1]);
        if (n === null || lines === null || command.args.length !== 2) throw pop3Errors.syntax('TOP msg n');
        const { content } = await host.maildrop.open(n);
        await host.sendMessage('Top of message follows', content, new MultilineEncoder(lines));
      },
    },
  ],

  // RFC 1939 §5 DELE: marks only; removal happens in UPDATE, after QUIT.
  [
    'DELE',
    {
      states: TRANSACTION,
      run(host, command) {
        const n = messageNumber(command, 'DELE msg');
        host.maildrop.markDeleted(n);
        host.reply(`+OK Message ${n} deleted`);
      },
    },
  ],

  // RFC 1939 §5 NOOP.
  [
    'NOOP',
    {
      states: TRANSACTION,
      run(host, command) {
        if (command.args.length > 0) throw pop3Errors.syntax('NOOP');
        host.reply('+OK');
      },
    },
  ],

  // RFC 1939 §5 RSET.
  [
    'RSET',
    {
      states: TRANSACTION,
      run(host, command) {
        if (command.args.length > 0) throw pop3Errors.syntax('RSET');
        host.maildrop.reset();
        const { count, octets } = host.maildrop.stat();
        host.reply(`+OK Maildrop has ${count} messages (${octets} octets)`);
      },
    },
  ],

  // RFC 1939 §4 and §6: QUIT in AUTHORIZATION just closes; in TRANSACTION it enters UPDATE.
  ['QUIT', { states: BOTH, run: (host) => host.quit() }],
]);
