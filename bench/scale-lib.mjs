// Shared pieces of the scale benchmarks (bench/scale*.mjs): deterministic keys in keyward's key
// format, the records stored for them, a Zipf sampler, a counting store wrapper, the PostgreSQL
// and Redis connections of a run, and the hand-over of results to bench/scale.mjs.
import crypto from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { PREFIX, QUICK } from './lib.mjs';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Keys seeded by the million-key run (`--quick`: 10,000). */
export const SCALE_KEYS = Number(process.env.SCALE_KEYS ?? (QUICK ? 10_000 : 1_000_000));
/** The run's pepper and key seed: given by bench/scale.mjs so that every process derives the same keys. */
export const SEED = process.env.SCALE_SEED ?? crypto.randomBytes(16).toString('hex');
export const PEPPER = crypto.createHash('sha256').update(`pepper:${SEED}`).digest();
/** Names of this run's table (PostgreSQL) and key prefix (Redis); removed at the end. */
export const RUN_ID = process.env.SCALE_RUN_ID ?? SEED.slice(0, 8);

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SECRET = 30;
const TAIL = 36; // secret + 6-character CRC32 checksum

/** base62 of a CRC32, left-padded to 6 characters (keyward's checksum). */
function checksum(body) {
  let n = crc32(body);
  let out = '';
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out.padStart(6, '0');
}

/**
 * `count` keys of keyward's format (prefix + 30 base62 + CRC32), derived from the run's seed: key
 * `i` is the same in every process. Their 36 variable characters live in one Buffer (36 bytes a
 * key, off the JS heap), so a million keys cost 36 MB of memory and no heap.
 */
export function deriveKeys(count, seed = SEED) {
  // 48 bytes of an AES-128-CTR keystream of the seed per key (fast, deterministic); bytes >= 248
  // are skipped, as keyward does, so that every base62 character is equally likely.
  const key = crypto.createHash('sha256').update(`keys:${seed}`).digest().subarray(0, 16);
  const stream = crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(count * 48));
  const tails = Buffer.allocUnsafe(count * TAIL);
  for (let i = 0; i < count; i++) {
    let secret = '';
    for (let b = i * 48; b < (i + 1) * 48 && secret.length < SECRET; b++) if (stream[b] < 248) secret += BASE62[stream[b] % 62];
    if (secret.length < SECRET) throw new Error('key derivation: too few accepted bytes'); // p ≈ 1e-13 per key
    tails.write(secret + checksum(PREFIX + secret), i * TAIL, 'latin1');
  }
  return {
    count,
    /** Key `i` as a flat string (as an HTTP parser hands it over). */
    key: (i) => PREFIX + tails.latin1Slice(i * TAIL, (i + 1) * TAIL),
  };
}

/** What keyward stores for a key: HMAC-SHA256(pepper, key) in hex, pepper id "default". */
export const hashOf = (key) => crypto.createHmac('sha256', PEPPER).update(key).digest('hex');
export const idOf = (i) => `key_${i.toString(36).padStart(24, '0')}`;
const SCOPE_SETS = [['agents:run', 'agents:read'], ['agents:run', 'triage:read', 'triage:write'], ['agents:*', 'billing:read']];
export const KEYS_PER_OWNER = 50;

/** The record of key `i` (50 keys per owner, 2–3 scopes, 3 metadata fields). */
export function recordOf(i, key, at = new Date(Date.UTC(2026, 0, 1))) {
  return {
    id: idOf(i), hash: hashOf(key), pepperId: 'default', prefix: PREFIX, start: key.slice(0, PREFIX.length + 4),
    ownerId: `user_${Math.floor(i / KEYS_PER_OWNER)}`, orgId: `org_${i % 2_000}`, nickname: `k${i}`,
    scopes: SCOPE_SETS[i % 3], metadata: { team: 'platform', tier: i % 2 ? 'standard' : 'gold', ticket: `OPS-${i}` },
    createdAt: at, updatedAt: at, expiresAt: null, revokedAt: null, lastUsedAt: null, replacedById: null,
  };
}

