export { uploadViewSchema, type UploadView } from '../../../../common/schemas/webmail.js';
