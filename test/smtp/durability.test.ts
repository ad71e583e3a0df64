/**
 * A `250` is a promise (RFC 5321 §6.1: once the server has accepted a message it must not lose
 * it): govmail runs in its own process, several clients send at once, and the moment the first
 * `250` arrives (second round: the 10th) the process is killed with SIGKILL — no shutdown code
 * runs. Started again on the same data directory, every acknowledged message is in the
 * database, complete: its row, its blob row, and a blob file whose SHA-256 is the recorded hash
 * and whose length is the size.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config/load.js';
import { createServices } from '../../server/services.js';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { makeTempDir, rfc5322 } from '../helpers/temp-services.js';
import { inboxOf, integrityProblems, startGovmailChild, testConfigOverrides, type ChildGovmail } from '../helpers/start-govmail.js';

const TO = 'lina@haining.gov.cn';
/** Round 1 kills at the first 250; round 2 lets some mail through first, with more in flight. */
const KILL_AFTER = [1, 10];
const CONNECTIONS = 4;
const dataDir = makeTempDir('govmail-crash-');
let current: ChildGovmail | null = null;

afterAll(async () => {
  await current?.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Sends from several connections until the `killAfter`-th 250, then SIGKILLs the server at once. */
async function sendThenKill(child: ChildGovmail, round: number, killAfter: number): Promise<string[]> {
  const acked: string[] = [];
  let killed = false;
  const body = 'x'.repeat(70) + '\r\n';
  const worker = async (w: number) => {
    let wire: SmtpWire;
    try {
      wire = await SmtpWire.connect(child.ports.smtp);
      await wire.ehlo();
    } catch {
      return;
    }
    for (let i = 0; !killed; i++) {
      const subject = `round ${round} worker ${w} message ${i}`;
      try {
        const reply = await wire.sendMail({ from: 'sender@example.com', to: [TO] }, rfc5322({ to: TO, subject, body: body.repeat(50 + 20 * w) }));
        if (reply.code !== 250) throw new Error(`unexpected reply ${reply.code} ${reply.text}`);
        // Every 250 that reached us was sent before the process died, so it counts.
        acked.push(subject);
        if (!killed && acked.length >= killAfter) {
          killed = true;
          child.child.kill('SIGKILL');
        }
      } catch (err) {
        if (!killed) throw err;
        break;
      }
    }
    wire.destroy();
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
  await child.kill('SIGKILL');
  return acked;
}

// The rounds share one data directory and run in order; each is its own test so that a slow
// machine (child start-up is most of the time) gets a full test timeout per restart.
describe('durability across SIGKILL', () => {
  const acked: string[] = [];

  for (const [round, killAfter] of KILL_AFTER.entries()) {
    it(`round ${round + 1}: SIGKILL the moment the ${killAfter === 1 ? 'first' : `${killAfter}th`} 250 arrives`, async () => {
      current = await startGovmailChild({ dataDir });
      const got = await sendThenKill(current, round, killAfter);
      expect(current.child.signalCode).toBe('SIGKILL');
      expect(got.length).toBeGreaterThanOrEqual(killAfter);
      acked.push(...got);
      current = null;
    });
  }

  it('started again on the same data, it takes mail and stops cleanly', async () => {
    current = await startGovmailChild({ dataDir });
    const wire = await SmtpWire.connect(current.ports.smtp);
    await wire.ehlo();
    const after = await wire.sendMail({ from: 'sender@example.com', to: [TO] }, rfc5322({ to: TO, subject: 'after the crashes' }));
    expect(after.code).toBe(250);
    await wire.quit();
    await current.kill('SIGTERM');
    expect(current.child.exitCode).toBe(0);
    current = null;
  });

  it('every message acknowledged with 250 is there, complete', async () => {
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER.reduce((a, b) => a + b, 0));
    const services = await createServices(loadConfig({ overrides: testConfigOverrides(dataDir), env: {} }));
    try {
      const rows = await inboxOf(services, TO);
      const subjects = new Set(rows.map((r) => r.subject));
      for (const subject of acked) expect(subjects.has(subject), `acknowledged but missing: ${subject}`).toBe(true);
      expect(subjects.has('after the crashes')).toBe(true);
      // UIDs strictly ascending, never reused across the crashes (RFC 3501 §2.3.1.1).
      const uids = rows.map((r) => r.uid);
      expect(uids).toEqual([...uids].sort((a, b) => a - b));
      expect(new Set(uids).size).toBe(uids.length);
      // Rows present ⇒ blob row and file present, hash and length right.
      expect(await integrityProblems(services)).toEqual([]);
    } finally {
      await services.close();
    }
  });
});
