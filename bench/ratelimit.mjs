// Rate-limit benchmark: the added cost of a memory-limiter decision on the cache-hit path, the
// latency of one decision on Redis and PostgreSQL (loopback), and how many limiter round trips two
// instances make during a 10-second flood from a key that is already blocked. Writes the
// `ratelimit` block of bench/RESULTS.md and its entry of bench/results.json. `--quick` for a short run.
import crypto from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';
import { createKeyward, MemoryKeyStore, MemoryRateLimitStore } from '@keyward/core';
import * as lib from './lib.mjs';
import { check, outFile, PREFIX, QUICK } from './lib.mjs';

if (!(await lib.ensureExposeGc(import.meta.url))) process.exit();

const ROUNDS = QUICK ? 3 : 7;
const DECISION_TARGET_NS = 300;
const SAMPLES = QUICK ? 1_000 : 5_000;
const FLOOD_MS = QUICK ? 3_000 : 10_000;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = crypto.randomBytes(4).toString('hex');
const pepper = crypto.randomBytes(32);
const NEVER_BLOCKS = [{ name: 'per-second', limit: 1_000_000_000, windowSeconds: 1 }];
const keywardOn = (rateLimit, store = new MemoryKeyStore()) => createKeyward({ store, prefixes: [PREFIX], pepper, logger: false, usage: false, ...(rateLimit ? { rateLimit } : {}) });

async function principalOf(keyward, ownerId = 'bench') {
  const { key } = await keyward.keys.create({ ownerId, nickname: `k${crypto.randomBytes(4).toString('hex')}` });
  const headers = { 'x-api-key': key };
  const auth = await keyward.authenticate(headers);
  check(auth.ok, 'authenticate');
  return { headers, principal: auth.principal };
}

function percentiles(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] };
}

// ---- 1. Memory limiter on the cache-hit path ----------------------------------------------------
console.log(`keyward rate-limit bench: ${ROUNDS} rounds${QUICK ? ' (quick)' : ''}`);
const plain = keywardOn(null);
const limited = keywardOn({ store: new MemoryRateLimitStore(), limits: NEVER_BLOCKS });
const a = await principalOf(plain);
const b = await principalOf(limited);
const cases = [
  { id: 'auth', name: 'authenticate, cache hit (no limiter)', iterations: 150_000, async run(n) { for (let i = 0; i < n; i++) lib.sink.value += (await plain.authenticate(a.headers)).ok ? 1 : 0; } },
  { id: 'auth+limit', name: 'authenticate, cache hit + `limit()` on MemoryRateLimitStore', iterations: 150_000, async run(n) {
    for (let i = 0; i < n; i++) {
      const r = await limited.authenticate(b.headers);
      const l = limited.limit(r.principal); // as the adapters do: a value is used at once, only a promise is awaited
      lib.sink.value += (l instanceof Promise ? await l : l).ok ? 1 : 0;
    }
  } },
  { id: 'limit', name: '`limit()` alone on MemoryRateLimitStore (a value, no promise)', iterations: 300_000, async run(n) { for (let i = 0; i < n; i++) lib.sink.value += limited.limit(b.principal).ok ? 1 : 0; } },
];
const timings = await lib.runRounds(cases, { rounds: ROUNDS });
const by = Object.fromEntries(timings.map((t) => [t.id, t]));
const added = by['auth+limit'].median - by.auth.median;

// ---- 2. One decision on Redis and PostgreSQL ----------------------------------------------------
/** The floor: one bare round trip of the same client (PING, SELECT 1), interleaved with the decisions. */
async function decisionLatency(store, roundTrip) {
  const keyward = keywardOn({ store, limits: NEVER_BLOCKS });
  const { principal } = await principalOf(keyward);
  for (let i = 0; i < 200; i++) await keyward.limit(principal); // warm-up
  const samples = [];
  const floor = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now();
    const r = await keyward.limit(principal);
    samples.push(performance.now() - t0);
    check(r.ok, 'admitted');
    const t1 = performance.now();
    await roundTrip();
    floor.push(performance.now() - t1);
  }
  await keyward.close();
  return { ...percentiles(samples), floor: percentiles(floor) };
}

