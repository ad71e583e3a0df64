export {
  deleteMessagesSchema,
  messageDetailQuerySchema,
  messageFrameQuerySchema,
  messageDetailSchema,
  messageListQuerySchema,
  messagePageSchema,
  messageSummarySchema,
  moveMessagesSchema,
  updateFlagsSchema,
  type MessageDetail,
  type MessagePage,
  type MessageSummary,
} from '../../../../common/schemas/webmail.js';
