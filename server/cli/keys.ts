/**
 * `govmail keys init --file <path>`, `govmail keys rotate`, `govmail keys migrate`, `govmail keys status`:
 * the keyring of the blob store's encryption at rest (see storage/blob-keyring.ts). `rotate`
 * adds a key, makes it current (old keys stay to read old blobs) and re-encrypts every blob
 * under it; `migrate` encrypts the plaintext blobs of a data directory from before encryption.
 * Restart running servers after `rotate` so they write under the new key (what they write
 * meanwhile under the old key stays readable and is picked up by the next `migrate`). Audited.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { assertOutside, BlobKeyring, writeKeyringFile } from '../storage/blob-keyring.js';
import { CLI_ACTOR, configFrom, withServices, type GlobalOptions } from './context.js';
import type { Services } from '../services.js';
import { sealDkimKeys } from '../delivery/outbound/dkim.js';

type Wrap = <A extends unknown[]>(fn: (...args: A) => Promise<void>) => (...args: A) => Promise<void>;

async function reencryptAll(services: Services, action: string, details: Record<string, unknown>): Promise<void> {
  const started = Date.now();
  const result = await services.blobs.reencryptAll((seen, rewritten) => {
    if (seen % 1000 === 0) process.stderr.write(`  ${seen} blobs seen, ${rewritten} re-encrypted\n`);
  });
  await services.audit.append({ actor: CLI_ACTOR.address, action, target: 'blob-store', protocol: 'cli', details: { ...details, ...result } });
  console.log(`${result.seen} blobs seen, ${result.rewritten} re-encrypted under key ${services.blobs.keyring!.currentId} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** DKIM private keys in the database: plain PEMs from before, or under an older key, sealed under the current key. */
async function sealDkim(services: Services, action: string): Promise<void> {
  const sealed = await sealDkimKeys(services.db, services.blobs.keyring!);
  await services.audit.append({ actor: CLI_ACTOR.address, action: `${action}.dkim`, target: 'dkim_keys', protocol: 'cli', details: { sealed, key: services.blobs.keyring!.currentId } });
  console.log(`${sealed} DKIM private key(s) sealed under key ${services.blobs.keyring!.currentId}`);
}

export function registerKeysCommands(program: Command, action: Wrap, globals: () => GlobalOptions): void {
  const keys = program.command('keys').description('keys of the blob store encryption at rest (SM4-CTR + HMAC-SM3)');

  keys
    .command('init')
    .description('create a keyring file (outside the data directory); then set blobEncryption.keyFile to it and run `govmail keys migrate`')
    .requiredOption('-f, --file <path>', 'where to write the keyring (mode 0600)')
    .action(
      action(async (opts: { file: string }) => {
        const config = configFrom(globals());
        assertOutside(opts.file, config.dataDir);
        if (existsSync(opts.file)) throw new Error(`${opts.file} exists; refusing to overwrite a keyring (its keys may be needed to read blobs)`);
        await writeKeyringFile(opts.file, BlobKeyring.generate());
        console.log(`blob keyring written to ${opts.file}. Set blobEncryption.keyFile (GOVMAIL_BLOB_ENCRYPTION_KEY_FILE) to it, keep a backup apart from the data.`);
      }),
    );

  keys
    .command('rotate')
    .description('add a new data key, make it current (old keys kept), and re-encrypt every blob under it')
    .option('--no-reencrypt', 'only add the key; old blobs are re-encrypted by a later `govmail keys migrate`')
    .action(
      action(async (opts: { reencrypt: boolean }) => {
        const config = configFrom(globals());
        if (config.blobEncryption.keyring) throw new Error('the keyring comes from the environment (blobEncryption.keyring): rotate it there (add a key, set current), then run `govmail keys migrate`');
        const file = config.blobEncryption.keyFile;
        if (!file) throw new Error('no blobEncryption.keyFile configured');
        const old = BlobKeyring.parse(readFileSync(file, 'utf8'), file);
        const next = BlobKeyring.rotated(old.json);
        await writeKeyringFile(file, next);
        console.log(`new current key ${next.current} (kept: ${Object.keys(old.json.keys).join(', ')})`);
        await withServices(globals(), async (services) => {
          if (!opts.reencrypt) {
            await services.audit.append({ actor: CLI_ACTOR.address, action: 'keys.rotate', target: 'blob-store', protocol: 'cli', details: { from: old.currentId, to: next.current, reencrypted: false } });
            return;
          }
          await reencryptAll(services, 'keys.rotate', { from: old.currentId, to: next.current });
          await sealDkim(services, 'keys.rotate');
        });
      }),
    );

  keys
    .command('migrate')
    .description('encrypt the plaintext blobs (from before encryption) and those under older keys with the current key')
    .action(
      action(async () => {
        await withServices(globals(), async (services) => {
          if (!services.blobs.keyring) throw new Error('no blob keyring configured (blobEncryption.keyFile or blobEncryption.keyring)');
          await reencryptAll(services, 'keys.migrate', {});
          await sealDkim(services, 'keys.migrate');
        });
      }),
    );

  keys
    .command('status')
    .description('count blobs by the key they are under')
    .action(
      action(async () => {
        await withServices(globals(), async (services) => {
          const counts = new Map<string, number>();
          for await (const hash of services.blobs.list()) {
            const id = (await services.blobs.keyIdOf(hash)) ?? 'missing';
            counts.set(id, (counts.get(id) ?? 0) + 1);
          }
          console.log(`current key: ${services.blobs.keyring?.currentId ?? '(none: plaintext store)'}`);
          for (const [id, n] of counts) console.log(`  ${id}: ${n}`);
        });
      }),
    );
}
