export { messagePageSchema, searchQuerySchema, type MessagePage, type SearchQuery } from '../../../../common/schemas/webmail.js';