const backends = {};
let redisClients = [];
let pool = null;
try {
  const { Redis } = await import('ioredis');
  const { RedisRateLimitStore } = await import('@keyward/redis');
  redisClients = [new Redis(REDIS_URL, { maxRetriesPerRequest: 1 }), new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })];
  await redisClients[0].ping();
  backends.redis = { name: 'Redis', roundTrip: () => redisClients[0].ping(), stores: redisClients.map((client) => new RedisRateLimitStore({ client, prefix: `kwbench_${runId}` })) };
} catch (error) {
  backends.redis = { name: 'Redis', skipped: String(error.message ?? error).slice(0, 80) };
}
try {
  const pg = (await import('pg')).default;
  const { PostgresRateLimitStore } = await import('@keyward/postgres');
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
  const schema = `kwbench_${runId}`;
  const stores = [new PostgresRateLimitStore({ client: pool, schema }), new PostgresRateLimitStore({ client: pool, schema })];
  await stores[0].migrate();
  backends.postgres = { name: 'PostgreSQL', roundTrip: () => pool.query('SELECT 1'), stores, cleanup: () => pool.query(`DROP SCHEMA "${schema}" CASCADE`) };
} catch (error) {
  backends.postgres = { name: 'PostgreSQL', skipped: String(error.message ?? error).slice(0, 80) };
}
for (const [id, backend] of Object.entries(backends)) {
  if (backend.skipped) continue;
  console.log(`decision latency on ${id}...`);
  backend.latency = await decisionLatency(backend.stores[0], backend.roundTrip);
}

// ---- 3. Flood from an already-blocked key, two instances on Redis -------------------------------
async function flood(stores) {
  const counted = stores.map((store) => {
    const wrapped = { calls: 0, consume(request) { wrapped.calls++; return store.consume(request); } };
    return wrapped;
  });
  // 10 per 10 s: once blocked, one unit comes back every second (the block period).
  const rule = { name: 'flood', limit: 10, windowSeconds: 10 };
  const keys = new MemoryKeyStore(); // both instances know the key; only the counters are on Redis
  const instances = counted.map((store) => keywardOn({ store, limits: [rule] }, keys));
  const { key } = await instances[0].keys.create({ ownerId: 'flood', nickname: 'flood' });
  const principals = [];
  for (const k of instances) {
    const auth = await k.authenticate({ 'x-api-key': key });
    check(auth.ok, 'flood key authenticates on both instances');
    principals.push(auth.principal);
  }
  for (let i = 0; i < 12; i++) await instances[0].limit(principals[0]); // exhaust the bucket: blocked from the start
  for (const c of counted) c.calls = 0;
  const stats = instances.map(() => ({ requests: 0, admitted: 0 }));
  const end = performance.now() + FLOOD_MS;
  await Promise.all(instances.map(async (keyward, i) => {
    while (performance.now() < end) {
      for (let j = 0; j < 500; j++) {
        const r = await keyward.limit(principals[i]);
        stats[i].requests++;
        if (r.ok) stats[i].admitted++;
      }
      await tick(); // let the other instance and the sockets run
    }
  }));
  for (const k of instances) await k.close();
  const blockPeriods = FLOOD_MS / ((rule.windowSeconds * 1000) / rule.limit);
  return stats.map((s, i) => ({ ...s, roundTrips: counted[i].calls, blockPeriods, met: counted[i].calls <= Math.ceil(blockPeriods) + 1 }));
}
let floodResult = null;
if (!backends.redis.skipped) {
  console.log(`flood from a blocked key for ${FLOOD_MS / 1000} s, two instances on Redis...`);
  floodResult = await flood(backends.redis.stores);
}

for (const c of redisClients) {
  const keys = await c.keys(`{kwbench_${runId}}:*`).catch(() => []);
  if (keys.length > 0) await c.del(...keys);
}
for (const c of redisClients) c.disconnect();
await backends.postgres.cleanup?.();
await pool?.end();

