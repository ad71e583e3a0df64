/**
 * What a command handler gets: the connection's state, the ways to answer, and the session
 * objects of session.ts. Handlers never touch the socket or the mail store directly.
 */
import type { ImapCommand } from './wire/values.js';
import type { AuthenticatedSession, NotAuthenticatedSession, SelectedMailbox } from './session.js';

export type ConnectionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

export interface CommandContext {
  readonly command: ImapCommand;
  readonly tag: string;
  /** Whether the UID form was used (UID FETCH …): results are by UID, EXPUNGE may be sent. */
  readonly byUid: boolean;
  readonly state: ConnectionState;
  readonly secure: boolean;
  readonly remoteAddress: string | null;
  readonly notAuthenticated: NotAuthenticatedSession;
  /** Throws BAD when not authenticated. */
  authenticated(): AuthenticatedSession;
  /** Throws BAD when no mailbox is selected. */
  selected(): SelectedMailbox;
  /** Extensions the client turned on with ENABLE (RFC 5161) or implicitly (CONDSTORE). */
  readonly enabled: Set<string>;
  /** The client's ID (RFC 2971), once sent. */
  clientId: string | null;

  /** Writes one untagged response line: `* ` + text + CRLF. Buffers are written as they are. */
  untagged(...parts: (string | Buffer)[]): Promise<void>;
  /** Writes raw bytes (a prepared response). */
  write(data: string | Buffer): Promise<void>;
  /** `+ text` and wait for the client's next line (AUTHENTICATE, IDLE). */
  continuation(text: string): Promise<void>;
  /** Reads the next raw line from the client (after a continuation). Null when the connection closes. */
  readLine(): Promise<string | null>;
  /** Resolves when the client sent a line (IDLE's DONE) or the connection closed; never rejects. */
  nextLineOrClose(): Promise<string | null>;
  capabilities(): string[];

  // State transitions, done by LOGIN/AUTHENTICATE/SELECT/CLOSE/LOGOUT/STARTTLS.
  setAuthenticated(session: AuthenticatedSession): Promise<void>;
  setSelected(mailbox: SelectedMailbox | null): Promise<void>;
  startTls(): Promise<void>;
  logout(): void;
  /** Sends pending mailbox updates (EXISTS, EXPUNGE, FETCH FLAGS) now. */
  flushUpdates(allowExpunge: boolean): Promise<void>;
  /** Tagged OK text may carry a response code: `[READ-WRITE] SELECT completed`. */
  okText: string | null;
}

export interface CommandHandler {
  /** States in which the command is valid (RFC 3501 §6). */
  states: readonly ConnectionState[];
  run(ctx: CommandContext): Promise<void>;
  /**
   * Whether pending EXPUNGEs may be sent after this command (RFC 3501 §7.4.1: not after FETCH,
   * STORE or SEARCH; UID forms may). Default true.
   */
  expungeAllowed?: (ctx: CommandContext) => boolean;
}
