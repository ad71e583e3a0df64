/**
 * The typed API client: the only place in the web app that calls fetch (and XMLHttpRequest, for
 * uploads, whose progress fetch cannot report). Responses are checked against the shared
 * schemas, and errors arrive as the shared coded `ApiError`.
 *
 * The session cookie is HttpOnly (scripts never see it); the CSRF token from sign-in is kept
 * here in memory and sent with every state-changing request. After a reload `getSession()`
 * fetches it again. A 401 on any call (signed out elsewhere, idle timeout) is reported to the
 * handler set with `onUnauthorized`, which takes the app back to the sign-in page.
 */
import { z } from 'zod';
import { ApiError, errorBodySchema, isErrorCode } from '../../../common/errors.js';
import { consoleMeSchema, type ConsoleMe } from '../../../common/schemas/console.js';
import {
  contentRuleSchema,
  holdDetailSchema,
  holdPageSchema,
  holdSchema,
  queueEntrySchema,
  queuePageSchema,
  type ContentRuleInputBody,
  type ContentRuleView,
  type Hold,
  type HoldDetail,
  type HoldPage,
  type QueueEntry,
  type QueuePage,
} from '../../../common/schemas/outbound.js';
import { quarantineDetailSchema, quarantineItemSchema, quarantinePageSchema, type QuarantineDetail, type QuarantineItem, type QuarantinePage } from '../../../common/schemas/quarantine.js';
import { healthViewSchema, type HealthView } from '../../../common/schemas/health.js';
import { CSRF_HEADER, sessionViewSchema, type LoginRequest, type SessionView } from '../../../common/schemas/session.js';
import {
  directoryEntrySchema,
  mailboxViewSchema,
  messageDetailSchema,
  messagePageSchema,
  messageSummarySchema,
  receiptViewSchema,
  sendResultSchema,
  settingsViewSchema,
  uploadViewSchema,
  type ComposeRequest,
  type DirectoryEntry,
  type MailboxView,
  type MessageDetail,
  type MessageListQuery,
  type MessagePage,
  type MessageSummary,
  type ReceiptView,
  type SendResult,
  type SettingsView,
  type UploadView,
} from '../../../common/schemas/webmail.js';

let csrfToken: string | null = null;
let unauthorizedHandler: ((error: ApiError) => void) | null = null;
let passwordChangeHandler: (() => void) | null = null;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Query = Record<string, string | number | boolean | undefined | null>;

/** `path?a=1&b=2`, leaving out empty values. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function isUnauthorized(error: ApiError): boolean {
  return error.code === 'auth.required' || error.code === 'auth.session_expired';
}

function report(error: ApiError): ApiError {
  if (isUnauthorized(error) && csrfToken !== null) {
    csrfToken = null;
    unauthorizedHandler?.(error);
  }
  // SPEC 4.1 (NAME=selfservice): the password expired or a reset was forced meanwhile.
  if (error.code === 'auth.password_change_required') passwordChangeHandler?.();
  return error;
}

export async function call<S extends z.ZodType>(method: Method, path: string, schema: S | null, body?: unknown): Promise<z.output<S> | undefined> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // No content-type without a body: the server refuses an empty JSON body.
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;

  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new ApiError('unavailable', undefined, { cause: err });
  }

  if (!response.ok) throw report(await errorFrom(response.status, await response.json().catch(() => undefined)));
  if (response.status === 204 || schema === null) return undefined;
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ApiError('internal', undefined, { cause: parsed.error });
  return parsed.data;
}

/** A multipart POST (fields and one file); the browser sets the boundary. */
export async function callForm<S extends z.ZodType>(path: string, schema: S, fields: Record<string, string>, fileField: string, file: File): Promise<z.output<S> | undefined> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append(fileField, file, file.name);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (csrfToken) headers[CSRF_HEADER] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: form });
  } catch (err) {
    throw new ApiError('unavailable', undefined, { cause: err });
  }
  if (!response.ok) throw report(await errorFrom(response.status, await response.json().catch(() => undefined)));
  const parsed = schema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new ApiError('internal', undefined, { cause: parsed.error });
  return parsed.data;
}