// ---- Report ------------------------------------------------------------------------------------
const ms = (x) => x.toFixed(3);
const mark = (ok) => (ok ? '✅' : '❌');
const targets = [
  { id: 'memory-decision', text: `memory limiter decision on the cache-hit path ≤ ${DECISION_TARGET_NS} ns median (added cost)`, met: added <= DECISION_TARGET_NS, measured: `${lib.fmtNs(added)} ns added (${lib.fmtNs(by.auth.median)} → ${lib.fmtNs(by['auth+limit'].median)} ns); \`limit()\` alone ${lib.fmtNs(by.limit.median)} ns` },
  ...[['redis', 1], ['postgres', 2]].map(([id, target]) => {
    const b = backends[id];
    return { id: `${id}-decision-p99`, text: `${b.name}: decision p99 ≤ ${target} ms (loopback)`, met: b.latency ? b.latency.p99 <= target : null, measured: b.latency ? `${ms(b.latency.p99)} ms (p50 ${ms(b.latency.p50)} ms); bare round trip (${id === 'redis' ? 'PING' : 'SELECT 1'}) p99 ${ms(b.latency.floor.p99)} ms, p50 ${ms(b.latency.floor.p50)} ms` : `not measured: ${b.skipped}` };
  }),
  { id: 'flood-round-trips', text: 'flood from a blocked key: ≤ 1 limiter round trip per instance per block period', met: floodResult ? floodResult.every((f) => f.met) : null,
    measured: floodResult ? floodResult.map((f, i) => `instance ${i + 1}: ${f.roundTrips} round trips for ${f.requests.toLocaleString('en-US')} requests (${f.admitted} admitted)`).join('; ') + ` in ${FLOOD_MS / 1000} s = ${floodResult[0].blockPeriods} block periods` : 'not measured: Redis unreachable' },
];
const machine = lib.machineInfo();
const date = new Date().toISOString();
const md = `## Rate limits (\`bench/ratelimit.mjs\`)

- Date: ${date}
- Machine: ${machine.cpu}, ${machine.cores} cores; Node ${machine.node}; ${lib.fmtLoad(machine)}${QUICK ? ' (**quick run**)' : ''}

${lib.table(['target', 'met?', 'measured'], targets.map((t) => [t.text, t.met === null ? '— (not measured)' : mark(t.met), t.measured]))}

Reading: compare each decision p99 with the bare round trip's p99 on the same client, measured in the same loop: when they are alike, the tail is this machine's scheduling (a load average above the core count means other work competed), not the decision. \`limit()\` alone is the decision itself; the added cost also counts the garbage its result leaves.

How measured: (1) the core micro-benchmark's method (${ROUNDS} rounds, median ns/op): an awaited cache-hit \`authenticate\` with and without a \`limit()\` on \`MemoryRateLimitStore\` after it (one per-key limit that never refuses, headers built); (2) ${SAMPLES.toLocaleString('en-US')} sequential awaited \`keyward.limit()\` on \`RedisRateLimitStore\` / \`PostgresRateLimitStore\` (local servers over loopback TCP), one bucket per decision, each followed by one bare round trip of the same client (the floor this machine sets); (3) two keyward instances, each with its own Redis client, flood one key limited to 10 per 10 s (one unit back per second) and already exhausted, as fast as the loop goes for ${FLOOD_MS / 1000} s; round trips counted at each instance's store.
`;
lib.writeMarkdownSection(outFile('RESULTS.md'), 'ratelimit', 'keyward benchmarks', md);
lib.writeJsonSection(outFile('results.json'), 'ratelimit', { date, machine, quick: QUICK, targets, timings: timings.map(({ samples, ...t }) => t), latency: Object.fromEntries(Object.entries(backends).map(([k, v]) => [k, v.latency ?? null])), flood: floodResult });
for (const t of targets) console.log(`${t.met === null ? '—' : mark(t.met)} ${t.text}: ${t.measured}`);
