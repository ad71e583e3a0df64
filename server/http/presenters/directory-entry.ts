/** Address book entries for the To/Cc/Bcc autocomplete. */
import type { DirectoryEntry } from '../../../common/schemas/webmail.js';

export function presentDirectoryEntry(kind: DirectoryEntry['kind'], name: string, address: string, detail: string | null): DirectoryEntry {
  return { kind, name, address, detail: detail ?? '' };
}
