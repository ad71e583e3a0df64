/**
 * RFC 3501 §6.2.2 AUTHENTICATE with PLAIN (RFC 4616, initial response per RFC 4959 SASL-IR) and
 * LOGIN (draft-murchison-sasl-login, still used by Outlook). Only over TLS.
 */
import type { CommandContext, CommandHandler } from '../command-context.js';
import { bad, no } from '../imap-error.js';
import { atomText } from '../wire/values.js';

function decode(line: string | null): string {
  if (line === null) throw bad('Connection closed during authentication');
  if (line.trim() === '*') throw bad('Authentication cancelled');
  if (!/^[A-Za-z0-9+/=]*$/.test(line.trim())) throw bad('Invalid base64 in authentication');
  return Buffer.from(line.trim(), 'base64').toString('utf8');
}

async function ask(ctx: CommandContext, prompt: string): Promise<string> {
  await ctx.continuation(prompt);
  return decode(await ctx.readLine());
}

export const authenticate: CommandHandler = {
  states: ['not-authenticated'],
  async run(ctx) {
    if (!ctx.secure) throw no('PRIVACYACCT', 'Use STARTTLS or port 993 first: passwords are not accepted over an unencrypted connection');
    const mechanism = atomText(ctx.command.args[0])?.toUpperCase();
    const initial = atomText(ctx.command.args[1]);
    let user: string;
    let password: string;
    if (mechanism === 'PLAIN') {
      const message = initial !== undefined ? (initial === '=' ? '' : decode(initial)) : await ask(ctx, '');
      const parts = message.split('\u0000');
      if (parts.length !== 3) throw bad('Malformed PLAIN response');
      const [authzid, authcid, secret] = parts as [string, string, string];
      if (authzid && authzid.toLowerCase() !== authcid.toLowerCase()) throw no('AUTHORIZATIONFAILED', 'Logging in as another user is not allowed');
      user = authcid;
      password = secret;
    } else if (mechanism === 'LOGIN') {
      user = initial !== undefined ? decode(initial) : await ask(ctx, Buffer.from('Username:').toString('base64'));
      password = await ask(ctx, Buffer.from('Password:').toString('base64'));
    } else {
      throw no('CANNOT', 'Unsupported authentication mechanism (use PLAIN or LOGIN)');
    }
    const session = await ctx.notAuthenticated.login(user, password, { ip: ctx.remoteAddress, client: ctx.clientId });
    await ctx.setAuthenticated(session);
    ctx.okText = `[CAPABILITY ${ctx.capabilities().join(' ')}] Logged in`;
  },
};
