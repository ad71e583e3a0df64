/**
 * The seam between the IMAP protocol and the mail store, shaped by protocol state
 * (RFC 3501 §3): what a not-authenticated connection may do, what an authenticated one may do,
 * and what is possible with a mailbox selected. Commands see only these interfaces; the one
 * implementation over server/mail is mail-session.ts (checked there with `satisfies`).
 * Names here are Unicode mailbox names; modified UTF-7 is the wire's business.
 */
import type { UidRange } from '../mail/uid-ranges.js';
import type { BodySection } from './wire/fetch-parser.js';
import type { StructureNode } from './format.js';

export interface LoginContext {
  ip: string | null;
  /** The client's ID (RFC 2971), recorded in the login audit. */
  client: string | null;
}

export interface NotAuthenticatedSession {
  /** Throws ImapError NO [AUTHENTICATIONFAILED] / [ALERT] … with the reason people can act on. */
  login(username: string, password: string, context: LoginContext): Promise<AuthenticatedSession>;
}

export interface MailboxListing {
  name: string;
  specialUse: string | null;
  subscribed: boolean;
  hasChildren: boolean;
}

export interface MailboxStatus {
  messages: number;
  recent: number;
  uidNext: number;
  uidValidity: number;
  unseen: number;
  highestModseq: number;
  sizeBytes: number;
}

export interface AppendOutcome {
  uidValidity: number;
  uid: number;
}

export interface CopyOutcomeView {
  uidValidity: number;
  mapping: { sourceUid: number; targetUid: number }[];
}

export interface AuthenticatedSession {
  readonly accountId: number;
  readonly address: string;
  listMailboxes(): Promise<MailboxListing[]>;
  createMailbox(name: string): Promise<void>;
  deleteMailbox(name: string): Promise<void>;
  renameMailbox(from: string, to: string): Promise<void>;
  setSubscribed(name: string, subscribed: boolean): Promise<void>;
  status(name: string): Promise<MailboxStatus>;
  append(name: string, raw: Buffer, flags: string[], internalDate: number | null): Promise<AppendOutcome>;
  select(name: string, readOnly: boolean): Promise<SelectedMailbox>;
  quota(): Promise<{ usedBytes: number; quotaBytes: number }>;
  /** Called whenever changes for this account arrive (IDLE wakes on it). */
  onChange(listener: () => void): () => void;
  logout(): Promise<void>;
}

/** A message as FETCH sees it. */
export interface MessageView {
  uid: number;
  flags: string[];
  internalDate: number;
  size: number;
  modseq: number;
  recent: boolean;
  blobHash: string;
  readRaw(): Promise<Buffer>;
  /** RFC 3501 §7.4.2 ENVELOPE. */
  envelope(): Promise<StructureNode>;
  /** BODY (extended false) or BODYSTRUCTURE (extended true). */
  bodyStructure(extended: boolean): Promise<StructureNode>;
  /** RFC 3501 §6.4.5 BODY[section] octets (empty when the part does not exist). */
  section(section: BodySection): Promise<Buffer>;
  /** RFC 3516 BINARY[part]: the part's content with its transfer encoding undone; null when the encoding is unknown. */
  binary(part: number[]): Promise<Buffer | null>;
}

/** What the server must tell the client about changes made elsewhere (RFC 3501 §7). */
export type MailboxUpdate =
  | { kind: 'exists'; count: number }
  | { kind: 'recent'; count: number }
  | { kind: 'expunge'; seq: number; uid: number }
  | { kind: 'flags'; seq: number; uid: number; flags: string[]; modseq: number };

export interface SearchRequestRows {
  /** Rows needed to evaluate search keys, in UID order. */
  rows: AsyncIterable<MessageView & { fields: SearchableFields }>;
}

export interface SearchableFields {
  subject: string;
  from: string;
  to: string;
  cc: string;
  sentDate: number | null;
}

export interface SelectedMailbox {
  readonly name: string;
  readonly readOnly: boolean;
  readonly uidValidity: number;
  readonly uidNext: () => number;
  readonly highestModseq: () => number;
  /** Sequence-number map: the client's view (RFC 3501 §2.3.1.2). */
  count(): number;
  uidAt(seq: number): number | undefined;
  seqOf(uid: number): number | undefined;
  uids(): readonly number[];
  recentCount(): number;
  isRecent(uid: number): boolean;
  firstUnseenSeq(): Promise<number | null>;
  permanentKeywords(): Promise<string[]>;
  messages(uids: readonly UidRange[]): AsyncIterable<MessageView>;
  /** `fields: false`: the header fields are left empty (the search reads none of them). */
  searchable(uids: readonly UidRange[], options: { fields: boolean }): AsyncIterable<MessageView & { fields: SearchableFields }>;
  /** Message UIDs matching a full-text query on a field, for SEARCH (null: no index, scan). */
  fullText(field: 'text' | 'body' | 'subject' | 'from' | 'to' | 'cc' | 'bcc', query: string): Promise<Set<number> | null>;
  store(uids: readonly UidRange[], flags: string[], mode: 'set' | 'add' | 'remove', unchangedSince?: number): Promise<{ updated: { uid: number; flags: string[]; modseq: number }[]; modified: number[]; matched: number }>;
  copy(uids: readonly UidRange[], target: string): Promise<CopyOutcomeView>;
  move(uids: readonly UidRange[], target: string): Promise<CopyOutcomeView>;
  expunge(uids?: readonly UidRange[]): Promise<number[]>;
  /** Marks messages \Seen (BODY[] fetch without PEEK, RFC 3501 §6.4.5). */
  markSeen(uids: readonly number[]): Promise<void>;
  /** Changes from other sessions, in order; expunges are withheld when not allowed. */
  takeUpdates(allowExpunge: boolean): Promise<MailboxUpdate[]>;
  close(): Promise<void>;
}
