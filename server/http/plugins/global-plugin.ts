/**
 * Marks a plugin as not encapsulated: its hooks, decorators and handlers apply to the context
 * that registers it (what `fastify-plugin` does, through the hook Fastify documents for it,
 * without the extra dependency).
 */
import type { FastifyPluginAsync, FastifyPluginOptions } from 'fastify';

export function globalPlugin<Options extends FastifyPluginOptions = Record<never, never>>(
  plugin: FastifyPluginAsync<Options>,
): FastifyPluginAsync<Options> {
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}
