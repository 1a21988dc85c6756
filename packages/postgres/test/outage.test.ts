import { createKeyward } from '@keyward/core';
import type { Keyward } from '@keyward/core';
import type { InvalidationEvent } from '@keyward/core/store';
import { createTcpProxy } from '@keyward/core/testing';
import { waitFor } from './helpers.js';
import type { TcpProxy } from '@keyward/core/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresKeyStore } from '../src/index.js';
import { createPool, DATABASE_URL, databaseReachable, dropSchema, randomSchema } from './helpers.js';
import { PEPPER } from './scenarios.js';

const reachable = await databaseReachable();
const schema = randomSchema();
const header = (key: string) => ({ 'x-api-key': key });

describe.skipIf(!reachable)('PostgreSQL outage through a TCP proxy (DATABASE_URL)', () => {
  let proxy: TcpProxy;
  /** The pool behind the proxy, and a direct one standing for another server instance. */
  let proxied: pg.Pool;
  let direct: pg.Pool;
  let store: PostgresKeyStore;
  let other: PostgresKeyStore;
  let keyward: Keyward;
  let peer: Keyward;
  const warnings: string[] = [];

  beforeAll(async () => {
    const url = new URL(DATABASE_URL);
    proxy = await createTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = proxy.host;
    url.port = String(proxy.port);
    proxied = createPool({ connectionString: url.toString(), connectionTimeoutMillis: 500, max: 4 });
    direct = createPool();
    store = new PostgresKeyStore({ client: proxied, schema, reconnectDelayMs: 20, maxReconnectDelayMs: 200, logger: { warn: (m) => warnings.push(m) } });
    other = new PostgresKeyStore({ client: direct, schema });
    await store.migrate();
    const options = { prefixes: ['eck_test_'], pepper: PEPPER, cache: { ttlMs: 60_000 }, usage: false, logger: false, storeTimeoutMs: 1_000 } as const;
    keyward = createKeyward({ store, ...options });
    peer = createKeyward({ store: other, ...options });
    await Promise.all([keyward.ready, peer.ready]);
  }, 30_000);

  afterAll(async () => {
    await keyward?.close();
    await peer?.close();
    await store?.close();
    await other?.close();
    await proxy?.close();
    await proxied?.end();
    if (direct !== undefined) {
      await dropSchema(direct, schema);
      await direct.end();
    }
  });

  /** Resolves once the proxied store's LISTEN receives events published by the other store again. */
  async function listenRecovered(): Promise<void> {
    const seen: InvalidationEvent[] = [];
    const stop = await store.subscribe((event) => void (event.keyId === 'key_probe' && seen.push(event)));
    try {
      await waitFor(async () => {
        await other.publish({ type: 'updated', keyId: 'key_probe' });
        return seen.length > 0;
      }, 5_000);
    } finally {
      await stop();
    }
  }

  it('answers 503 with Retry-After while the server is down, then works again with the same pool and store', async () => {
    const { key } = await peer.keys.create({ ownerId: 'user_outage', orgId: 'acme', nickname: 'uncached', scopes: ['agents:run'] });
    await proxy.stop();
    try {
      const down = await keyward.authenticate(header(key));
      expect(down.ok).toBe(false);
      if (down.ok) return;
      expect(down.failure.code).toBe('auth_unavailable');
      const response = keyward.respond(down.failure);
      expect(response.status).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      await expect(store.findByHash('0'.repeat(64))).rejects.toThrow(/PostgresKeyStore\.findByHash failed/);
    } finally {
      await proxy.start();
    }
    const back = await keyward.authenticate(header(key));
    expect(back.ok && back.principal.nickname).toBe('uncached');
    await listenRecovered();
  }, 20_000);

  it('re-establishes LISTEN after the connections are cut, so revocations reach this instance again', async () => {
    const { key, record } = await peer.keys.create({ ownerId: 'user_outage', orgId: 'acme', nickname: 'cached', scopes: ['agents:run'] });
    expect((await keyward.authenticate(header(key))).ok).toBe(true); // now cached for 60 s
    const lostBefore = warnings.filter((m) => m.includes('LISTEN connection lost')).length;
    proxy.dropConnections();
    await waitFor(() => warnings.filter((m) => m.includes('LISTEN connection lost')).length > lostBefore);
    await listenRecovered();
    await peer.keys.revoke(record.id);
    await waitFor(async () => {
      const result = await keyward.authenticate(header(key));
      return !result.ok && result.failure.code === 'revoked_api_key';
    }, 1_000);
    expect(warnings.join('\n')).not.toMatch(/[0-9a-f]{64}/);
  }, 20_000);

  it('calls onGap exactly once when LISTEN is back, and an event published from within onGap is delivered', async () => {
    const seen: InvalidationEvent[] = [];
    let gaps = 0;
    let published: Promise<void> | undefined;
    const stop = await store.subscribe(
      (event) => void (event.keyId === 'key_gap' && seen.push(event)),
      () => {
        gaps++;
        // Once, with no retry: LISTEN must already be active when onGap runs.
        published ??= other.publish({ type: 'revoked', keyId: 'key_gap' });
      },
    );
    let leftGaps = 0;
    const stopLeft = await store.subscribe(() => undefined, () => void leftGaps++);
    await stopLeft(); // a listener that left hears of no gap
    try {
      proxy.dropConnections();
      await waitFor(() => gaps > 0, 5_000);
      await published;
      await waitFor(() => seen.length > 0, 1_000);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(gaps).toBe(1);
      expect(leftGaps).toBe(0);
    } finally {
      await stop();
    }
  }, 20_000);

  it('drops the cache after a gap: a key revoked through the peer while LISTEN was down is rejected once it is back', async () => {
    const { key, record } = await peer.keys.create({ ownerId: 'user_outage', orgId: 'acme', nickname: 'gap', scopes: ['agents:run'] });
    expect((await keyward.authenticate(header(key))).ok).toBe(true); // cached for 60 s
    const lostBefore = warnings.filter((m) => m.includes('LISTEN connection lost')).length;
    await proxy.stop();
    try {
      await waitFor(() => warnings.filter((m) => m.includes('LISTEN connection lost')).length > lostBefore);
      await peer.keys.revoke(record.id); // its NOTIFY never reaches this instance
    } finally {
      await proxy.start();
    }
    await waitFor(async () => {
      const result = await keyward.authenticate(header(key));
      return !result.ok && result.failure.code === 'revoked_api_key';
    }, 5_000);
  }, 20_000);
});
