export { directoryEntrySchema, type DirectoryEntry } from '../../../../common/schemas/webmail.js';
