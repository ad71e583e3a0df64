export { liveEventSchema, type LiveEvent } from '../../../../common/schemas/webmail.js';
