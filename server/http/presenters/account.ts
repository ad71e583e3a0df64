/** Accounts as clients see them: never the password hash, lockout counters or quotas' internals. */
import { ROLES as SHARED_ROLES, type Role as SharedRole } from '../../../common/roles.js';
import type { AccountView } from '../../../common/schemas/session.js';
import { ROLES, type Account, type Role } from '../../storage/database.js';

// The shared role list and the storage one must be the same set (checked both ways).
const _storageRolesAreShared: readonly SharedRole[] = ROLES;
const _sharedRolesAreStorage: readonly Role[] = SHARED_ROLES;

function rolesOf(account: Account): Role[] {
  try {
    const parsed: unknown = JSON.parse(account.roles);
    return Array.isArray(parsed) ? parsed.filter((r): r is Role => (ROLES as readonly unknown[]).includes(r)) : [];
  } catch {
    return [];
  }
}

export function presentAccount(account: Account): AccountView {
  return { address: account.address, displayName: account.display_name, roles: rolesOf(account) };
}