/** A small, seeded PRNG (mulberry32) in [0, 1): the same draws in every run with the same seed. */
export function prng(seed = 1) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws key indexes in [0, n) with Zipf(s) popularity; rank r (0 = hottest) maps to key
 * (r × 7919 + 13) mod n, so the hot keys are spread over the seeded range. `hotShare(k)` is the
 * probability mass of the k hottest keys: 1 − hotShare(cache size) is the lowest miss ratio any
 * cache of that size could reach on this distribution.
 */
export function zipf(n, s, random) {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) cdf[k] = sum += (k + 1) ** -s;
  for (let k = 0; k < n; k++) cdf[k] /= sum;
  return {
    next() {
      const u = random();
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cdf[mid] < u) lo = mid + 1;
        else hi = mid;
      }
      return (lo * 7919 + 13) % n;
    },
    keyOfRank: (r) => (r * 7919 + 13) % n,
    hotShare: (k) => (k >= n ? 1 : cdf[k - 1]),
  };
}

/** Uniform key indexes in [0, n). */
export const uniform = (n, random) => ({ next: () => Math.floor(random() * n), keyOfRank: (r) => r % n, hotShare: (k) => Math.min(1, k / n) });

/**
 * A pass-through store that counts the calls reaching `inner` per method (and the entries of
 * each `touchLastUsed`, with `onTouch(entries, startedMs, doneMs)` when given). Optional members are
 * present only when `inner` has them.
 */
export function countingStore(inner, { onTouch } = {}) {
  const calls = {};
  const store = { calls, inner, touchedRows: 0 };
  const methods = ['findByHash', 'getById', 'insert', 'listByOwner', 'listByOrg', 'revoke', 'rotate', 'update', 'appendAudit', 'listAudit', 'publish', 'subscribe', 'close'];
  for (const m of methods) {
    if (typeof inner[m] !== 'function') continue;
    calls[m] = 0;
    store[m] = (...args) => {
      calls[m]++;
      return inner[m](...args);
    };
  }
  calls.touchLastUsed = 0;
  store.touchErrors = 0;
  store.touchLastUsed = async (entries) => {
    calls.touchLastUsed++;
    store.touchedRows += entries.length;
    const started = performance.now();
    try {
      await inner.touchLastUsed(entries);
    } catch (error) {
      store.touchErrors++;
      store.touchError ??= error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : String(error);
      throw error;
    }
    onTouch?.(entries, started, performance.now());
  };
  store.reset = () => {
    for (const m of Object.keys(calls)) calls[m] = 0;
    store.touchedRows = 0;
    store.touchErrors = 0;
  };
  return store;
}

/** p50 / p99 / max (and n) of a Float64Array or array of numbers; `count` limits it to the first values. */
export function percentiles(values, count = values.length) {
  const sorted = Float64Array.from(values.subarray ? values.subarray(0, count) : values.slice(0, count)).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

/** A wall-clock time in ms with sub-ms resolution, comparable across processes of this machine. */
export const wallMs = () => performance.timeOrigin + performance.now();

/** This run's PostgreSQL table name / Redis key prefix. */
export const tableName = (what) => `kwscale_${what}_${RUN_ID}`;

/** A pg.Pool on DATABASE_URL (or `options.connectionString`), with an error listener so that a cut connection does not crash the process. */
export async function pgPool(options = {}) {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5_000, keepAlive: true, ...options });
  pool.on('error', () => {});
  return pool;
}

/** An ioredis client on REDIS_URL (or `url`), connected. */
export async function redisClient(options = {}, url = REDIS_URL) {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { maxRetriesPerRequest: 1, socketTimeout: 5_000, keepAlive: 10_000, lazyConnect: true, ...options });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Deletes every Redis key of store prefix `prefix` (its names start with `{prefix}:`). */
export async function dropRedisPrefix(client, prefix) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `{${prefix}}:*`, 'COUNT', 20_000);
    if (keys.length > 0) deleted += await client.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}

/** Hands a part's result to bench/scale.mjs (the file it named in SCALE_OUT), or prints it. */
export function report(result) {
  const file = process.env.SCALE_OUT;
  if (file) writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  else console.log(JSON.stringify(result, null, 2));
}
