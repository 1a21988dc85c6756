// One application instance of the fan-out run (bench/scale-fanout.mjs), in its own process:
// `node bench/scale-instance.mjs <postgres|redis> <table-or-prefix> <keys>`, with an IPC channel.
// It reaches the server through a TCP proxy of its own (createTcpProxy), so that its connections
// can be cut without touching the server; caches every key, then reports over IPC, per
// invalidation event, when keyward's handler for it returned (the cache entry is gone) and when
// `authenticate` next answered for that key; per `cut`, when the store's `reset` arrived after its
// connections were dropped.
import { createKeyward } from '@keyward/core';
import { createTcpProxy } from '@keyward/core/testing';
import { PostgresKeyStore } from '@keyward/postgres';
import { RedisKeyStore } from '@keyward/redis';
import { PREFIX } from './lib.mjs';
import { DATABASE_URL, deriveKeys, idOf, PEPPER, pgPool, REDIS_URL, redisClient, wallMs } from './scale-lib.mjs';

const [storeId, name, count] = process.argv.slice(2);
const keys = deriveKeys(Number(count), `${process.env.SCALE_SEED}:fan`);
const indexOf = new Map(Array.from({ length: keys.count }, (_, i) => [idOf(i), i]));
const target = new URL(storeId === 'postgres' ? DATABASE_URL : REDIS_URL);
const proxy = await createTcpProxy({ host: target.hostname, port: Number(target.port || (storeId === 'postgres' ? 5432 : 6379)) });
const via = new URL(target);
via.hostname = proxy.host;
via.port = String(proxy.port);

let client;
let inner;
if (storeId === 'postgres') {
  client = await pgPool({ connectionString: via.href, max: 4 });
  inner = new PostgresKeyStore({ client, table: name, logger: false });
} else {
  client = await redisClient({}, via.href);
  inner = new RedisKeyStore({ client, prefix: name, logger: false });
}

let cutAt = null;
/** keyward's own handler runs first; the time is taken when it returned. */
const store = Object.create(null);
for (const m of ['findByHash', 'getById', 'insert', 'listByOwner', 'listByOrg', 'revoke', 'rotate', 'update', 'touchLastUsed', 'publish', 'close']) {
  if (typeof inner[m] === 'function') store[m] = inner[m].bind(inner);
}
store.subscribe = (onEvent) => inner.subscribe((event) => {
  onEvent(event);
  const droppedAt = wallMs();
  if (event.type === 'reset') {
    if (cutAt !== null) void afterReset(droppedAt);
  } else if (event.type === 'revoked') void afterRevoked(event.keyId, droppedAt);
});
const keyward = createKeyward({ store, prefixes: [PREFIX], pepper: PEPPER, logger: false, usage: false, cache: { max: 10_000, ttlMs: 10 * 60_000 } });
await keyward.ready;
for (let i = 0; i < keys.count; i++) {
  const answer = await keyward.authenticate({ 'x-api-key': keys.key(i) });
  if (!answer.ok) throw new Error(`instance could not cache key ${i}: ${answer.failure.code}`);
}

async function afterRevoked(keyId, droppedAt) {
  const i = indexOf.get(keyId);
  if (i === undefined) return;
  const answer = await keyward.authenticate({ 'x-api-key': keys.key(i) });
  process.send({ type: 'dropped', keyId, droppedAt, answeredAt: wallMs(), code: answer.ok ? 'ok' : answer.failure.code });
}

async function afterReset(droppedAt) {
  const at = cutAt;
  cutAt = null;
  // The last key is never revoked: after the reset it must authenticate again (a store lookup).
  const answer = await keyward.authenticate({ 'x-api-key': keys.key(keys.count - 1) });
  process.send({ type: 'reset', cutAt: at, droppedAt, answeredAt: wallMs(), code: answer.ok ? 'ok' : answer.failure.code });
}

process.on('message', async (m) => {
  if (m.type === 'revoke') {
    const t0 = wallMs();
    const revoked = await keyward.keys.revoke(m.id);
    process.send({ type: 'revoked', id: m.id, t0, t1: wallMs(), ok: revoked !== undefined });
  } else if (m.type === 'cut') {
    cutAt = wallMs();
    proxy.dropConnections();
  } else if (m.type === 'stop') {
    await keyward.close();
    await inner.close?.();
    if (storeId === 'postgres') await client.end();
    else client.disconnect();
    await proxy.close();
    process.disconnect();
  }
});
process.send({ type: 'ready' });
