export { allowRemoteImagesSchema } from '../../../../common/schemas/webmail.js';
