/**
 * The webmail API contract (`/api/...`): request and response shapes shared by the server's
 * routes and the web app's typed client. Ids are the server's numeric row ids; a user only ever
 * sees ids of their own mailboxes and messages (anything else answers 404 `not_found`).
 *
 * Endpoints (all need a session; state-changing ones the X-CSRF-Token header):
 *   GET    /api/mailboxes                          → MailboxView[]
 *   POST   /api/mailboxes            CreateMailbox → MailboxView (201)
 *   PATCH  /api/mailboxes/:id        RenameMailbox → MailboxView
 *   DELETE /api/mailboxes/:id                      → 204
 *   GET    /api/mailboxes/:id/messages?offset&limit&sort&order → MessagePage
 *   GET    /api/messages/:id?peek&remoteImages     → MessageDetail (marks \Seen unless ?peek=1; ?remoteImages=1 shows this message's remote images)
 *   GET    /api/messages/:id/raw                   → message/rfc822 (the original source)
 *   GET    /api/messages/:id/parts/:part?inline=1  → one attachment, decoded (inline only for images and PDF)
 *   PATCH  /api/messages/:id         UpdateFlags   → MessageSummary
 *   POST   /api/messages/move        MoveMessages  → { moved: number }
 *   POST   /api/messages/delete      DeleteMessages→ { deleted: number }   (to Trash; from Trash or permanent: expunge)
 *   POST   /api/messages/:id/confirm ConfirmImportant → ReceiptView        (已阅 / 已办)
 *   GET    /api/messages/:id/receipts              → ReceiptView[]        (the sender's per-recipient view)
 *   POST   /api/remote-images        AllowRemoteImages → 204               (per sender)
 *   POST   /api/uploads              multipart file → UploadView (201)
 *   DELETE /api/uploads/:id                       → 204                 (an upload taken off before sending)
 *   POST   /api/drafts               ComposeRequest → { id: number }      (saves/replaces a draft in Drafts)
 *   POST   /api/send                 ComposeRequest → SendResult          (the same delivery pipeline as SMTP)
 *   GET    /api/search?q&from&after&before&hasAttachment&mailboxId&offset&limit → MessagePage
 *   GET    /api/directory?q=zs                     → DirectoryEntry[]     (people and units; pinyin initials)
 *   GET    /api/events                             → text/event-stream of LiveEvent
 *   GET    /api/settings                           → SettingsView
 *   PATCH  /api/settings             UpdateSettings → SettingsView
 *   POST   /api/settings/password    ChangePassword → 204 (policy violations: 400 validation with issues)
 */
import { z } from 'zod';

export const CLASSIFICATIONS = ['公开', '内部', '工作秘密', '涉密'] as const;
export const classificationSchema = z.enum(CLASSIFICATIONS);
export type Classification = z.infer<typeof classificationSchema>;

export const IMPORTANCE = ['normal', 'high', 'confirm'] as const;
export const importanceSchema = z.enum(IMPORTANCE);

export const SPECIAL_USES = ['\\Inbox', '\\Drafts', '\\Sent', '\\Trash', '\\Junk', '\\Archive'] as const;

export const addressSchema = z.object({ name: z.string(), address: z.string() });
export type AddressView = z.infer<typeof addressSchema>;

export const mailboxViewSchema = z.object({
  id: z.number().int(),
  /** Full path with `/`, as stored (`INBOX`, `Sent`, `收文/2026年`). */
  name: z.string(),
  /** `\Inbox` for INBOX, else RFC 6154 special use or null; the web app shows Chinese names for these. */
  specialUse: z.string().nullable(),
  total: z.number().int(),
  unread: z.number().int(),
});
export type MailboxView = z.infer<typeof mailboxViewSchema>;

export const createMailboxSchema = z.object({ name: z.string().trim().min(1).max(200) });
export const renameMailboxSchema = z.object({ name: z.string().trim().min(1).max(200) });

