export { confirmImportantSchema, receiptViewSchema, type ReceiptView } from '../../../../common/schemas/webmail.js';
