/**
 * For the webmail route tests: more people beside the test account, signed-in API clients
 * (cookie + CSRF token), mail delivered through the real delivery path, and the shared corpus.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LightMyRequestResponse } from 'fastify';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { DeliveryReport } from '../delivery/delivery-service.js';
import type { Account } from '../storage/database.js';
import { TEST_ADDRESS, TEST_PASSWORD, type TestHttp } from './test-app.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const corpusDir = process.env.GOVMAIL_CORPUS_DIR ? path.resolve(process.env.GOVMAIL_CORPUS_DIR) : path.resolve(repoRoot, '../shared/corpus');

export interface CorpusEntry {
  file: string;
  category: string;
  charset: string;
  hostile_html: boolean;
  expected: { subject: string; from_address: string; text_contains: string[]; attachments: { filename: string; content_type: string; size_bytes: number }[]; is_external: boolean };
}

export function corpusManifest(): CorpusEntry[] {
  return JSON.parse(readFileSync(path.join(corpusDir, 'manifest.json'), 'utf8')) as CorpusEntry[];
}

export function corpusMessage(file: string): Buffer {
  return readFileSync(path.join(corpusDir, file));
}

export interface ApiClient {
  account: Account;
  cookie: string;
  csrfToken: string;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  patch(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
}

export async function signIn(t: TestHttp, address = TEST_ADDRESS, password = TEST_PASSWORD): Promise<ApiClient> {
  const response = await t.app.inject({ method: 'POST', url: '/api/session', payload: { address, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'govmail_session')!.value;
  const { csrfToken } = response.json() as { csrfToken: string };
  const account = await t.services.directory.getAccount(address);
  const headers = { cookie: `govmail_session=${cookie}`, 'x-csrf-token': csrfToken };
  const send = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) => t.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return {
    account,
    cookie,
    csrfToken,
    get: (url) => t.app.inject({ method: 'GET', url, headers: { cookie: headers.cookie } }),
    post: (url, payload) => send('POST', url, payload ?? {}),
    patch: (url, payload) => send('PATCH', url, payload ?? {}),
    delete: (url) => send('DELETE', url),
  };
}

export async function addPerson(t: TestHttp, address: string, displayName: string, unitCode = 'hn'): Promise<Account> {
  return t.services.directory.createAccount({ address, displayName, unitCode, password: TEST_PASSWORD }, { address: 'system', via: 'cli' });
}

export interface MailSpec {
  from?: { name: string; address: string };
  to: string[];
  subject: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer | string; contentType?: string; cid?: string }[];
  date?: Date;
}

export async function buildMail(spec: MailSpec): Promise<Buffer> {
  const composer = new MailComposer({
    from: spec.from ?? { name: '外部来信', address: 'someone@example.com' },
    to: spec.to,
    subject: spec.subject,
    ...(spec.text === undefined ? {} : { text: spec.text }),
    ...(spec.html === undefined ? {} : { html: spec.html }),
    ...(spec.headers ? { headers: spec.headers } : {}),
    ...(spec.attachments ? { attachments: spec.attachments } : {}),
    date: spec.date ?? new Date(),
    newline: 'win',
  });
  return composer.compile().build();
}

/** Delivers as mail from another server (the MX path). */
export async function deliver(t: TestHttp, raw: Buffer, recipients: string[], internalDate?: number): Promise<DeliveryReport> {
  return t.services.delivery.deliver({ envelopeFrom: 'someone@example.com', recipients, raw, submittedBy: null, remoteIp: '192.0.2.1', protocol: 'smtp-mx', ...(internalDate === undefined ? {} : { internalDate }) });
}

/** The id of the newest message in the account's mailbox with this name. */
export async function newestMessageId(t: TestHttp, accountId: number, mailboxName = 'INBOX'): Promise<number> {
  const row = await t.services.db
    .selectFrom('messages')
    .innerJoin('mailboxes', 'mailboxes.id', 'messages.mailbox_id')
    .select('messages.id')
    .where('mailboxes.account_id', '=', accountId)
    .where('mailboxes.name', '=', mailboxName)
    .orderBy('messages.id', 'desc')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function mailboxId(t: TestHttp, accountId: number, name: string): Promise<number> {
  return (await t.services.mail.getMailbox(accountId, name)).id;
}