export const MESSAGE_SORTS = ['date', 'from', 'subject', 'size'] as const;
export const messageListQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  sort: z.enum(MESSAGE_SORTS).default('date'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type MessageListQuery = z.infer<typeof messageListQuerySchema>;

export const messageSummarySchema = z.object({
  id: z.number().int(),
  mailboxId: z.number().int(),
  uid: z.number().int(),
  from: addressSchema.nullable(),
  to: z.array(addressSchema),
  subject: z.string(),
  preview: z.string(),
  /** ISO 8601: the Date header, or arrival time when there is none. */
  date: z.string(),
  size: z.number().int(),
  seen: z.boolean(),
  flagged: z.boolean(),
  answered: z.boolean(),
  hasAttachments: z.boolean(),
  classification: classificationSchema,
  importance: importanceSchema,
  /** From outside the city's domains: shown with the 外部邮件 mark. */
  external: z.boolean(),
});
export type MessageSummary = z.infer<typeof messageSummarySchema>;

export const messagePageSchema = z.object({
  items: z.array(messageSummarySchema),
  total: z.number().int(),
  offset: z.number().int(),
});
export type MessagePage = z.infer<typeof messagePageSchema>;

export const attachmentViewSchema = z.object({
  /** MIME part number (`2`, `1.2`), used in /parts/:part. */
  part: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  /** Referenced from the HTML by cid: (shown inline, not listed as an attachment). */
  inline: z.boolean(),
});
export type AttachmentView = z.infer<typeof attachmentViewSchema>;

export const messageDetailSchema = messageSummarySchema.extend({
  cc: z.array(addressSchema),
  /** Only in the sender's own copy (已发送, 草稿箱); delivered copies carry no Bcc. */
  bcc: z.array(addressSchema),
  replyTo: z.array(addressSchema),
  messageId: z.string().nullable(),
  inReplyTo: z.string().nullable(),
  references: z.array(z.string()),
  text: z.string().nullable(),
  /**
   * Sanitised HTML (no script, no event handlers, no forms, no active content; links get
   * target=_blank rel=noopener noreferrer). Remote images are replaced by a placeholder unless
   * `remoteImagesAllowed`; cid: images point at /api/messages/:id/parts/:part?inline=1.
   * The web app shows it in a sandboxed iframe (no allow-scripts) with a CSP of its own.
   */
  html: z.string().nullable(),
  hasRemoteImages: z.boolean(),
  remoteImagesAllowed: z.boolean(),
  attachments: z.array(attachmentViewSchema),
  /** For recipients of important mail: this user's receipt, if the message asks for one. */
  receipt: z.lazy(() => receiptViewSchema).nullable(),
  /** The recipient must confirm by this time (ISO), when the sender set a deadline. */
  deadline: z.string().nullable(),
  /** 风险提示: why the inbound checks (SPEC 4.2) flagged this message when delivering it; empty: none. */
  riskWarnings: z.array(z.string()).default([]),
});
export type MessageDetail = z.infer<typeof messageDetailSchema>;

/** Query of GET /api/messages/:id. `remoteImages=1`: show remote images of this message this once. */
export const messageDetailQuerySchema = z.object({
  peek: z.stringbool().default(false),
  remoteImages: z.stringbool().default(false),
});
export type MessageDetailQuery = z.infer<typeof messageDetailQuerySchema>;

/** `GET /api/messages/:id/frame`: the HTML body as the reading pane's framed document. */
export const messageFrameQuerySchema = z.object({
  remoteImages: z.stringbool().default(false),
  lang: z.enum(['zh-CN', 'en']).default('zh-CN'),
});

export const updateFlagsSchema = z.object({ seen: z.boolean().optional(), flagged: z.boolean().optional() });
export const moveMessagesSchema = z.object({ ids: z.array(z.number().int()).min(1).max(1000), mailboxId: z.number().int() });
export const deleteMessagesSchema = z.object({ ids: z.array(z.number().int()).min(1).max(1000), permanent: z.boolean().default(false) });

export const receiptViewSchema = z.object({
  recipient: addressSchema,
  deliveredAt: z.string().nullable(),
  firstOpenedAt: z.string().nullable(),
  /** 已阅 */
  readConfirmedAt: z.string().nullable(),
  /** 已办 */
  doneAt: z.string().nullable(),
  repliedAt: z.string().nullable(),
});
export type ReceiptView = z.infer<typeof receiptViewSchema>;
export const confirmImportantSchema = z.object({ kind: z.enum(['read', 'done']) });

export const allowRemoteImagesSchema = z.object({ sender: z.string().email() });

export const uploadViewSchema = z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number().int() });
export type UploadView = z.infer<typeof uploadViewSchema>;

