export { createMailboxSchema, mailboxViewSchema, renameMailboxSchema, type MailboxView } from '../../../../common/schemas/webmail.js';
