#!/usr/bin/env node
/**
 * The `govmail` command line: serve, init, user, unit, audit. Every command that changes
 * something goes through the same domain services as the web console, and is audited.
 */
import { Command, Option } from 'commander';
import { randomPassword } from '../platform/crypto.js';
import { verifyAuditChain } from '../governance/audit/audit-log.js';
import { initialize } from '../setup/initialize.js';
import { seedDemoCity } from '../demo/seed.js';
import { ROLES, type Role } from '../storage/database.js';
import { CLI_ACTOR, describeError, fail, readStdin, withServices, type GlobalOptions } from './context.js';
import { serve } from './serve.js';
import { registerDkimCommands } from './dkim.js';
import { registerKeysCommands } from './keys.js';

const program = new Command();
program
  .name('govmail')
  .description('海宁市公务电子邮箱 — official e-mail platform: SMTP, IMAP, POP3, webmail, governance console')
  .option('-c, --config <file>', 'configuration file (default: <data dir>/govmail.config.json)')
  .option('-d, --data-dir <dir>', 'data directory (default ./data, or GOVMAIL_DATA_DIR)')
  .showHelpAfterError();

const globals = (): GlobalOptions => program.opts<GlobalOptions>();

const action =
  <A extends unknown[]>(fn: (...args: A) => Promise<void>) =>
  async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      fail(describeError(err));
    }
  };

program
  .command('serve')
  .description('start every listener (SMTP, submission, HTTP …); initialises the data directory on first run')
  .option('--demo', 'on first run, also create the demo city (units, ~30 people, a few hundred mails)')
  .action(
    action(async (opts: { demo?: boolean }) => {
      await serve({ ...globals(), demo: Boolean(opts.demo) });
    }),
  );

program
  .command('init')
  .description('create the data directory, database and first department admin (password printed once)')
  .option('--demo', 'also create the demo city')
  .action(
    action(async (opts: { demo?: boolean }) => {
      await withServices(globals(), async (services) => {
        const result = await initialize(services);
        if (result.admin) console.log(`department admin ${result.admin.address}  password: ${result.admin.password}  (shown once)`);
        else console.log('already initialised');
        if (opts.demo) {
          const seeded = await seedDemoCity(services);
          if (seeded) for (const u of seeded.demoUsers) console.log(`demo user ${u.address}  password: ${u.password}  ${u.name}${u.roles.length ? `  [${u.roles.join(", ")}]` : ""}`);
          else console.log('demo city already present');
        }
      });
    }),
  );

const user = program.command('user').description('manage accounts');

user
  .command('add <address>')
  .description('create an active account (a random password is printed unless --password-stdin)')
  .requiredOption('-n, --name <name>', 'display name, e.g. 张伟')
  .requiredOption('-u, --unit <code>', 'unit code (see `govmail unit list`)')
  .addOption(new Option('-r, --roles <roles>', `comma-separated roles: ${ROLES.join(', ')}`).default('staff'))
  .option('-t, --title <title>', 'position (职务)')
  .option('--password-stdin', 'read the password from standard input')
  .option('--quota <bytes>', 'mailbox quota in bytes')
  .action(
    action(async (address: string, opts: { name: string; unit: string; roles: string; title?: string; passwordStdin?: boolean; quota?: string }) => {
      const password = opts.passwordStdin ? await readStdin() : randomPassword(16);
      await withServices(globals(), async (services) => {
        const roles = opts.roles.split(',').map((r) => r.trim()).filter(Boolean) as Role[];
        const account = await services.directory.createAccount(
          { address, displayName: opts.name, unitCode: opts.unit, roles, title: opts.title ?? null, password, ...(opts.quota ? { quotaBytes: Number(opts.quota) } : {}) },
          CLI_ACTOR,
        );
        console.log(`created ${account.address} (${account.display_name}, ${account.pinyin})`);
        if (!opts.passwordStdin) console.log(`password: ${password}  (shown once)`);
      });
    }),
  );

