// Million-key run on one store: `node bench/scale-keys.mjs <postgres|redis>`. Seeds SCALE_KEYS keys
// straight into the store (bench/scale-seed.mjs), drives `keyward.authenticate` (core, no HTTP)
// with keys drawn from Zipf(1.1) and uniformly, with caches of 1% and 10% of the keys, then runs
// the lastUsedAt write-amplification run (bench/scale-usage.mjs) on the same data, and removes it.
// Started by bench/scale.mjs, which gives it the run's seed and where to write its result.
import { setImmediate as yieldTurn } from 'node:timers/promises';
import { createKeyward } from '@keyward/core';
import * as lib from './lib.mjs';
import { check, PREFIX, QUICK } from './lib.mjs';
import { countingStore, deriveKeys, PEPPER, percentiles, prng, report, SCALE_KEYS, uniform, zipf } from './scale-lib.mjs';
import { openPostgres, openRedis } from './scale-seed.mjs';
import { runUsage } from './scale-usage.mjs';

if (!(await lib.ensureExposeGc(import.meta.url))) process.exit();

const storeId = process.argv[2];
const WARMUP_MS = QUICK ? 1_000 : 4_000;
const MEASURE_MS = QUICK ? 2_000 : 10_000;
/** Decisions in flight: each worker awaits one `authenticate`, then yields a turn of the event loop, as a request handler would. */
const CONCURRENCY = 16;
const ZIPF_S = 1.1;
const MAX_SAMPLES = 4_000_000;

const log = (m) => console.log(`[scale-keys ${storeId}] ${m}`);
const opened = storeId === 'postgres' ? await openPostgres() : storeId === 'redis' ? await openRedis() : null;
check(opened !== null, `unknown store ${storeId}`);

const result = { store: storeId, note: opened.note, keys: SCALE_KEYS, concurrency: CONCURRENCY, warmupMs: WARMUP_MS, measureMs: MEASURE_MS };
try {
  let t = performance.now();
  const keys = deriveKeys(SCALE_KEYS);
  result.deriveSeconds = (performance.now() - t) / 1000;
  log(`derived ${SCALE_KEYS} keys in ${result.deriveSeconds.toFixed(1)} s; seeding...`);
  t = performance.now();
  await opened.seed(keys);
  result.seedSeconds = (performance.now() - t) / 1000;
  result.size = await opened.size(SCALE_KEYS);
  log(`seeded in ${result.seedSeconds.toFixed(1)} s (${Math.round(SCALE_KEYS / result.seedSeconds)} keys/s), ${Math.round(result.size.bytesPerKey)} B/key`);

  const zipfDist = zipf(SCALE_KEYS, ZIPF_S, prng(7));
  const uniformDist = uniform(SCALE_KEYS, prng(11));
  result.runs = [];
  for (const [distName, dist] of [['zipf', zipfDist], ['uniform', uniformDist]]) {
    for (const cacheMax of [SCALE_KEYS / 100, SCALE_KEYS / 10]) {
      const run = await drive(opened.store, keys, dist, cacheMax);
      result.runs.push({ dist: distName, cacheMax, idealMissRatio: 1 - dist.hotShare(cacheMax), ...run });
      log(`${distName} cache ${cacheMax}: ${Math.round(run.decisionsPerSec)}/s, p50 ${run.latency.p50.toFixed(3)} ms, p99 ${run.latency.p99.toFixed(3)} ms, hit ${(run.hitRatio * 100).toFixed(1)}%, lookups ${(run.lookupShare * 100).toFixed(2)}% of decisions`);
    }
  }
  log('lastUsedAt write amplification...');
  result.usage = await runUsage(opened.store, keys, log);
} finally {
  await opened.cleanup();
}
report(result);

/** One configuration: warm-up, then a measured window; every answer must be a success. */
async function drive(store, keys, dist, cacheMax) {
  const counted = countingStore(store);
  const heapBefore = lib.settledHeap();
  // usage: false: lastUsedAt writes have their own run (bench/scale-usage.mjs); here only lookups reach the store.
  const keyward = createKeyward({ store: counted, prefixes: [PREFIX], pepper: PEPPER, logger: false, usage: false, cache: { max: cacheMax } });
  await keyward.ready;
  // A cache as a long-running instance would have it: the `cacheMax` most popular keys first
  // (64 lookups in flight), then the warm-up under the measured load.
  const prefill = performance.now();
  for (let r = 0; r < cacheMax;) {
    const batch = [];
    for (const end = Math.min(cacheMax, r + 64); r < end; r++) batch.push(keyward.authenticate({ 'x-api-key': keys.key(dist.keyOfRank(r)) }));
    for (const answer of await Promise.all(batch)) check(answer.ok, 'pre-fill');
  }
  const prefillSeconds = (performance.now() - prefill) / 1000;
  const latency = new Float64Array(MAX_SAMPLES);
  let samples = 0;
  let decisions = 0;
  let failures = 0;
  let measuring = false;
  const started = performance.now();
  let measureStart = 0;
  let stopAt = Infinity;
  const worker = async () => {
    for (;;) {
      const now = performance.now();
      if (!measuring && now - started >= WARMUP_MS) {
        measuring = true;
        counted.reset();
        measureStart = now;
        stopAt = now + MEASURE_MS;
      }
      if (now >= stopAt) return;
      const key = keys.key(dist.next());
      const t0 = performance.now();
      const answer = await keyward.authenticate({ 'x-api-key': key });
      const t1 = performance.now();
      if (!answer.ok) failures++;
      if (measuring && t0 >= measureStart) {
        decisions++;
        if (samples < MAX_SAMPLES) latency[samples++] = t1 - t0;
      }
      await yieldTurn();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - measureStart) / 1000;
  check(failures === 0, `${failures} decisions were not a success (every key drawn is a seeded, valid key)`);
  const calls = { ...counted.calls };
  const roundTrips = Object.values(calls).reduce((a, b) => a + b, 0);
  const heapWithCache = lib.settledHeap();
  await keyward.close();
  return {
    prefillSeconds, decisions, seconds, decisionsPerSec: decisions / seconds, latency: percentiles(latency, samples),
    lookups: calls.findByHash, hitRatio: 1 - calls.findByHash / decisions, lookupShare: calls.findByHash / decisions,
    roundTrips, roundTripsPerSec: roundTrips / seconds, roundTripShare: roundTrips / decisions, touchLastUsed: calls.touchLastUsed,
    heapUsed: heapWithCache, cacheHeap: heapWithCache - heapBefore,
  };
}
