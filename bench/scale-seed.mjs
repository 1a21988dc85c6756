// Seeding of the million-key runs: opens this run's PostgreSQL table or Redis key prefix through
// the real store, writes N key records straight into it, measures the bytes they take, and removes
// them afterwards. Used by bench/scale-keys.mjs.
import { PostgresKeyStore } from '@keyward/postgres';
import { RedisKeyStore } from '@keyward/redis';
import { check } from './lib.mjs';
import { dropRedisPrefix, idOf, KEYS_PER_OWNER, pgPool, recordOf, redisClient, tableName } from './scale-lib.mjs';

const PG_BATCH = 5_000;
const REDIS_IN_FLIGHT = 256;

/** Runs `task(i)` for i in [0, n) with at most `width` in flight. */
async function parallel(n, width, task) {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/**
 * PostgreSQL: the real schema, created by `PostgresKeyStore.migrate()` in a table of this run's
 * own; rows go in with multi-row `INSERT ... SELECT FROM unnest(...)` statements of 5,000 rows (the
 * columns `insert` writes, the same text/jsonb/timestamptz values), two statements in flight.
 */
export async function openPostgres() {
  const table = tableName('keys');
  const pool = await pgPool({ max: 8 });
  const store = new PostgresKeyStore({ client: pool, table, logger: false });
  await store.migrate();
  const qualified = `"${table}"`;
  return {
    id: 'postgres', store, pool, note: `table ${table} (dropped afterwards), pg.Pool of 8`,
    async seed(keys) {
      const cols = ['id', 'hash', 'pepper_id', 'prefix', 'start', 'owner_id', 'org_id', 'nickname', 'scopes', 'metadata', 'created_at', 'updated_at'];
      await parallel(Math.ceil(keys.count / PG_BATCH), 2, async (b) => {
        const values = cols.map(() => []);
        for (let i = b * PG_BATCH; i < Math.min(keys.count, (b + 1) * PG_BATCH); i++) {
          const r = recordOf(i, keys.key(i));
          const row = [r.id, r.hash, r.pepperId, r.prefix, r.start, r.ownerId, r.orgId, r.nickname, r.scopes.join(' '), JSON.stringify(r.metadata), r.createdAt.toISOString(), r.updatedAt.toISOString()];
          row.forEach((v, c) => values[c].push(v));
        }
        await pool.query(
          `INSERT INTO ${qualified} (${cols.join(', ')})
           SELECT id, hash, pepper_id, prefix, start, owner_id, org_id, nickname, string_to_array(scopes, ' '), metadata::jsonb, created_at::timestamptz, updated_at::timestamptz
           FROM unnest(${cols.map((_, c) => `$${c + 1}::text[]`).join(', ')}) AS t(${cols.join(', ')})`,
          values,
        );
      });
      await pool.query(`ANALYZE ${qualified}`);
    },
    async size(expected) {
      const { rows } = await pool.query(`SELECT count(*)::int AS n, pg_total_relation_size('${qualified}')::bigint AS total, pg_relation_size('${qualified}')::bigint AS heap FROM ${qualified}`);
      check(rows[0].n === expected, `PostgreSQL holds ${expected} rows (found ${rows[0].n})`);
      const total = Number(rows[0].total);
      return { rows: rows[0].n, bytes: total, bytesPerKey: total / rows[0].n, heapBytesPerKey: Number(rows[0].heap) / rows[0].n, how: '`pg_total_relation_size` (table, TOAST, 5 indexes) ÷ rows' };
    },
    async cleanup() {
      await store.close();
      // Statements a client gave up on (query_timeout is client-side) may still run on the server
      // and hold row locks; they are this run's own, on this run's table: cancel them before the DROP.
      const { rows } = await pool.query(`SELECT count(pg_cancel_backend(pid))::int AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND state = 'active' AND query LIKE $1`, [`%${table}%`]);
      if (rows[0].n > 0) console.log(`[scale-seed] cancelled ${rows[0].n} statements still running on ${table}`);
      await pool.query(`DROP TABLE IF EXISTS ${qualified}`);
      await pool.end();
    },
  };
}

/** Redis: every key goes in through `RedisKeyStore.insert` (its own Lua script and encoding), 256 in flight. */
export async function openRedis() {
  const prefix = tableName('keys');
  const client = await redisClient();
  const store = new RedisKeyStore({ client, prefix, logger: false });
  let before = 0;
  return {
    id: 'redis', store, client, note: `key prefix {${prefix}} (deleted afterwards), one ioredis client`,
    async seed(keys) {
      before = await usedMemory(client);
      await parallel(keys.count, REDIS_IN_FLIGHT, async (i) => {
        const result = await store.insert(recordOf(i, keys.key(i)));
        check(result.ok, `insert of key ${i}`);
      });
    },
    async size(expected) {
      const delta = (await usedMemory(client)) - before;
      // MEMORY USAGE of a sample: the two per-key names (record hash, id pointer), plus the owner's
      // three structures (nicknames, active set, live set) spread over its keys.
      const sample = Math.min(1_000, expected);
      let perKey = 0;
      let perOwner = 0;
      const owners = Math.min(200, Math.ceil(expected / KEYS_PER_OWNER));
      for (let s = 0; s < sample; s++) {
        const i = Math.floor((s * expected) / sample);
        const idName = `{${prefix}}:id:${idOf(i)}`;
        const hash = await client.get(idName);
        perKey += (await client.memory('USAGE', `{${prefix}}:h:${hash}`, 'SAMPLES', '0')) + (await client.memory('USAGE', idName, 'SAMPLES', '0'));
      }
      for (let o = 0; o < owners; o++) {
        const owner = `user_${Math.floor((o * expected) / KEYS_PER_OWNER / owners)}`;
        for (const kind of ['nick', 'active', 'live']) perOwner += (await client.memory('USAGE', `{${prefix}}:${kind}:${owner}`, 'SAMPLES', '0')) ?? 0;
      }
      const sampled = perKey / sample + perOwner / owners / KEYS_PER_OWNER;
      return {
        rows: expected, bytes: delta, bytesPerKey: sampled, infoBytesPerKey: delta / expected,
        how: `\`MEMORY USAGE\` of ${sample} sampled keys (record hash + id pointer) and ${owners} owners' nickname hash, active and live sets (÷ ${KEYS_PER_OWNER} keys each); \`INFO memory\` used_memory delta over the seeding beside it (other clients share this Redis)`,
      };
    },
    async cleanup() {
      await store.close();
      await dropRedisPrefix(client, prefix);
      await client.quit();
    },
  };
}

async function usedMemory(client) {
  const info = await client.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}
