/** The acting person of an HTTP request as the governance services take it (policy + audit identity). */
import type { FastifyRequest } from 'fastify';
import type { AdminActor } from '../../governance/accounts/administration.js';
import type { Services } from '../../services.js';
import { consoleContext } from './console-context.js';

export async function adminActorOf(request: FastifyRequest, services: Pick<Services, 'db'>): Promise<AdminActor> {
  const ctx = await consoleContext(request, services);
  return { policy: ctx.actor, tree: ctx.tree, who: ctx.who };
}

/** A numeric id from the path; anything else is "not found" (never a 400 that tells ids apart). */
export function idParam(value: string): number | null {
  if (!/^\d{1,12}$/.test(value)) return null;
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}
