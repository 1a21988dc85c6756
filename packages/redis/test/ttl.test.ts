import { afterAll, describe, expect, it } from 'vitest';
import { createTestRecord } from '@keyward/core/testing';
import { RedisKeyStore } from '@keyward/redis';
import { createClient, createTestKeyward, deleteKeys, randomPrefix, reachable } from './redis-env.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe.skipIf(!reachable)('Redis TTL of keys with an expiry', () => {
  const prefix = randomPrefix();
  const client = createClient();
  const store = new RedisKeyStore({ client, prefix });
  const names = (record: { id: string; hash: string }) => [`{${prefix}}:h:${record.hash}`, `{${prefix}}:id:${record.id}`];
  /** PTTL of the record and its id pointer, and the TTL they should have (expiresAt + 24 h - now). */
  const ttls = async (record: { id: string; hash: string }) => Promise.all(names(record).map((name) => client.pttl(name)));

  afterAll(async () => {
    await store.close();
    await deleteKeys(client, prefix);
    client.disconnect();
  });

  it('sets PEXPIREAT at expiresAt + 24 h on the record and its id pointer, none without expiry', async () => {
    const keyward = createTestKeyward(store);
    const expiresAt = new Date(Date.now() + HOUR);
    const { record } = await keyward.keys.create({ ownerId: 'user_ttl', orgId: null, nickname: 'expiring', expiresAt });
    const { record: forever } = await keyward.keys.create({ ownerId: 'user_ttl', orgId: null, nickname: 'forever' });
    const stored = (await store.getById(record.id))!;
    const expected = expiresAt.getTime() + DAY - Date.now();
    for (const ttl of await ttls(stored)) {
      expect(ttl).toBeGreaterThan(0);
      expect(Math.abs(ttl - expected)).toBeLessThan(5_000);
    }
    expect(await ttls((await store.getById(forever.id))!)).toEqual([-1, -1]);
    await keyward.close();
  });

  it('moves the TTL as rotate changes expiresAt, and keeps it on revoke', async () => {
    const record = createTestRecord({ createdAt: new Date(), expiresAt: new Date(Date.now() + HOUR) });
    expect(await store.insert(record)).toEqual({ ok: true });
    const next = createTestRecord({ ownerId: record.ownerId, createdAt: new Date() });
    expect(await store.rotate(record.id, next, new Date(Date.now() + 60_000))).toEqual({ ok: true });
    for (const ttl of await ttls(record)) expect(Math.abs(ttl - (60_000 + DAY))).toBeLessThan(5_000);
    expect(await ttls(next)).toEqual([-1, -1]);
    expect((await store.revoke(record.id, new Date())).ok).toBe(true);
    for (const ttl of await ttls(record)) expect(Math.abs(ttl - (60_000 + DAY))).toBeLessThan(5_000);
  });

  it('moves the TTL as update changes expiresAt, and removes it for no expiry', async () => {
    const record = createTestRecord({ createdAt: new Date(), expiresAt: new Date(Date.now() + HOUR) });
    expect(await store.insert(record)).toEqual({ ok: true });
    expect((await store.update(record.id, { expiresAt: new Date(Date.now() + 2 * HOUR) }, new Date())).ok).toBe(true);
    for (const ttl of await ttls(record)) expect(Math.abs(ttl - (2 * HOUR + DAY))).toBeLessThan(5_000);
    expect((await store.update(record.id, { scopes: [] }, new Date())).ok).toBe(true);
    for (const ttl of await ttls(record)) expect(Math.abs(ttl - (2 * HOUR + DAY))).toBeLessThan(5_000);
    expect((await store.update(record.id, { expiresAt: null }, new Date())).ok).toBe(true);
    expect(await ttls(record)).toEqual([-1, -1]);
    expect((await store.update(record.id, { expiresAt: new Date(Date.now() + HOUR) }, new Date())).ok).toBe(true);
    for (const ttl of await ttls(record)) expect(Math.abs(ttl - (HOUR + DAY))).toBeLessThan(5_000);
  });

  it('answers expired_api_key during the retention, invalid_api_key once Redis evicted the key', async () => {
    const owner = 'user_evicted';
    // A clock two hours behind lets the key manager mint keys that expired an hour ago.
    const past = () => Date.now() - 2 * HOUR;
    const expiresAt = new Date(Date.now() - HOUR);
    const evicting = new RedisKeyStore({ client, prefix, retainExpiredMs: 0 });
    const [minter, verifier, evictingMinter, evictingVerifier] = [
      createTestKeyward(store, { now: past }), createTestKeyward(store), createTestKeyward(evicting, { now: past }), createTestKeyward(evicting),
    ];
    try {
      const retained = await minter.keys.create({ ownerId: owner, orgId: null, nickname: 'kept', expiresAt });
      const result = await verifier.authenticate({ 'x-api-key': retained.key });
      expect(!result.ok && result.failure.code).toBe('expired_api_key');

      const evicted = await evictingMinter.keys.create({ ownerId: owner, orgId: 'org_evicted', nickname: 'gone', expiresAt });
      const gone = await evictingVerifier.authenticate({ 'x-api-key': evicted.key });
      expect(!gone.ok && gone.failure.code).toBe('invalid_api_key');
      expect(await client.zcard(`{${prefix}}:live:${owner}`)).toBe(2);
      const page = await evicting.listByOwner(owner, { now: new Date(past() - HOUR), limit: 100 });
      expect(page.records.map((r) => r.id)).toEqual([retained.record.id]);
      expect(await client.zcard(`{${prefix}}:live:${owner}`)).toBe(1); // the evicted key's entry was dropped
      // Its organization's entry too, by the first listByOrg that passes it.
      expect(await client.zcard(`{${prefix}}:org:org_evicted`)).toBe(1);
      expect((await evicting.listByOrg('org_evicted', { now: new Date(past() - HOUR), limit: 100 })).records).toEqual([]);
      expect(await client.zcard(`{${prefix}}:org:org_evicted`)).toBe(0);
    } finally {
      await Promise.all([minter, verifier, evictingMinter, evictingVerifier].map((keyward) => keyward.close()));
      await evicting.close();
    }
  });
});
