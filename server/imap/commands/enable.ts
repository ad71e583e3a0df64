/** RFC 5161 ENABLE: CONDSTORE (RFC 7162 §3.1) and UTF8=ACCEPT (RFC 6855 §3). */
import type { CommandHandler } from '../command-context.js';
import { atomText } from '../wire/values.js';

const ENABLEABLE = new Set(['CONDSTORE', 'UTF8=ACCEPT']);

export const enable: CommandHandler = {
  states: ['authenticated', 'selected'],
  async run(ctx) {
    const turnedOn: string[] = [];
    for (const arg of ctx.command.args) {
      const name = atomText(arg)?.toUpperCase();
      if (name && ENABLEABLE.has(name) && !ctx.enabled.has(name)) {
        ctx.enabled.add(name);
        turnedOn.push(name);
      }
    }
    await ctx.untagged(`ENABLED${turnedOn.map((n) => ' ' + n).join('')}`);
  },
};
