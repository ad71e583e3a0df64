/** The governance console's shell (`/api/console/me`): who is signed in and what they may do. */
import { z } from 'zod';
import { ROLES } from '../roles.js';

export const consoleMeSchema = z.object({
  account: z.object({
    address: z.string(),
    displayName: z.string(),
    roles: z.array(z.enum(ROLES)),
    unitId: z.number().int(),
    unitName: z.string(),
  }),
  /** Policy actions (server/governance/policy.ts) the person may take on something; the menu shows entries by these. */
  actions: z.array(z.string()),
});
export type ConsoleMe = z.infer<typeof consoleMeSchema>;
