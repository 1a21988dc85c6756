// Store benchmark: latency of a cache miss (authenticate with the cache off, and `findByHash`
// alone) on the memory store, PGlite, PostgreSQL and Redis, and how long a revocation on one
// keyward instance takes to reach another one sharing the store (LISTEN/NOTIFY, pub/sub).
// PostgreSQL and Redis come from DATABASE_URL / REDIS_URL (default: the local servers); a store is
// skipped, with the reason in the report, when its server is unreachable or its package is not
// built. Each run works in its own schema / key prefix and removes it. Writes the `stores` block
// of bench/RESULTS.md and the `stores` entry of bench/results.json. `--quick` for a short run.
import crypto from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';
import { createKeyward, MemoryKeyStore } from '@keyward/core';
import * as lib from './lib.mjs';
import { check, outFile, PREFIX, QUICK } from './lib.mjs';

const KEYS = QUICK ? 100 : 500;
const MISS_SAMPLES = QUICK ? 500 : 5_000;
const REVOCATIONS = QUICK ? 10 : 100;
const PROPAGATION_LIMIT_MS = 5_000;
const MISS_TARGET_MS = 2;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const pepper = crypto.randomBytes(32);
const runId = crypto.randomBytes(4).toString('hex');

/** p50 / p99 / max of latencies in ms. */
function percentiles(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

/** A store package's export if it is built, else null. */
async function load(pkg, name) {
  try {
    const mod = await import(pkg);
    return typeof mod[name] === 'function' ? mod[name] : null;
  } catch {
    return null;
  }
}

// Each backend: `open()` gives `{ stores: [a, b], cleanup }` (two store objects over separate
// clients, sharing data, as two application instances would), or throws a skip reason.
const backends = [
  {
    id: 'memory', name: 'MemoryKeyStore (in process)',
    async open() {
      const store = new MemoryKeyStore(); // pub/sub reaches subscribers of the same object
      return { stores: [store, store], note: 'both instances share one store object', floor: async () => {}, cleanup: async () => {} };
    },
  },
  {
    id: 'pglite', name: 'PGlite (embedded, in memory) via `@keyward/postgres`',
    async open() {
      const PostgresKeyStore = await load('@keyward/postgres', 'PostgresKeyStore');
      if (PostgresKeyStore === null) throw new Error('@keyward/postgres is not built');
      const { PGlite } = await import('@electric-sql/pglite');
      const db = new PGlite();
      const a = new PostgresKeyStore({ client: db });
      await a.migrate();
      const b = new PostgresKeyStore({ client: db });
      return { stores: [a, b], note: 'both instances on one PGlite database', floor: () => db.query('SELECT 1'), cleanup: async () => db.close() };
    },
  },
  {
    id: 'postgres', name: 'PostgreSQL (loopback) via `@keyward/postgres` + `pg.Pool`',
    async open() {
      const PostgresKeyStore = await load('@keyward/postgres', 'PostgresKeyStore');
      if (PostgresKeyStore === null) throw new Error('@keyward/postgres is not built');
      const { default: pg } = await import('pg');
      const schema = `kwbench_${runId}`;
      const admin = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2_000 });
      try {
        await admin.connect();
      } catch {
        throw new Error(`PostgreSQL not reachable at DATABASE_URL (${new URL(DATABASE_URL).host})`);
      }
      // The bench's own schema (created by `migrate()`), so its table and NOTIFY channel are its own.
      const pools = [0, 1].map(() => new pg.Pool({ connectionString: DATABASE_URL, max: 4 }));
      const cleanup = async () => {
        await Promise.all(pools.map((p) => p.end()));
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await admin.end();
      };
      const a = new PostgresKeyStore({ client: pools[0], schema, logger: false });
      try {
        await a.migrate();
      } catch (error) {
        await cleanup();
        throw new Error(`migrate() failed: ${error.message}`);
      }
      const b = new PostgresKeyStore({ client: pools[1], schema, logger: false });
      return { stores: [a, b], note: `two pg.Pools, schema ${schema} (dropped afterwards)`, floor: () => pools[0].query('SELECT 1'), cleanup };
    },
  },
  {
    id: 'redis', name: 'Redis (loopback) via `@keyward/redis` + ioredis',
    async open() {
      const RedisKeyStore = await load('@keyward/redis', 'RedisKeyStore');
      if (RedisKeyStore === null) throw new Error('@keyward/redis is not built');
      const { Redis } = await import('ioredis');
      const prefix = `kwbench_${runId}`;
      const client = () => new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2_000, retryStrategy: () => null });
      const clients = [client(), client()];
      try {
        await Promise.all(clients.map((c) => c.connect()));
      } catch {
        clients.forEach((c) => c.disconnect());
        throw new Error(`Redis not reachable at REDIS_URL (${new URL(REDIS_URL).host})`);
      }
      const stores = clients.map((c) => new RedisKeyStore({ client: c, prefix }));
      return {
        stores, note: `two ioredis clients, key prefix ${prefix} (its keys deleted afterwards)`, floor: () => clients[0].ping(),
        cleanup: async () => {
          let cursor = '0';
          do {
            const [next, keys] = await clients[0].scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000);
            if (keys.length > 0) await clients[0].del(...keys);
            cursor = next;
          } while (cursor !== '0');
          await Promise.all(clients.map((c) => c.quit()));
        },
      };
    },
  },
];

