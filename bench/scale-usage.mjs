// lastUsedAt write amplification (part of bench/scale-keys.mjs): 20,000 authentications per second
// spread uniformly over 100,000 seeded keys for 30 s (`--quick`: 3 s, over the keys there are),
// with keyward's default usage batching. Counts the `touchLastUsed` calls that reach the store and
// their entries, and the lag from each use until a write covering it completed.
import { setTimeout as sleep } from 'node:timers/promises';
import { createKeyward } from '@keyward/core';
import { check, PREFIX, QUICK } from './lib.mjs';
import { countingStore, idOf, PEPPER, percentiles, prng } from './scale-lib.mjs';

const RATE = 20_000;
const SECONDS = QUICK ? 3 : 30;
const REDIS_TOUCH_CHUNK = 500; // RedisKeyStore runs one script call per 500 entries (pipelined)

/**
 * Lag of a use: from the moment `authenticate` was called with the key until the end of the first
 * `touchLastUsed` that started after it and carried the key (keyward keeps the newest use per key,
 * so that write also covers every earlier use of the key since the previous one). Uses not written
 * when the run ends are flushed by `close()` and counted with that write.
 */
export async function runUsage(store, keys, log) {
  const n = Math.min(100_000, keys.count);
  const indexOf = new Map();
  for (let i = 0; i < n; i++) indexOf.set(idOf(i), i);
  const pending = Array.from({ length: n }, () => []);
  const lags = [];
  const writes = [];
  const counted = countingStore(store, {
    onTouch: (entries, started, done) => {
      writes.push({ rows: entries.length, started, done });
      for (const use of entries.flatMap((e) => entries.covered?.get(e.id) ?? [])) lags.push(done - use);
    },
  });
  // Take the covered uses when the write starts (the recorder hands over its batch synchronously).
  const touch = counted.touchLastUsed;
  let inFlight = 0; // uses carried by writes not settled yet
  counted.touchLastUsed = (entries) => {
    entries.covered = new Map();
    for (const { id } of entries) {
      const i = indexOf.get(id);
      if (i === undefined) continue;
      entries.covered.set(id, pending[i]);
      inFlight += pending[i].length;
      pending[i] = [];
    }
    const settle = () => {
      for (const uses of entries.covered.values()) inFlight -= uses.length;
    };
    // A failed write (timed out, refused): keyward retries its entries with the next batch, which then covers these uses.
    return touch(entries).then(settle, (error) => {
      settle();
      for (const [id, uses] of entries.covered) pending[indexOf.get(id)].unshift(...uses);
      throw error;
    });
  };
  // Every key cached first (and for longer than the run), so that only lastUsedAt writes reach the store.
  const keyward = createKeyward({ store: counted, prefixes: [PREFIX], pepper: PEPPER, logger: false, cache: { max: 2 * n, ttlMs: 10 * 60_000 } });
  await keyward.ready;
  for (let next = 0; next < n;) {
    const batch = [];
    for (const end = Math.min(n, next + 64); next < end; next++) batch.push(keyward.authenticate({ 'x-api-key': keys.key(next) }));
    for (const r of await Promise.all(batch)) check(r.ok, 'warm-up authentication');
  }
  await keyward.flushUsage();
  for (let i = 0; i < n; i++) pending[i] = [];
  lags.length = 0;
  writes.length = 0;
  counted.reset();
  const random = prng(23);
  const started = performance.now();
  let issued = 0;
  const failures = new Map();
  const requests = new Set();
  while (performance.now() - started < SECONDS * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * RATE);
    for (; issued < due; issued++) {
      const i = Math.floor(random() * n);
      const at = performance.now();
      pending[i].push(at);
      const p = keyward.authenticate({ 'x-api-key': keys.key(i) }).then((r) => {
        if (!r.ok) failures.set(r.failure.code, (failures.get(r.failure.code) ?? 0) + 1);
        requests.delete(p);
      });
      requests.add(p);
    }
    await sleep(2);
  }
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(requests);
  const callsDuringRun = counted.calls.touchLastUsed;
  const failedWrites = counted.touchErrors; // timed out or refused (keyward retries their entries with the next batch)
  const rowsDuringRun = counted.touchedRows;
  await keyward.close(); // flushes what is pending
  check(failures.size === 0, `authentications failed: ${JSON.stringify([...failures])} of ${issued}`);
  // Uses whose write never succeeded, not even the one of close() (still pending, or carried by a
  // write that had not settled when close() gave up on it): reported, not hidden.
  const unwritten = pending.reduce((a, uses) => a + uses.length, 0) + inFlight;
  check(lags.length + unwritten === issued, `every use is covered by one write, pending or in flight (${lags.length} + ${unwritten} of ${issued})`);
  // Read back a sample: how many stored lastUsedAt are set (never in the future).
  const now = Date.now();
  let readBackSet = 0;
  for (let s = 0; s < 50; s++) {
    const record = await store.getById(idOf(Math.floor((s * n) / 50)));
    check(record !== null && (record.lastUsedAt === null || record.lastUsedAt.getTime() <= now + 1_000), 'stored lastUsedAt never in the future');
    if (record.lastUsedAt !== null) readBackSet++;
  }
  const rows = writes.map((w) => w.rows);
  const result = {
    keys: n, targetRate: RATE, seconds: elapsed, authPerSec: issued / elapsed, uses: issued,
    writeCalls: callsDuringRun, failedWrites, failedWritesTotal: counted.touchErrors, writeError: counted.touchError ?? null, unwritten, readBackSet, readBackOf: 50, writeCallsPerSec: callsDuringRun / elapsed, rowsPerCall: rowsDuringRun / Math.max(1, callsDuringRun),
    rowsPerSec: rowsDuringRun / elapsed, rowsPerUse: rowsDuringRun / issued, maxRowsPerCall: Math.max(0, ...rows),
    redisScriptsPerSec: writes.reduce((a, w) => a + Math.ceil(w.rows / REDIS_TOUCH_CHUNK), 0) / elapsed,
    writeMs: percentiles(writes.map((w) => w.done - w.started)),
    lagMs: percentiles(lags), documentedIntervalMs: 30_000, documentedMaxBatch: 1_000,
  };
  log(`${Math.round(result.authPerSec)} auth/s: ${result.writeCallsPerSec.toFixed(1)} touchLastUsed/s × ${Math.round(result.rowsPerCall)} rows, ${result.failedWritesTotal} failed (${result.writeError}), ${unwritten} uses never written; lag p50 ${result.lagMs.p50.toFixed(0)} ms, p99 ${result.lagMs.p99.toFixed(0)} ms, max ${result.lagMs.max.toFixed(0)} ms`);
  return result;
}
