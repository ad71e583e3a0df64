/**
 * Entry point for a govmail running in its own process (tests that SIGKILL the server).
 * Reads a ChildRequest as JSON from GOVMAIL_CHILD_CONFIG (or the first argument), starts
 * govmail, creates the requested people that do not exist yet, and prints one line
 * `READY {"smtp":…,"submission":…,"submissions":…}` on stdout. SIGTERM/SIGINT stop it cleanly.
 *
 * Run: node --import tsx test/helpers/govmail-child.ts '{"overrides":{…}}'
 */
import { loadConfig } from '../../server/config/load.js';
import { startGovmail } from '../../server/main.js';
import type { ChildRequest } from './start-govmail.js';
import { seedPerson } from './temp-services.js';

const json = process.env.GOVMAIL_CHILD_CONFIG ?? process.argv[2];
if (!json) {
  process.stderr.write('govmail-child: pass a JSON request in GOVMAIL_CHILD_CONFIG or as the first argument\n');
  process.exit(2);
}
const request = JSON.parse(json) as ChildRequest;
const config = loadConfig({ overrides: request.overrides, env: {} });
const running = await startGovmail(config);

for (const person of request.people ?? []) {
  const exists = await running.services.db.selectFrom('accounts').select('id').where('address', '=', person.address.toLowerCase()).executeTakeFirst();
  if (!exists) await seedPerson(running.services, person);
}

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  running.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`govmail-child: stop failed: ${String(err)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);

process.stdout.write(`READY ${JSON.stringify(running.ports)}\n`);
