/**
 * `govmail dkim generate <domain> [--selector s] [--replace]` and `govmail dkim list`: DKIM keys
 * for outbound mail (RFC 6376). The key is kept in the database (every node signs with it) —
 * sealed under the blob keyring when encryption at rest is configured (dkim.ts); the
 * command prints the TXT record to publish in the domain's DNS. Audited.
 */
import type { Command } from 'commander';
import { generateDkimKey, listDkimKeys } from '../delivery/outbound/dkim.js';
import { CLI_ACTOR, withServices, type GlobalOptions } from './context.js';

type Wrap = <A extends unknown[]>(fn: (...args: A) => Promise<void>) => (...args: A) => Promise<void>;

export function registerDkimCommands(program: Command, action: Wrap, globals: () => GlobalOptions): void {
  const dkim = program.command('dkim').description('DKIM signing keys for outbound mail');

  dkim
    .command('generate <domain>')
    .description('create an RSA-2048 key for the domain, make it the active one, and print the DNS TXT record to publish')
    .option('-s, --selector <selector>', 'DKIM selector (default: outbound.dkimSelector, `govmail`)')
    .option('--replace', 'replace an existing key with the same selector')
    .action(
      action(async (domain: string, opts: { selector?: string; replace?: boolean }) => {
        await withServices(globals(), async (services) => {
          const selector = opts.selector ?? services.config.outbound.dkimSelector;
          const key = await generateDkimKey(services.db, services.clock, domain, selector, { replace: Boolean(opts.replace), keyring: services.blobs.keyring });
          await services.audit.append({ actor: CLI_ACTOR.address, action: 'dkim.generate', target: key.recordName, protocol: 'cli', details: { domain: key.domain, selector: key.selector, replaced: Boolean(opts.replace), sealed: Boolean(services.blobs.keyring) } });
          console.log(`DKIM key created for ${key.domain} (selector ${key.selector}); outbound mail is signed with it from now on.`);
          console.log('Publish this TXT record in DNS:');
          console.log('');
          console.log(`  name:  ${key.recordName}`);
          console.log(`  type:  TXT`);
          console.log(`  value: ${key.recordValue}`);
          console.log('');
          console.log('As a zone-file line:');
          console.log(key.zoneLine);
        });
      }),
    );

  dkim
    .command('list')
    .description('list DKIM keys and their DNS records')
    .action(
      action(async () => {
        await withServices(globals(), async (services) => {
          for (const key of await listDkimKeys(services.db)) console.log(`${key.active ? '*' : ' '} ${key.recordName}  ${key.recordValue}`);
        });
      }),
    );
}
