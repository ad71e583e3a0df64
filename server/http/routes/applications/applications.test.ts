/**
 * The public application (SPEC Art. 2.1–2.2): no sign-in, the document's type checked by its
 * content (a renamed file is refused), size-capped, stored outside the web root; the tracking
 * code looks the application up; rate-limited per address.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apply, createOnboardingFixture, PNG, type OnboardingFixture } from '../../test-onboarding.js';

let f: OnboardingFixture;
beforeEach(async () => {
  f = await createOnboardingFixture();
});
afterEach(async () => {
  await f.t.close();
});

describe('POST /api/applications', () => {
  it('files an application without a session and answers a tracking code', async () => {
    const response = await apply(f.t, { unitId: f.units.a1 });
    expect(response.statusCode).toBe(201);
    const { trackingCode } = response.json();
    expect(trackingCode).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    const row = await f.t.services.db.selectFrom('account_applications').selectAll().where('tracking_code', '=', trackingCode).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'applied', display_name: '张伟', unit_id: f.units.a1, document_type: 'application/pdf', document_name: '工作证.pdf' });
    // Stored under the data directory, not the web root, under a name of our own.
    const stored = readdirSync(path.join(f.t.dataDir, 'applications'));
    expect(stored).toEqual([row.document_file]);
    const history = await f.t.services.lifecycle.applicationHistory(row.id);
    expect(history.map((h) => [h.action, h.to_state])).toEqual([['apply', 'applied']]);
  });

  it('accepts a PNG by its content whatever its name', async () => {
    const response = await apply(f.t, { unitId: f.units.a, document: { content: PNG, filename: 'scan.bin', type: 'application/octet-stream' } });
    expect(response.statusCode).toBe(201);
  });

  it('refuses a file that is not PDF/JPG/PNG by content, even named .pdf (415)', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const response = await apply(f.t, { unitId: f.units.a, document: { content: html, filename: '工作证.pdf', type: 'application/pdf' } });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.issues[0].path).toBe('document');
    expect(await f.t.services.db.selectFrom('account_applications').select('id').execute()).toHaveLength(0);
  });

  it('refuses a document over 5 MB (413)', async () => {
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(5 * 1024 * 1024 + 10, 0x20)]);
    const response = await apply(f.t, { unitId: f.units.a, document: { content: big, filename: 'big.pdf', type: 'application/pdf' } });
    expect(response.statusCode).toBe(413);
  });

  it('refuses without the document, without acceptance, with a bad mobile or an unknown unit', async () => {
    expect((await apply(f.t, { unitId: f.units.a, document: null })).statusCode).toBe(400);
    expect((await apply(f.t, { unitId: f.units.a, acceptRegulation: 'false' })).statusCode).toBe(400);
    expect((await apply(f.t, { unitId: f.units.a, regulationVersion: '2000-01-01' })).statusCode).toBe(400);
    const badMobile = await apply(f.t, { unitId: f.units.a, mobile: '12345' });
    expect(badMobile.statusCode).toBe(400);
    expect(badMobile.json().error.issues.map((i: { path: string }) => i.path)).toContain('mobile');
    expect((await apply(f.t, { unitId: 99999 })).statusCode).toBe(400);
  });

  it('is rate-limited per address', async () => {
    const limit = f.t.services.config.onboarding.applicationsPerHour;
    for (let i = 0; i < limit; i++) expect((await apply(f.t, { unitId: f.units.a }, '203.0.113.9')).statusCode).toBe(201);
    const over = await apply(f.t, { unitId: f.units.a }, '203.0.113.9');
    expect(over.statusCode).toBe(429);
    expect((await apply(f.t, { unitId: f.units.a }, '203.0.113.10')).statusCode).toBe(201);
  });
});

describe('GET /api/applications/status', () => {
  it('shows the state by tracking code, and the address once allocated', async () => {
    const { trackingCode } = (await apply(f.t, { unitId: f.units.a1 })).json();
    const status = await f.t.app.inject({ method: 'GET', url: `/api/applications/status?code=${trackingCode.toLowerCase()}` });
    expect(status.statusCode).toBe(200);
    expect(status.json()).toMatchObject({ trackingCode, state: 'applied', unitName: '预算科', address: null, rejectReason: null });
  });

  it('answers 404 for an unknown or malformed code', async () => {
    expect((await f.t.app.inject({ method: 'GET', url: '/api/applications/status?code=AAAA-BBBB-CCCC' })).statusCode).toBe(404);
    expect((await f.t.app.inject({ method: 'GET', url: '/api/applications/status?code=x' })).statusCode).toBe(404);
  });

  it('lists units publicly for the form', async () => {
    const units = (await f.t.app.inject({ method: 'GET', url: '/api/public/units' })).json();
    expect(units).toEqual(expect.arrayContaining([{ id: f.units.a1, name: '预算科', parentId: f.units.a }]));
  });
});