const keywardOn = (store, extra = {}) => createKeyward({ store, prefixes: [PREFIX], pepper, logger: false, usage: false, ...extra });

/** Latency of a cache miss: `authenticate` with the cache off, `findByHash` alone, and the client's own round trip. */
async function measureMiss(store, floor) {
  const keyward = keywardOn(store, { cache: false });
  const keys = [];
  for (let i = 0; i < KEYS; i++) {
    const created = await keyward.keys.create({ ownerId: `bench_${runId}_${i % 50}`, orgId: 'acme', nickname: `miss-${i}`, scopes: ['agents:run'], metadata: { team: 'platform' } });
    keys.push({ key: created.key, id: created.record.id });
  }
  const hashes = [];
  for (const { id } of keys) hashes.push((await store.getById(id)).hash);
  const authMs = [];
  const findMs = [];
  const floorMs = [];
  for (let i = 0; i < MISS_SAMPLES + KEYS; i++) {
    const { key } = keys[i % KEYS];
    const t0 = performance.now();
    const result = await keyward.authenticate({ 'x-api-key': key });
    const t1 = performance.now();
    check(result.ok, 'a valid key authenticates on a cache miss');
    const found = await store.findByHash(hashes[i % KEYS]);
    const t2 = performance.now();
    check(found !== null, 'findByHash finds the key');
    await floor();
    const t3 = performance.now();
    if (i >= KEYS) { // the first pass over the keys is the warm-up
      authMs.push(t1 - t0);
      findMs.push(t2 - t1);
      floorMs.push(t3 - t2);
    }
  }
  await keyward.close();
  return { authenticate: percentiles(authMs), findByHash: percentiles(findMs), roundTrip: percentiles(floorMs) };
}

/** Revoke on A, poll B (cache hits) until it refuses the key; time from the revoke call. */
async function measurePropagation([storeA, storeB]) {
  if (storeA.subscribe === undefined || storeA.publish === undefined) return { skipped: 'the store has no invalidation channel (publish/subscribe)' };
  const a = keywardOn(storeA);
  const b = keywardOn(storeB);
  await Promise.all([a.ready, b.ready]);
  const latencies = [];
  const revokeCalls = [];
  let late = 0;
  for (let i = 0; i < REVOCATIONS + 3; i++) {
    const { key, record } = await a.keys.create({ ownerId: `bench_${runId}_rev`, orgId: 'acme', nickname: `revoke-${i}`, scopes: ['agents:run'] });
    check((await b.authenticate({ 'x-api-key': key })).ok, 'B caches the key');
    check((await b.authenticate({ 'x-api-key': key })).ok, 'B serves it from cache');
    const t0 = performance.now();
    let revokedAt = 0;
    const revoked = a.keys.revoke(record.id).then(() => { revokedAt = performance.now(); });
    let result;
    for (;;) {
      result = await b.authenticate({ 'x-api-key': key });
      if (!result.ok || performance.now() - t0 > PROPAGATION_LIMIT_MS) break;
      await tick();
    }
    const t1 = performance.now();
    await revoked;
    if (result.ok) late++;
    else check(result.failure.code === 'revoked_api_key', 'B answers revoked_api_key');
    if (i >= 3) { // three warm-up revocations
      latencies.push(t1 - t0);
      revokeCalls.push(revokedAt - t0);
    }
  }
  await Promise.all([a.close(), b.close()]);
  return { propagation: percentiles(latencies), revokeCall: percentiles(revokeCalls), notPropagatedWithinLimit: late };
}

console.log(`keyward store bench: ${MISS_SAMPLES} miss samples, ${REVOCATIONS} revocations per store${QUICK ? ' (quick)' : ''}`);
const startMachine = lib.machineInfo();
const results = [];
for (const backend of backends) {
  let opened;
  try {
    opened = await backend.open();
  } catch (error) {
    console.log(`${backend.id}: skipped (${error.message})`);
    results.push({ id: backend.id, name: backend.name, skipped: error.message });
    continue;
  }
  try {
    console.log(`${backend.id}: cache-miss latency...`);
    const miss = await measureMiss(opened.stores[0], opened.floor);
    console.log(`${backend.id}: revocation propagation...`);
    const revocation = await measurePropagation(opened.stores);
    results.push({ id: backend.id, name: backend.name, note: opened.note, miss, revocation });
  } finally {
    for (const s of new Set(opened.stores)) await s.close?.();
    await opened.cleanup();
  }
}