user
  .command('list')
  .description('list accounts')
  .option('-u, --unit <code>', 'only this unit')
  .option('--json', 'machine-readable output')
  .action(
    action(async (opts: { unit?: string; json?: boolean }) => {
      await withServices(globals(), async (services) => {
        const accounts = await services.directory.listAccounts(opts.unit ? { unitCode: opts.unit } : {});
        const rows = accounts.map((a) => ({ address: a.address, name: a.display_name, unit: a.unit_name, roles: JSON.parse(a.roles) as string[], state: a.state, usedBytes: Number(a.used_bytes) }));
        if (opts.json) console.log(JSON.stringify(rows, null, 2));
        else for (const r of rows) console.log(`${r.address.padEnd(36)} ${r.name.padEnd(8)} ${r.state.padEnd(18)} ${r.roles.join(',').padEnd(20)} ${r.unit}`);
      });
    }),
  );

user
  .command('passwd <address>')
  .description('set a new password (random and printed once unless --password-stdin)')
  .option('--password-stdin', 'read the password from standard input')
  .action(
    action(async (address: string, opts: { passwordStdin?: boolean }) => {
      const password = opts.passwordStdin ? await readStdin() : randomPassword(16);
      await withServices(globals(), async (services) => {
        await services.directory.setPassword(address, password, CLI_ACTOR);
        console.log(`password changed for ${address.toLowerCase()}`);
        if (!opts.passwordStdin) console.log(`password: ${password}  (shown once)`);
      });
    }),
  );

user
  .command('disable <address>')
  .description('suspend an account: no sign-in anywhere, sessions ended, mail refused')
  .requiredOption('--reason <text>', 'why (recorded in the audit log)')
  .action(
    action(async (address: string, opts: { reason: string }) => {
      await withServices(globals(), async (services) => {
        await services.directory.disableAccount(address, opts.reason, CLI_ACTOR);
        console.log(`disabled ${address.toLowerCase()}`);
      });
    }),
  );

const unit = program.command('unit').description('manage the unit tree');

unit
  .command('add <code> <name>')
  .description('add a unit, e.g. `govmail unit add czj 市财政局 --parent hn`')
  .option('-p, --parent <code>', 'parent unit code')
  .option('--contact <address>', 'contact address for questions about this unit’s accounts')
  .action(
    action(async (code: string, name: string, opts: { parent?: string; contact?: string }) => {
      await withServices(globals(), async (services) => {
        const created = await services.directory.createUnit({ code, name, parentCode: opts.parent ?? null, contactAddress: opts.contact ?? null }, CLI_ACTOR);
        console.log(`created unit ${created.code} ${created.name}`);
      });
    }),
  );

unit
  .command('list')
  .description('show the unit tree')
  .action(
    action(async () => {
      await withServices(globals(), async (services) => {
        const units = await services.directory.listUnits();
        const children = new Map<number | null, typeof units>();
        for (const u of units) children.set(u.parent_id, [...(children.get(u.parent_id) ?? []), u]);
        const walk = (parent: number | null, depth: number) => {
          for (const u of children.get(parent) ?? []) {
            console.log(`${'  '.repeat(depth)}${u.code.padEnd(12 - Math.min(depth * 2, 10))} ${u.name}`);
            walk(u.id, depth + 1);
          }
        };
        walk(null, 0);
      });
    }),
  );

const audit = program.command('audit').description('the tamper-evident audit log');

audit
  .command('verify')
  .description('walk the SM3 hash chain and report the first broken link')
  .action(
    action(async () => {
      await withServices(globals(), async (services) => {
        const result = await verifyAuditChain(services.db);
        if (result.ok) {
          console.log(`audit chain intact: ${result.checked} entries verified`);
        } else {
          console.log(`audit chain BROKEN at entry ${result.firstBroken?.id}: ${result.firstBroken?.reason} (${result.checked} entries before it verified)`);
          process.exitCode = 2;
        }
      });
    }),
  );

registerDkimCommands(program, action, globals);
registerKeysCommands(program, action, globals);

await program.parseAsync(process.argv);