export const composeRequestSchema = z.object({
  /** When saving over an existing draft, or sending one: its message id (it is removed from Drafts on send). */
  draftId: z.number().int().optional(),
  to: z.array(z.string().trim().min(3).max(254)).max(500).default([]),
  cc: z.array(z.string().trim().min(3).max(254)).max(500).default([]),
  bcc: z.array(z.string().trim().min(3).max(254)).max(500).default([]),
  subject: z.string().max(998).default(''),
  /** The editor's HTML; the server sanitises it and derives the text part. */
  html: z.string().max(5_000_000).default(''),
  attachments: z.array(z.string()).max(50).default([]),
  /**
   * With `draftId`: attachments of that draft to keep, by part number (`MessageDetail.attachments[].part`
   * of the draft) — how a reopened draft keeps the files it was saved with.
   */
  draftParts: z.array(z.string().regex(/^\d+(?:\.\d+)*$/)).max(50).default([]),
  /** Forward as attachment: these messages are attached as message/rfc822. */
  attachMessages: z.array(z.number().int()).max(20).default([]),
  classification: classificationSchema.default('内部'),
  importance: importanceSchema.default('normal'),
  /** ISO 8601, for importance 'confirm'. */
  deadline: z.string().datetime({ offset: true }).optional(),
  inReplyTo: z.number().int().optional(),
  /** Send although the outbound checks warned (the user saw `outbound.confirm_required` and confirmed). */
  confirmWarnings: z.boolean().optional(),
  /**
   * 工作秘密 end to end (SPEC 3.2; smcrypto): the message body built in the browser by
   * `buildSecretBody` (common/secret-mime.ts) — the readable notice and the sealed envelope.
   * With it, `html`, `attachments`, `draftParts` and `attachMessages` must be empty (they are inside).
   */
  secretBody: z.string().max(30_000_000).optional(),
});
export type ComposeRequest = z.infer<typeof composeRequestSchema>;

export const sendResultSchema = z.object({
  messageId: z.string(),
  sentId: z.number().int(),
  queuedExternal: z.number().int(),
  /** The outbound checks held the message for review: nothing goes out until a reviewer releases it. */
  heldForReview: z.boolean().optional(),
});
export type SendResult = z.infer<typeof sendResultSchema>;

export const searchQuerySchema = z.object({
  q: z.string().max(200).default(''),
  from: z.string().max(200).optional(),
  after: z.string().optional(),
  before: z.string().optional(),
  /** `true`/`1` or `false`/`0` (a coerced boolean would read `false` as true). */
  hasAttachment: z.stringbool().optional(),
  mailboxId: z.coerce.number().int().optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type SearchQuery = z.infer<typeof searchQuerySchema>;

export const directoryEntrySchema = z.object({
  kind: z.enum(['person', 'unit', 'list']),
  name: z.string(),
  address: z.string(),
  /** Unit name for people, parent unit for units. */
  detail: z.string(),
});
export type DirectoryEntry = z.infer<typeof directoryEntrySchema>;

/** Server-sent events on /api/events (event name = kind). */
export const liveEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message-added'), mailboxId: z.number().int(), id: z.number().int() }),
  z.object({ kind: z.literal('message-changed'), mailboxId: z.number().int(), uid: z.number().int() }),
  z.object({ kind: z.literal('message-removed'), mailboxId: z.number().int(), uid: z.number().int() }),
  z.object({ kind: z.literal('mailboxes-changed') }),
]);
export type LiveEvent = z.infer<typeof liveEventSchema>;

export const autoReplySchema = z.object({
  enabled: z.boolean(),
  subject: z.string().max(200),
  body: z.string().max(10_000),
  /** ISO dates; null = open-ended. */
  from: z.string().nullable(),
  until: z.string().nullable(),
});

export const settingsViewSchema = z.object({
  displayName: z.string(),
  signatureHtml: z.string(),
  autoReply: autoReplySchema,
  language: z.enum(['zh-CN', 'en']),
  /** The password policy, explained for the change-password form. */
  passwordPolicy: z.array(z.string()),
  /** Largest message the server accepts (`smtp.maxMessageBytes`): compose shows and checks it. */
  maxMessageBytes: z.number().int().positive(),
});
export type SettingsView = z.infer<typeof settingsViewSchema>;

export const updateSettingsSchema = z.object({
  displayName: z.string().trim().min(1).max(100).optional(),
  signatureHtml: z.string().max(20_000).optional(),
  autoReply: autoReplySchema.optional(),
  language: z.enum(['zh-CN', 'en']).optional(),
});
export const changePasswordSchema = z.object({ current: z.string().min(1).max(1024), next: z.string().min(1).max(1024) });