// ---- Report ------------------------------------------------------------------------------------
const ms = (x) => (x >= 10 ? x.toFixed(1) : x.toFixed(3));
const mark = (ok) => (ok ? '✅' : '❌');
const targets = results.filter((r) => r.id === 'postgres' || r.id === 'redis').map((r) => ({
  id: `${r.id}-miss-p99`,
  text: `${r.id === 'postgres' ? 'PostgreSQL' : 'Redis'}: store miss p99 ≤ ${MISS_TARGET_MS} ms (loopback)`,
  met: r.skipped === undefined ? r.miss.authenticate.p99 <= MISS_TARGET_MS : null,
  measured: r.skipped === undefined ? `${ms(r.miss.authenticate.p99)} ms (authenticate, cache off); findByHash alone ${ms(r.miss.findByHash.p99)} ms` : `not measured: ${r.skipped}`,
}));
const missRows = results.map((r) => r.skipped !== undefined
  ? [r.name, `skipped: ${r.skipped}`, '', '', '', '']
  : [r.name, ms(r.miss.authenticate.p50), ms(r.miss.authenticate.p99), ms(r.miss.findByHash.p50), ms(r.miss.findByHash.p99), r.id === 'memory' ? '—' : `${ms(r.miss.roundTrip.p50)} / ${ms(r.miss.roundTrip.p99)}`]);
const revRows = results.map((r) => {
  if (r.skipped !== undefined) return [r.name, `skipped: ${r.skipped}`, '', '', '', ''];
  const v = r.revocation;
  if (v.skipped !== undefined) return [r.name, `skipped: ${v.skipped}`, '', '', '', ''];
  return [r.name, ms(v.propagation.p50), ms(v.propagation.p99), ms(v.propagation.max), ms(v.revokeCall.p50), `${v.notPropagatedWithinLimit} of ${v.propagation.n}`];
});
const machine = lib.machineInfo();
const date = new Date().toISOString();
const md = `## Stores (\`bench/stores.mjs\`)

- Date: ${date}
- Machine: ${machine.cpu}, ${machine.cores} cores; Node ${machine.node}${QUICK ? ' (**quick run**)' : ''}
- Before the run: ${lib.fmtLoad(startMachine)}; after: ${lib.fmtLoad(machine)}

### Targets

${lib.table(['target', 'met?', 'measured'], targets.map((t) => [t.text, t.met === null ? '— (not measured)' : mark(t.met), t.measured]))}

### Cache-miss latency (${MISS_SAMPLES.toLocaleString('en-US')} samples per store, ms)

${lib.table(['store', 'authenticate p50', 'authenticate p99', '`findByHash` p50', '`findByHash` p99', 'client round trip p50 / p99 (`SELECT 1`, `PING`)'], missRows)}

### Revocation propagation between two instances (${REVOCATIONS} revocations per store, ms)

${lib.table(['store', 'p50', 'p99', 'max', '`revoke()` call p50', `not seen within ${PROPAGATION_LIMIT_MS / 1000} s`], revRows)}

### How measured

Cache miss: a keyward with \`cache: false\` (so every call hashes the key and asks the store) over ${KEYS} keys created through \`keys.create\`; each sample is one awaited \`authenticate\` with a valid key, followed by one \`findByHash\` of a known hash on the same store and one bare round trip of the same client (\`SELECT 1\` on PostgreSQL and PGlite, \`PING\` on Redis: the floor set by the server, the driver and this machine); one pass over the keys is a warm-up. Sequential calls, so this is latency, not throughput. PostgreSQL and Redis are the local servers (\`DATABASE_URL\`, \`REDIS_URL\`), over loopback TCP; PGlite is embedded and in memory. A run uses its own schema (PostgreSQL) or key prefix (Redis) and removes it.

Revocation: two keyward instances A and B in this process, each on its own store object and client (its own pool / connection), sharing the data. Per revocation: a key is created on A and authenticated twice on B (cached there, default 30 s TTL), then \`A.keys.revoke(id)\` is called and B authenticates the key in a loop (one attempt per event-loop turn) until it is refused with \`revoked_api_key\`; the time from the revoke call to that refusal is the propagation latency (it includes the revoke's own store write, shown apart as "\`revoke()\` call"). Three warm-up revocations are not counted. Without an invalidation channel B would keep accepting the key until its cache TTL ends.
`;
lib.writeMarkdownSection(outFile('RESULTS.md'), 'stores', 'keyward benchmarks', md);
lib.writeJsonSection(outFile('results.json'), 'stores', { date, machine, quick: QUICK, missSamples: MISS_SAMPLES, revocations: REVOCATIONS, targets, stores: results });
for (const t of targets) console.log(`${t.met === null ? '—' : mark(t.met)} ${t.text}: ${t.measured}`);
console.log('wrote bench/RESULTS.md and bench/results.json');