function errorFrom(status: number, body: unknown): ApiError {
  const parsed = errorBodySchema.safeParse(body);
  if (parsed.success && isErrorCode(parsed.data.error.code)) {
    return new ApiError(parsed.data.error.code, parsed.data.error.message, { issues: parsed.data.error.issues });
  }
  // Not one of ours (a proxy's error page, say).
  if (status === 413) return new ApiError('payload_too_large');
  return new ApiError(status >= 500 ? 'unavailable' : 'bad_request');
}

export function required<T>(value: T | undefined): T {
  if (value === undefined) throw new ApiError('internal');
  return value;
}

const movedSchema = z.object({ moved: z.number() });
const deletedSchema = z.object({ deleted: z.number() });
const draftSavedSchema = z.object({ id: z.number().int() });

export interface SearchParams {
  q: string;
  from?: string;
  /** `YYYY-MM-DD`, a whole day in Asia/Shanghai. */
  after?: string;
  before?: string;
  hasAttachment?: boolean;
  mailboxId?: number;
}

export interface UploadHandle {
  promise: Promise<UploadView>;
  abort(): void;
}

export const api = {
  /** Called once with the app's handler for "the session is gone". */
  onUnauthorized(handler: ((error: ApiError) => void) | null): void {
    unauthorizedHandler = handler;
  },

  /** Called when any call answers `auth.password_change_required` (the app shows the forced-change page). */
  onPasswordChangeRequired(handler: (() => void) | null): void {
    passwordChangeHandler = handler;
  },

  // ── session ──────────────────────────────────────────────────────────────────────────

  /** The current session, or null when signed out. Other failures (session_expired …) throw. */
  async getSession(): Promise<SessionView | null> {
    try {
      const session = required(await call('GET', '/api/session', sessionViewSchema));
      csrfToken = session.csrfToken;
      return session;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'auth.required') return null;
      throw err;
    }
  },

  async login(input: LoginRequest): Promise<SessionView> {
    const session = required(await call('POST', '/api/session', sessionViewSchema, input));
    csrfToken = session.csrfToken;
    return session;
  },

  async logout(): Promise<void> {
    const token = csrfToken;
    try {
      await call('DELETE', '/api/session', null);
    } finally {
      if (token === csrfToken) csrfToken = null;
    }
  },

  async health(): Promise<HealthView> {
    return required(await call('GET', '/healthz', healthViewSchema));
  },

  // ── folders ──────────────────────────────────────────────────────────────────────────

  async mailboxes(): Promise<MailboxView[]> {
    return required(await call('GET', '/api/mailboxes', z.array(mailboxViewSchema)));
  },
  async createMailbox(name: string): Promise<MailboxView> {
    return required(await call('POST', '/api/mailboxes', mailboxViewSchema, { name }));
  },
  async renameMailbox(id: number, name: string): Promise<MailboxView> {
    return required(await call('PATCH', `/api/mailboxes/${id}`, mailboxViewSchema, { name }));
  },
  async deleteMailbox(id: number): Promise<void> {
    await call('DELETE', `/api/mailboxes/${id}`, null);
  },

  // ── messages ─────────────────────────────────────────────────────────────────────────

  async listMessages(mailboxId: number, query: MessageListQuery): Promise<MessagePage> {
    return required(await call('GET', withQuery(`/api/mailboxes/${mailboxId}/messages`, { ...query }), messagePageSchema));
  },
  /** `peek`: do not mark it read (the app marks read itself, so a refetch never does). */
  async message(id: number, options: { peek?: boolean; remoteImages?: boolean } = {}): Promise<MessageDetail> {
    return required(await call('GET', withQuery(`/api/messages/${id}`, { peek: options.peek ? 1 : undefined, remoteImages: options.remoteImages ? 1 : undefined }), messageDetailSchema));
  },
  async updateFlags(id: number, flags: { seen?: boolean; flagged?: boolean }): Promise<MessageSummary> {
    return required(await call('PATCH', `/api/messages/${id}`, messageSummarySchema, flags));
  },
  async moveMessages(ids: number[], mailboxId: number): Promise<number> {
    return required(await call('POST', '/api/messages/move', movedSchema, { ids, mailboxId })).moved;
  },
  /** To 已删除; `permanent` (or already in 已删除) removes them for good. */
  async deleteMessages(ids: number[], permanent = false): Promise<number> {
    return required(await call('POST', '/api/messages/delete', deletedSchema, { ids, permanent })).deleted;
  },
  rawUrl(id: number): string {
    return `/api/messages/${id}/raw`;
  },
  partUrl(id: number, part: string, inline = false): string {
    return `/api/messages/${id}/parts/${encodeURIComponent(part)}${inline ? '?inline=1' : ''}`;
  },

  // ── important mail ───────────────────────────────────────────────────────────────────

  async confirmImportant(id: number, kind: 'read' | 'done'): Promise<ReceiptView> {
    return required(await call('POST', `/api/messages/${id}/confirm`, receiptViewSchema, { kind }));
  },
  async receipts(id: number): Promise<ReceiptView[]> {
    return required(await call('GET', `/api/messages/${id}/receipts`, z.array(receiptViewSchema)));
  },
  async allowRemoteImages(sender: string): Promise<void> {
    await call('POST', '/api/remote-images', null, { sender });
  },

  // ── writing ──────────────────────────────────────────────────────────────────────────

  /** Uploads one attachment, reporting progress (0…1) as it goes. */
  upload(file: File, onProgress: (fraction: number) => void): UploadHandle {
    const xhr = new XMLHttpRequest();
    const promise = new Promise<UploadView>((resolve, reject) => {
      xhr.open('POST', '/api/uploads');
      xhr.responseType = 'json';
      xhr.setRequestHeader('accept', 'application/json');
      if (csrfToken) xhr.setRequestHeader(CSRF_HEADER, csrfToken);
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
      });
      xhr.addEventListener('load', () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          const parsed = uploadViewSchema.safeParse(xhr.response);
          if (parsed.success) {
            onProgress(1);
            resolve(parsed.data);
          } else reject(new ApiError('internal', undefined, { cause: parsed.error }));
        } else reject(report(errorFrom(xhr.status, xhr.response)));
      });
      xhr.addEventListener('error', () => reject(new ApiError('unavailable')));
      xhr.addEventListener('abort', () => reject(new DOMException('upload cancelled', 'AbortError')));
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.send(form);
    });
    return { promise, abort: () => xhr.abort() };
  },
  /** Removes an upload the user took off again (best effort: unsent uploads expire anyway). */
  async deleteUpload(id: string): Promise<void> {
    await call('DELETE', `/api/uploads/${encodeURIComponent(id)}`, null);
  },
  async saveDraft(request: Partial<ComposeRequest>): Promise<number> {
    return required(await call('POST', '/api/drafts', draftSavedSchema, request)).id;
  },
  async send(request: Partial<ComposeRequest>): Promise<SendResult> {
    return required(await call('POST', '/api/send', sendResultSchema, request));
  },

  // ── search and directory ─────────────────────────────────────────────────────────────

  async search(params: SearchParams, offset: number, limit: number): Promise<MessagePage> {
    const { hasAttachment, ...rest } = params;
    const query: Query = { ...rest, hasAttachment: hasAttachment === undefined ? undefined : hasAttachment ? 'true' : 'false', offset, limit };
    return required(await call('GET', withQuery('/api/search', query), messagePageSchema));
  },
  async directory(q: string): Promise<DirectoryEntry[]> {
    return required(await call('GET', withQuery('/api/directory', { q }), z.array(directoryEntrySchema)));
  },

  // ── settings ─────────────────────────────────────────────────────────────────────────

  async settings(): Promise<SettingsView> {
    return required(await call('GET', '/api/settings', settingsViewSchema));
  },
  async updateSettings(update: Partial<Pick<SettingsView, 'displayName' | 'signatureHtml' | 'autoReply' | 'language'>>): Promise<SettingsView> {
    return required(await call('PATCH', '/api/settings', settingsViewSchema, update));
  },
  async changePassword(current: string, next: string): Promise<void> {
    await call('POST', '/api/settings/password', null, { current, next });
  },

  // ── console (onboarding) ───────────────────────────────────────────────────────────────

  async consoleMe(): Promise<ConsoleMe> {
    return required(await call('GET', '/api/console/me', consoleMeSchema));
  },

  // ── quarantine of inbound mail (NAME=inbound) ──────────────────────────────────────────

  async quarantineList(query: { status?: string; offset?: number; limit?: number }): Promise<QuarantinePage> {
    return required(await call('GET', withQuery('/api/console/quarantine', query), quarantinePageSchema));
  },
  async quarantineItem(id: number): Promise<QuarantineDetail> {
    return required(await call('GET', `/api/console/quarantine/${id}`, quarantineDetailSchema));
  },
  quarantineFrameUrl(id: number): string {
    return `/api/console/quarantine/${id}/frame`;
  },
  async releaseQuarantined(id: number, reason: string): Promise<QuarantineItem> {
    return required(await call('POST', `/api/console/quarantine/${id}/release`, quarantineItemSchema, { reason }));
  },
  async deleteQuarantined(id: number, reason: string): Promise<QuarantineItem> {
    return required(await call('POST', `/api/console/quarantine/${id}/delete`, quarantineItemSchema, { reason }));
  },

  // ── outbound: review queue, content rules, outbound queue (NAME=outbound) ──────────────────

  async outboundHolds(query: { status?: string; offset?: number; limit?: number }): Promise<HoldPage> {
    return required(await call('GET', withQuery('/api/console/outbound/holds', query), holdPageSchema));
  },
  async outboundHold(id: number): Promise<HoldDetail> {
    return required(await call('GET', `/api/console/outbound/holds/${id}`, holdDetailSchema));
  },
  async releaseHold(id: number, reason: string): Promise<Hold> {
    return required(await call('POST', `/api/console/outbound/holds/${id}/release`, holdSchema, { reason }));
  },
  async rejectHold(id: number, reason: string): Promise<Hold> {
    return required(await call('POST', `/api/console/outbound/holds/${id}/reject`, holdSchema, { reason }));
  },
  async contentRules(): Promise<ContentRuleView[]> {
    return required(await call('GET', '/api/console/content-rules', z.array(contentRuleSchema)));
  },
  async createContentRule(input: ContentRuleInputBody): Promise<ContentRuleView> {
    return required(await call('POST', '/api/console/content-rules', contentRuleSchema, input));
  },
  async updateContentRule(id: number, input: ContentRuleInputBody): Promise<ContentRuleView> {
    return required(await call('PATCH', `/api/console/content-rules/${id}`, contentRuleSchema, input));
  },
  async deleteContentRule(id: number): Promise<void> {
    await call('DELETE', `/api/console/content-rules/${id}`, null);
  },
  /** Units for the rule form's unit choice (the console's unit list, names only). */
  async contentRuleUnits(): Promise<{ id: number; name: string }[]> {
    return required(await call('GET', '/api/console/units', z.array(z.object({ id: z.number().int(), name: z.string() }))));
  },
  async outboundQueue(query: { status?: string; q?: string; offset?: number; limit?: number }): Promise<QueuePage> {
    return required(await call('GET', withQuery('/api/console/outbound/queue', query), queuePageSchema));
  },
  async retryQueueEntry(id: number): Promise<QueueEntry> {
    return required(await call('POST', `/api/console/outbound/queue/${id}/retry`, queueEntrySchema, {}));
  },
  async cancelQueueEntry(id: number, reason: string): Promise<QueueEntry> {
    return required(await call('POST', `/api/console/outbound/queue/${id}/cancel`, queueEntrySchema, { reason }));
  },
};

/** The bytes of a GET (an attachment decrypted in the browser: 工作秘密 mail, smcrypto). */
export async function callBytes(path: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError('unavailable', undefined, { cause: err });
  }
  if (!response.ok) throw report(await errorFrom(response.status, await response.json().catch(() => undefined)));
  return new Uint8Array(await response.arrayBuffer());
}
