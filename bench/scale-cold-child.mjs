// One cold start of the cold-start run (bench/scale-cold.mjs): `node bench/scale-cold-child.mjs
// <memory|pglite|postgres|redis> <table-or-prefix>`. Loads keyward and the store, opens it, answers
// one authentication of key 0 of the run (seeded by the parent for PostgreSQL and Redis; inserted
// here for the in-process stores, whose data lives in this process only), prints one JSON line with
// its own milestones (ms since the process started, `performance.now()`: `loaded` = modules loaded
// and the store opened (PGlite: started), `created` = schema/record in place and keyward created,
// `answered` = the first authentication answered) and the wall-clock time of the answer, and exits.
import { PREFIX } from './lib.mjs';

const [storeId, name] = process.argv.slice(2);
const { createKeyward, MemoryKeyStore } = await import('@keyward/core');
const lib = await import('./scale-lib.mjs');
let store;
let close = async () => {};
if (storeId === 'memory') {
  store = new MemoryKeyStore();
} else if (storeId === 'pglite') {
  const [{ PGlite }, { PostgresKeyStore }] = await Promise.all([import('@electric-sql/pglite'), import('@keyward/postgres')]);
  const db = new PGlite();
  await db.waitReady; // PGlite's own start (WASM, initdb), apart from keyward's
  store = new PostgresKeyStore({ client: db });
  close = () => db.close();
} else if (storeId === 'postgres') {
  const { PostgresKeyStore } = await import('@keyward/postgres');
  const pool = await lib.pgPool({ max: 2 });
  store = new PostgresKeyStore({ client: pool, table: name, logger: false });
  close = () => pool.end();
} else {
  const { RedisKeyStore } = await import('@keyward/redis');
  const client = await lib.redisClient();
  store = new RedisKeyStore({ client, prefix: name, logger: false });
  close = async () => client.quit();
}
const loaded = performance.now();
const keys = lib.deriveKeys(1, `${process.env.SCALE_SEED}:cold`);
if (storeId === 'pglite') await store.migrate();
if (storeId === 'memory' || storeId === 'pglite') await store.insert(lib.recordOf(0, keys.key(0)));
const keyward = createKeyward({ store, prefixes: [PREFIX], pepper: lib.PEPPER, logger: false });
const created = performance.now();
const answer = await keyward.authenticate({ 'x-api-key': keys.key(0) });
const answered = performance.now();
process.stdout.write(`${JSON.stringify({ ok: answer.ok, loaded, created, answered, answeredWall: performance.timeOrigin + answered })}\n`);
await keyward.close();
await store.close?.();
await close();
