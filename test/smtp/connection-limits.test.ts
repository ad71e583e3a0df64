/**
 * Connections per IP (smtp.maxConnectionsPerIp): the next connection past the limit is refused
 * with 421 4.7.0 (RFC 5321 §3.8, §4.2.2), and a refused connection does not free a slot when it
 * closes — only the connections that were let in do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpWire } from '../helpers/smtp-wire.js';
import { startTestGovmail, type TestGovmail } from '../helpers/start-govmail.js';

const LIMIT = 2;
let gm: TestGovmail;

beforeAll(async () => {
  gm = await startTestGovmail({ overrides: { smtp: { maxConnectionsPerIp: LIMIT } }, people: [] });
});

afterAll(async () => {
  await gm?.stop();
});

/** Waits until the server has seen a closed connection (onClose runs after the socket closes). */
const settle = () => new Promise((r) => setTimeout(r, 150));

async function refusedGreeting(): Promise<number> {
  const wire = await SmtpWire.connect(gm.ports.smtp);
  const code = wire.greeting.code;
  wire.destroy();
  return code;
}

describe('connections per IP', () => {
  it('refuses the connection past the limit with 421 4.7.0, however often it is retried', async () => {
    const held = [await SmtpWire.connect(gm.ports.smtp), await SmtpWire.connect(gm.ports.smtp)];
    try {
      for (const wire of held) expect(wire.greeting.code).toBe(220);
      const third = await SmtpWire.connect(gm.ports.smtp);
      expect(third.greeting.code).toBe(421);
      expect(third.greeting.enhanced).toBe('4.7.0');
      third.destroy();
      await settle();
      // Each refused connection closing must not make room for another one.
      for (let i = 0; i < 3; i++) {
        expect(await refusedGreeting()).toBe(421);
        await settle();
      }
      // Held connections still work.
      expect((await held[0]!.ehlo()).code).toBe(250);
    } finally {
      for (const wire of held) await wire.quit();
    }
  });

  it('frees a slot when a connection that was let in closes', async () => {
    await settle();
    const a = await SmtpWire.connect(gm.ports.smtp);
    const b = await SmtpWire.connect(gm.ports.smtp);
    expect([a.greeting.code, b.greeting.code]).toEqual([220, 220]);
    await a.quit();
    await settle();
    const c = await SmtpWire.connect(gm.ports.smtp);
    expect(c.greeting.code).toBe(220);
    await b.quit();
    await c.quit();
  });
});
