/**
 * The typed shape of govmail's database. One interface per table; `Selectable`/`Insertable`
 * types derive from it. Conventions that keep the same code portable to PostgreSQL:
 * - times are integer milliseconds since the epoch (`bigint` on PostgreSQL);
 * - booleans are integers 0/1 (no dialect-specific boolean handling in queries);
 * - lists are JSON text (roles, keywords, address lists) — never queried inside with SQL.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Epoch milliseconds. */
export type Millis = number;
export type Bool01 = 0 | 1;

export interface UnitTable {
  id: Generated<number>;
  /** Short ASCII code used in CLI commands and list addresses, e.g. `czj`. Unique. */
  code: string;
  name: string;
  parent_id: number | null;
  /** Who people are told to contact about this unit's accounts (e.g. in 550 replies). */
  contact_address: string | null;
  created_at: Millis;
}

/** Life-cycle states of SPEC Art. 2 / 3.6. */
export const ACCOUNT_STATES = [
  'applied',
  'approved',
  'pending_activation',
  'active',
  'locked',
  'suspended',
  'deactivating',
  'deactivated',
  'purged',
] as const;
export type AccountState = (typeof ACCOUNT_STATES)[number];

export const ROLES = ['staff', 'unit_admin', 'dept_admin', 'security_officer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface AccountTable {
  id: Generated<number>;
  /** Lower-case full address; unique. */
  address: string;
  display_name: string;
  /** Full pinyin without tones, space separated: `zhang wei`. */
  pinyin: string;
  /** Pinyin initials: `zw`; the address book matches these. */
  pinyin_initials: string;
  unit_id: number;
  title: string | null;
  /** JSON array of Role. */
  roles: string;
  state: AccountState;
  password_hash: string | null;
  password_changed_at: Millis | null;
  quota_bytes: number;
  used_bytes: number;
  /** Consecutive lockouts, so each next lockout lasts longer. */
  lockout_count: number;
  locked_until: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

export interface AliasTable {
  id: Generated<number>;
  address: string;
  account_id: number;
  /** 1 when the account may also send as this address. */
  can_send_as: Bool01;
  created_at: Millis;
}

export interface DistributionListTable {
  id: Generated<number>;
  address: string;
  display_name: string;
  /** When set, the unit's members (and sub-units' when include_sub_units) are members. */
  unit_id: number | null;
  include_sub_units: Bool01;
  created_at: Millis;
}

export interface ListMemberTable {
  list_id: number;
  account_id: number;
}

export interface MailboxTable {
  id: Generated<number>;
  account_id: number;
  /** Full hierarchical name with `/` as the separator, e.g. `收文/2026年`. INBOX is `INBOX`. */
  name: string;
  /** RFC 6154 attribute (`\Sent`, `\Drafts`, `\Trash`, `\Junk`, `\Archive`) or null. */
  special_use: string | null;
  uid_validity: number;
  uid_next: number;
  highest_modseq: number;
  /** Lowest UID not yet claimed as \Recent by any IMAP session (RFC 3501 §2.3.2). */
  first_recent_uid: Generated<number>;
  subscribed: Bool01;
  created_at: Millis;
}

export interface BlobTable {
  /** SHA-256 of the raw message, hex. The file lives at blobs/<2>/<2>/<hash>. */
  hash: string;
  size: number;
  ref_count: number;
  created_at: Millis;
}

export interface MessageTable {
  id: Generated<number>;
  mailbox_id: number;
  /** RFC 3501 §2.3.1.1: strictly ascending within a mailbox, never reused. */
  uid: number;
  /** RFC 7162: the MODSEQ of the last change to this message. */
  modseq: number;
  seen: Bool01;
  answered: Bool01;
  flagged: Bool01;
  deleted: Bool01;
  draft: Bool01;
  /** JSON array of keyword strings (`$Forwarded`, `$MDNSent`, custom). */
  keywords: string;
  internal_date: Millis;
  size: number;
  blob_hash: string;
  from_address: string | null;
  from_name: string | null;
  /** JSON array of {name, address}. */
  to_json: string;
  cc_json: string;
  subject: string | null;
  sent_date: Millis | null;
  message_id: string | null;
  in_reply_to: string | null;
  references_json: string;
  has_attachments: Bool01;
  /** JSON array of attachment file names (shown in lists, searched). */
  attachment_names_json: string;
  /** 公开 | 内部 | 工作秘密 | 涉密 (SPEC 3.2); 内部 when the sender chose nothing. */
  classification: string;
  /** `normal`, `high`, or `confirm` (重要邮件·需回复确认, SPEC 3.4). */
  importance: string;
  /** Start of the text body for list views. */
  preview: string;
  created_at: Millis;
}

export interface OutboundQueueTable {
  id: Generated<number>;
  envelope_from: string;
  recipient: string;
  blob_hash: string;
  /** `cancelled` (console) and the lease columns come with migration 2026-11-29-outbound. */
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';
  attempts: number;
  next_attempt_at: Millis;
  last_error: string | null;
  submitted_by: number | null;
  created_at: Millis;
  updated_at: Millis;
  /** Node that claimed the row for an attempt, and until when (an expired lease is claimed again). */
  lease_owner: string | null;
  lease_until: Millis | null;
  last_attempt_at: Millis | null;
  /** When the sender was told the message is delayed (once). */
  delay_notified_at: Millis | null;
  /** When the row reached sent / failed / cancelled. */
  finished_at: Millis | null;
}

export interface AuditLogTable {
  /** Chain position: rows are only ever appended. */
  id: Generated<number>;
  at: Millis;
  actor_account_id: number | null;
  /** Address of the actor, `system`, or the attempted login name. */
  actor: string;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure' | 'denied';
  ip: string | null;
  protocol: string | null;
  /** JSON object with the action's details (never passwords or mail content). */
  details: string;
  prev_hash: string;
  /** SM3(prev_hash || canonical row), hex. */
  hash: string;
}

export interface AuthFailureTable {
  id: Generated<number>;
  account_id: number | null;
  login: string;
  ip: string | null;
  at: Millis;
}

export interface WebSessionTable {
  /** SHA-256 of the cookie token: a leaked database does not yield live sessions. */
  token_hash: string;
  account_id: number;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Millis;
  last_seen_at: Millis;
}

export interface SettingTable {
  key: string;
  value: string;
}

/**
 * One full-text search document per blob (content), however many mailboxes hold it. The
 * dialect's token index (SQLite: the FTS5 table `search_fts`, rowid = id; query it with `sql`)
 * is not typed here. See storage/search-dialect.ts.
 */
export interface SearchDocumentTable {
  id: Generated<number>;
  /** Unique; references blobs.hash (no cascade: removing the blob must remove this first). */
  blob_hash: string;
  /** The tokenize.ts TOKENIZER_VERSION that produced the indexed tokens. */
  tokenizer_version: number;
}

/**
 * Important mail (SPEC Art. 3.4): one row per (Message-ID header, recipient account) of a
 * message sent with `X-Govmail-Importance: confirm`. Read (已阅), done (已办), opened and replied
 * are separate states, each with its time.
 */
export interface ImportantReceiptTable {
  id: Generated<number>;
  /** The Message-ID header, with its angle brackets. */
  message_id: string;
  /** The local account that submitted it; null for mail from outside (nobody sees the list then). */
  sender_account_id: number | null;
  recipient_account_id: number;
  /** From `X-Govmail-Deadline`, when the sender set one. */
  deadline: Millis | null;
  delivered_at: Millis | null;
  first_opened_at: Millis | null;
  /** 已阅 */
  read_confirmed_at: Millis | null;
  /** 已办 */
  done_at: Millis | null;
  replied_at: Millis | null;
  created_at: Millis;
}

/** Webmail settings of an account (the display name lives on the account). */
export interface WebmailSettingsTable {
  account_id: number;
  signature_html: Generated<string>;
  language: Generated<'zh-CN' | 'en'>;
  auto_reply_enabled: Generated<Bool01>;
  auto_reply_subject: Generated<string>;
  auto_reply_body: Generated<string>;
  /** ISO dates as the user gave them; null = open-ended. */
  auto_reply_from: string | null;
  auto_reply_until: string | null;
  updated_at: Millis;
}

/** Out-of-office replies sent: one per sender per absence (RFC 3834 §2). */
export interface AutoReplyLogTable {
  account_id: number;
  /** Lower-case address answered. */
  sender: string;
  sent_at: Millis;
}

/** Senders (lower-case addresses) whose remote images an account always shows. */
export interface RemoteImageSenderTable {
  account_id: number;
  sender: string;
  created_at: Millis;
}

export interface Database {
  units: UnitTable;
  accounts: AccountTable;
  aliases: AliasTable;
  distribution_lists: DistributionListTable;
  list_members: ListMemberTable;
  mailboxes: MailboxTable;
  blobs: BlobTable;
  messages: MessageTable;
  outbound_queue: OutboundQueueTable;
  audit_log: AuditLogTable;
  auth_failures: AuthFailureTable;
  web_sessions: WebSessionTable;
  settings: SettingTable;
  search_documents: SearchDocumentTable;
  important_receipts: ImportantReceiptTable;
  webmail_settings: WebmailSettingsTable;
  remote_image_senders: RemoteImageSenderTable;
  auto_reply_log: AutoReplyLogTable;
  // onboarding (account life cycle, SPEC Art. 2)
  account_applications: AccountApplicationTable;
  account_state_history: AccountStateHistoryTable;
  activation_tokens: ActivationTokenTable;
  account_profiles: AccountProfileTable;
  // outbound (issue 6: content rules, review queue, DKIM; migration 2026-11-29-outbound)
  security_events: SecurityEventTable;
  content_rules: ContentRuleTable;
  outbound_holds: OutboundHoldTable;
  dkim_keys: DkimKeyTable;
  // deactivation (administer and deactivate, SPEC Art. 3.6)
  account_deactivations: AccountDeactivationTable;
  handover_waivers: HandoverWaiverTable;
  mailbox_exports: MailboxExportTable;
  // incidents (SPEC Art. 4.3, 10.3)
  incidents: IncidentTable;
  incident_events: IncidentEventTable;
  sender_blocks: SenderBlockTable;
  forced_password_resets: ForcedPasswordResetTable;
  // inbound (issue 6, SPEC 4.2)
  inbound_results: InboundResultTable;
  quarantine: QuarantineTable;
  // credentials (passwords and sign-in, SPEC Art. 4.1; migration 2026-11-29-credentials)
  password_history: PasswordHistoryTable;
  password_reminders: PasswordReminderTable;
  account_totp: AccountTotpTable;
  recovery_codes: RecoveryCodeTable;
  app_passwords: AppPasswordTable;
  known_devices: KnownDeviceTable;
  password_reset_tokens: PasswordResetTokenTable;
  // smcrypto (工作秘密 key directory, SPEC 3.2; migration 2026-11-29-smcrypto)
  sm_keys: SmKeyTable;
}

export type Unit = Selectable<UnitTable>;
export type Account = Selectable<AccountTable>;
export type NewAccount = Insertable<AccountTable>;
export type AccountUpdate = Updateable<AccountTable>;
export type Mailbox = Selectable<MailboxTable>;
export type MessageRow = Selectable<MessageTable>;
export type NewMessageRow = Insertable<MessageTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type OutboundRow = Selectable<OutboundQueueTable>;
export type ImportantReceipt = Selectable<ImportantReceiptTable>;
export type { ColumnType };

// ── onboarding: account life cycle, SPEC Art. 2 (migration 2026-11-29-onboarding) ──────────

/** An application's own states: the account states it passes through, plus its two ends. */
export const APPLICATION_STATES = ['applied', 'approved', 'rejected', 'allocated'] as const;
export type ApplicationState = (typeof APPLICATION_STATES)[number];

/** A public application for an account (SPEC Art. 2.1–2.2). */
export interface AccountApplicationTable {
  id: Generated<number>;
  /** What the applicant is given to look the application up; unique, unguessable. */
  tracking_code: string;
  state: ApplicationState;
  display_name: string;
  unit_id: number;
  title: string;
  work_id: string;
  mobile: string;
  reason: string;
  /** File name of the uploaded work ID / unit certificate under <dataDir>/applications/. */
  document_file: string | null;
  /** MIME type found from the content's magic bytes (not the name). */
  document_type: string | null;
  document_name: string | null;
  document_size: number | null;
  regulation_version: string;
  regulation_accepted_at: Millis;
  reviewed_by: number | null;
  reviewed_at: Millis | null;
  reject_reason: string | null;
  /** The account allocated for it. */
  account_id: number | null;
  ip: string | null;
  created_at: Millis;
  updated_at: Millis;
}

/** Every life-cycle transition of an account or application: who, when, why. */
export interface AccountStateHistoryTable {
  id: Generated<number>;
  account_id: number | null;
  application_id: number | null;
  /** Null for the row that brought the subject into existence. */
  from_state: string | null;
  to_state: string;
  action: string;
  actor: string;
  actor_account_id: number | null;
  reason: string | null;
  at: Millis;
}

/** One-time activation links (SPEC Art. 2.3); only the SHA-256 of the token is stored. */
export interface ActivationTokenTable {
  id: Generated<number>;
  account_id: number;
  token_hash: string;
  issued_by: string;
  created_at: Millis;
  expires_at: Millis;
  used_at: Millis | null;
  revoked_at: Millis | null;
}

/** What activation checks and records beyond the account row. */
export interface AccountProfileTable {
  account_id: number;
  work_id: string | null;
  mobile: string | null;
  /** SHA-256 of the ID-card number (bulk import): duplicates are found, the number is not kept. */
  id_card_hash: string | null;
  /** How id_card_hash was made: 'hmac-sm3' (keyed, current) or 'sha256' (legacy, upgraded on match); NAME=hardening. */
  id_card_hash_scheme: string | null;
  application_id: number | null;
  /** Version of the regulation / acceptable-use statement accepted, and when. */
  aup_version: string | null;
  aup_accepted_at: Millis | null;
  activated_at: Millis | null;
  updated_at: Millis;
}

export type AccountApplication = Selectable<AccountApplicationTable>;
export type AccountStateHistoryRow = Selectable<AccountStateHistoryTable>;
// ── outbound: content rules, security events, review queue, DKIM (migration 2026-11-29-outbound) ──

/** A security-relevant event (classified content blocked, …), read by the incidents console. */
export interface SecurityEventTable {
  id: Generated<number>;
  /** e.g. `outbound.classified_blocked`. */
  kind: string;
  account_id: number | null;
  /** The account's address (kept when the account is gone). */
  account: string | null;
  /** The Message-ID header, with angle brackets. */
  message_id: string | null;
  /** JSON object: rule, markers, locations, recipients … never the mail's content. */
  details: string;
  at: Millis;
}

export const CONTENT_RULE_KINDS = ['keyword', 'regex', 'id_card', 'mobile'] as const;
export type ContentRuleKind = (typeof CONTENT_RULE_KINDS)[number];
export const CONTENT_RULE_ACTIONS = ['warn', 'hold', 'block'] as const;
export type ContentRuleAction = (typeof CONTENT_RULE_ACTIONS)[number];

/** A content rule of a unit (SPEC 3.1): applies to mail sent by people of the unit and its sub-units. */
export interface ContentRuleTable {
  id: Generated<number>;
  /** null: every unit. */
  unit_id: number | null;
  name: string;
  kind: ContentRuleKind;
  /** The keyword or the regular expression; empty for id_card / mobile. */
  pattern: string;
  action: ContentRuleAction;
  enabled: Bool01;
  created_by: number | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A submitted message held for review by the unit admin or the security officer. */
export interface OutboundHoldTable {
  id: Generated<number>;
  status: 'pending' | 'released' | 'rejected';
  envelope_from: string;
  /** JSON array of envelope recipients. */
  recipients: string;
  blob_hash: string;
  size: number;
  submitted_by: number | null;
  sender_unit_id: number | null;
  protocol: string;
  remote_ip: string | null;
  message_id: string | null;
  subject: string | null;
  /** JSON array of the pipeline's findings. */
  findings: string;
  decided_by: number | null;
  decided_at: Millis | null;
  decision_reason: string | null;
  created_at: Millis;
}

export interface DkimKeyTable {
  id: Generated<number>;
  domain: string;
  selector: string;
  /** PKCS#8 PEM. */
  private_key_pem: string;
  /** SubjectPublicKeyInfo DER, base64: the `p=` of the DNS record. */
  public_key_b64: string;
  active: Bool01;
  created_at: Millis;
}

export type SecurityEvent = Selectable<SecurityEventTable>;
export type ContentRule = Selectable<ContentRuleTable>;
export type OutboundHold = Selectable<OutboundHoldTable>;

// ── deactivation: administer and deactivate accounts, SPEC Art. 3.6 (migration 2026-11-29-deactivation) ──

/** in_progress (handover) → completed (account deactivated) → purged; or cancelled. */
export const DEACTIVATION_STATES = ['in_progress', 'completed', 'cancelled', 'purged'] as const;
export type DeactivationState = (typeof DEACTIVATION_STATES)[number];

/** One deactivation of an account and its handover (SPEC Art. 3.6). */
export interface AccountDeactivationTable {
  id: Generated<number>;
  account_id: number;
  state: DeactivationState;
  /** The account's state when it was requested (only an active person signs in during handover). */
  from_state: AccountState;
  requested_by: string;
  requested_by_account_id: number | null;
  reason: string;
  /** The active account that takes over the work and, for `forward_days`, the mail. */
  successor_account_id: number | null;
  /** Days after completion that mail to the address goes to the successor. */
  forward_days: number | null;
  /** Set at completion: completed_at + forward_days. */
  forward_until: Millis | null;
  completed_by: string | null;
  completed_at: Millis | null;
  /** Set at completion: completed_at + the retention period; the purge job runs after it. */
  purge_after: Millis | null;
  purged_at: Millis | null;
  cancelled_at: Millis | null;
  created_at: Millis;
  updated_at: Millis;
}

/** A handover item waived by the department admin, with the written reason. */
export interface HandoverWaiverTable {
  deactivation_id: number;
  /** important_mail | successor | forwarding | auto_reply | export */
  item: string;
  reason: string;
  waived_by: string;
  waived_by_account_id: number | null;
  waived_at: Millis;
}

/** A finished export of a whole mailbox (mboxrd file under <dataDir>/exports/). */
export interface MailboxExportTable {
  id: Generated<number>;
  account_id: number;
  format: 'mbox';
  /** File name under <dataDir>/exports; null once deleted (purge). */
  file: string | null;
  messages: number;
  size: number;
  sha256: string;
  requested_by: string;
  created_at: Millis;
  downloaded_at: Millis | null;
  deleted_at: Millis | null;
}

export type AccountDeactivation = Selectable<AccountDeactivationTable>;
export type MailboxExport = Selectable<MailboxExportTable>;

// ── incidents: SPEC Art. 4.3, 10.3 (migration 2026-11-29-incidents) ───────────────────────

/** A security incident (governance/incidents/incident-service.ts holds its life cycle). */
export interface IncidentTable {
  id: Generated<number>;
  /** suspicious_mail | account_compromised | device_lost | misdirected_mail | other */
  kind: string;
  /** reported | triaged | contained | resolved | reviewed */
  state: string;
  reporter_account_id: number | null;
  reporter_address: string;
  /** The security officer in charge. */
  owner_account_id: number | null;
  /** The account the incident is about (the reporter's own for a compromised account or lost device). */
  subject_account_id: number | null;
  description: string;
  /** The reporter's copy (messages.id) of the mail reported; may be gone after a purge. */
  message_row_id: number | null;
  /** The Message-ID header (with angle brackets) and blob hash of that mail: what a purge uses. */
  message_id: string | null;
  blob_hash: string | null;
  message_subject: string | null;
  message_from: string | null;
  /** What the reporter is told when the incident is resolved. */
  verdict: string | null;
  state_entered_at: Millis;
  created_at: Millis;
  updated_at: Millis;
}

/** One line of an incident's timeline: a state change, an owner change, an action, a note. */
export interface IncidentEventTable {
  id: Generated<number>;
  incident_id: number;
  at: Millis;
  actor: string;
  actor_account_id: number | null;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  reason: string | null;
  /** JSON object (counts, targets); never mail content. */
  details: string;
}

/** Senders refused at the MX with 550 5.7.1 (governance/security/blocklist.ts). */
export interface SenderBlockTable {
  id: Generated<number>;
  /** Lower-case address (`a@b.cn`) or domain (`b.cn`, which also covers its subdomains). */
  pattern: string;
  kind: 'address' | 'domain';
  reason: string;
  incident_id: number | null;
  created_by: string;
  created_at: Millis;
}

/** Accounts whose password must be changed before they may sign in again (until credentials owns this). */
export interface ForcedPasswordResetTable {
  account_id: number;
  incident_id: number | null;
  required_by: string;
  reason: string;
  required_at: Millis;
}

export type Incident = Selectable<IncidentTable>;
export type IncidentEvent = Selectable<IncidentEventTable>;
export type SenderBlock = Selectable<SenderBlockTable>;
// ---- inbound (issue 6, SPEC Art. 4.2; NAME=inbound) ----

/** What the inbound pipeline found about a delivered message; one row per blob (all its copies). */
export interface InboundResultTable {
  blob_hash: string;
  /** accept | warn (delivered with a 风险提示). */
  verdict: string;
  score: number;
  /** 1: arrived at the MX from another server (shown 外部邮件). */
  external: Bool01;
  /** Domain of the From address (first-contact rule). */
  sender_domain: string | null;
  /** JSON array of the reasons shown in the 风险提示 banner. */
  warnings: string;
  /** JSON array of findings {check, verdict, score, reason}. */
  findings: string;
  spf: string | null;
  dkim: string | null;
  dmarc: string | null;
  /** The Authentication-Results header we added. */
  auth_results: string | null;
  created_at: Millis;
}

export interface QuarantineTable {
  id: Generated<number>;
  /** held | released | deleted */
  status: 'held' | 'released' | 'deleted';
  envelope_from: string;
  /** JSON array of envelope recipients. */
  recipients: string;
  /** Holds one blob reference while held; null once released or deleted. */
  blob_hash: string | null;
  size: number;
  remote_ip: string | null;
  from_address: string | null;
  from_name: string | null;
  subject: string | null;
  message_id: string | null;
  /** quarantine (or reject, kept for the record) */
  verdict: string;
  score: number;
  /** JSON array of findings {check, verdict, score, reason, details}. */
  findings: string;
  auth_results: string | null;
  created_at: Millis;
  decided_at: Millis | null;
  decided_by: number | null;
  decision_reason: string | null;
}
export type QuarantineRow = Selectable<QuarantineTable>;

// ---- credentials (passwords and sign-in, SPEC Art. 4.1; NAME=credentials) ----

/** Earlier argon2id password hashes of an account (no reuse of the last N). */
export interface PasswordHistoryTable {
  id: Generated<number>;
  account_id: number;
  password_hash: string;
  created_at: Millis;
}

/** Expiry reminders sent: one per threshold (days before expiry) per password. */
export interface PasswordReminderTable {
  account_id: number;
  days_before: number;
  /** The accounts.password_changed_at the reminder was about (a new password starts afresh). */
  password_changed_at: Millis;
  sent_at: Millis;
}

/** TOTP (RFC 6238) of an account; enabled once the person confirmed a code. */
export interface AccountTotpTable {
  account_id: number;
  /** Base32 secret. */
  secret: string;
  enabled_at: Millis | null;
  /** Last accepted time step: a code is accepted once. */
  last_used_step: number | null;
  created_at: Millis;
}

/** One-time recovery codes (argon2id-hashed), shown once at TOTP enrolment. */
export interface RecoveryCodeTable {
  id: Generated<number>;
  account_id: number;
  code_hash: string;
  used_at: Millis | null;
  created_at: Millis;
}

/** Named app passwords for mail clients (IMAP/POP3/SMTP); the only way in for them once TOTP is on. */
export interface AppPasswordTable {
  id: Generated<number>;
  account_id: number;
  name: string;
  password_hash: string;
  created_at: Millis;
  last_used_at: Millis | null;
  last_used_protocol: string | null;
  last_used_ip: string | null;
  revoked_at: Millis | null;
}

/** IP + client pairs an account signed in from (a new pair triggers the new-device alert). */
export interface KnownDeviceTable {
  id: Generated<number>;
  account_id: number;
  ip: string;
  client: string;
  first_seen_at: Millis;
  last_seen_at: Millis;
}

/** One-time password reset links sent by administrators (SHA-256 of the token). */
export interface PasswordResetTokenTable {
  id: Generated<number>;
  account_id: number;
  token_hash: string;
  created_by: string;
  reason: string;
  created_at: Millis;
  expires_at: Millis;
  used_at: Millis | null;
  revoked_at: Millis | null;
}
export type AppPassword = Selectable<AppPasswordTable>;

/** SM2 key directory (工作秘密 end-to-end mail): public key + protected private-key copies (opaque JSON). */
export interface SmKeyTable {
  id: Generated<number>;
  account_id: number;
  public_key: string;
  passphrase_blob: string;
  recovery_blob: string;
  created_at: Millis;
  updated_at: Millis;
  /** Set when replaced by a new key pair; kept so older mail still verifies. */
  retired_at: Millis | null;
}
