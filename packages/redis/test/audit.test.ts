import { afterAll, describe, expect, it } from 'vitest';
import type { AuditRecord } from '@keyward/core/store';
import { RedisKeyStore } from '@keyward/redis';
import { createClient, randomPrefix, reachable } from './redis-env.js';

let n = 0;
const event = (orgId: string | null, atMs: number, overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  id: `evt_${String(++n).padStart(6, '0')}`, type: 'authn_token_revoked', at: new Date(atMs), orgId, keyId: 'key_1',
  actor: 'user:owner_1', requestId: null, data: { n }, ...overrides,
});

describe.skipIf(!reachable)('RedisKeyStore audit streams', () => {
  const prefix = randomPrefix();
  const client = createClient();
  afterAll(async () => {
    // The streams this file writes, by name: no SCAN of a Redis that other runs may have filled.
    await client.del(...['org_trim', 'org_skew', '-'].map((org) => `{${prefix}}:audit:${org}`));
    client.disconnect();
  });

  it('keeps one stream per organization, trimmed to about auditMaxLength, newest events kept', async () => {
    const store = new RedisKeyStore({ client, prefix, auditMaxLength: 10, logger: false });
    const events = Array.from({ length: 600 }, (_, i) => event('org_trim', 1_000 + i));
    for (const e of events) await store.appendAudit(e);
    await store.appendAudit(event(null, 5));
    const length = await client.xlen(`{${prefix}}:audit:org_trim`);
    expect(length).toBeGreaterThanOrEqual(10);
    expect(length).toBeLessThan(600); // approximate: whole stream nodes go, so more than 10 may stay
    expect(await client.xlen(`{${prefix}}:audit:-`)).toBe(1);
    const page = await store.listAudit('org_trim', { limit: 5 });
    expect(page.records.map((r) => r.id)).toEqual(events.slice(-5).reverse().map((e) => e.id));
  });

  it('files an event appended out of time order after the newer one, keeping its own at, and pages through it', async () => {
    const store = new RedisKeyStore({ client, prefix, logger: false });
    const [late, early, last] = [event('org_skew', 2_000), event('org_skew', 1_000), event('org_skew', 3_000)];
    for (const e of [late, early, last]) await store.appendAudit(e);
    const all = await store.listAudit('org_skew', { limit: 10 });
    expect(all.records.map((r) => [r.id, r.at.getTime()])).toEqual([[last.id, 3_000], [early.id, 1_000], [late.id, 2_000]]);
    const walked: string[] = [];
    let before = null;
    for (let i = 0; i < 5; i++) {
      const page = await store.listAudit('org_skew', { limit: 1, before });
      walked.push(...page.records.map((r) => r.id));
      if (page.next === null) break;
      before = page.next;
    }
    expect(walked).toEqual([last.id, early.id, late.id]);
  });

  it('never lists the org-less events of the shared "-" stream under an organization named "-"', async () => {
    const store = new RedisKeyStore({ client, prefix, logger: false });
    const orgless = event(null, 7_000);
    const dash = event('-', 7_001);
    await store.appendAudit(orgless);
    await store.appendAudit(dash);
    expect((await store.listAudit('-', { limit: 10 })).records.map((r) => r.id)).toEqual([dash.id]);
    expect((await store.listAudit(null, { limit: 10 })).records.map((r) => r.id)).toContain(orgless.id);
    expect((await store.listAudit(null, { limit: 10 })).records.map((r) => r.id)).not.toContain(dash.id);
  });
});
