/** RFC 3501 §6.1.2 NOOP and §6.4.1 CHECK: nothing to do but report pending updates (the caller flushes). */
import type { CommandHandler } from '../command-context.js';

export const noop: CommandHandler = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run() {},
};

export const check: CommandHandler = {
  states: ['selected'],
  async run() {},
};
