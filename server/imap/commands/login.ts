/** RFC 3501 §6.2.3 LOGIN; refused before TLS (LOGINDISABLED). */
import type { CommandHandler } from '../command-context.js';
import { bad, no } from '../imap-error.js';
import { astringValue } from '../wire/values.js';

export const login: CommandHandler = {
  states: ['not-authenticated'],
  async run(ctx) {
    if (!ctx.secure) throw no('PRIVACYACCT', 'Use STARTTLS or port 993 first: passwords are not accepted over an unencrypted connection');
    const [userArg, passArg] = ctx.command.args;
    const user = astringValue(userArg);
    const password = astringValue(passArg);
    if (user === undefined || password === undefined || ctx.command.args.length !== 2) throw bad('LOGIN expects a user name and a password');
    const session = await ctx.notAuthenticated.login(user, password, { ip: ctx.remoteAddress, client: ctx.clientId });
    await ctx.setAuthenticated(session);
    ctx.okText = `[CAPABILITY ${ctx.capabilities().join(' ')}] Logged in`;
  },
};
