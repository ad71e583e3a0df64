export { composeRequestSchema, sendResultSchema, type ComposeRequest, type SendResult } from '../../../../common/schemas/webmail.js';
