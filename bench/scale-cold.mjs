// Cold start: `node bench/scale-cold.mjs`. For the memory store, PGlite, PostgreSQL and Redis, a
// fresh `node` process (bench/scale-cold-child.mjs) is spawned per sample and the wall time from
// the spawn until its first authenticated answer (by the child's clock) is taken: process start,
// module load, store set-up, keyward creation, one authentication. Stores take turns;
// 3 samples each (`--quick`: 1); the floor is a bare `node -e` printing its clock. Started by bench/scale.mjs.
import { spawn } from 'node:child_process';
import { PostgresKeyStore } from '@keyward/postgres';
import { RedisKeyStore } from '@keyward/redis';
import { check, outFile, QUICK } from './lib.mjs';
import { deriveKeys, dropRedisPrefix, percentiles, pgPool, recordOf, redisClient, report, SEED, tableName, wallMs } from './scale-lib.mjs';

const SAMPLES = QUICK ? 1 : 3;
const STORES = ['memory', 'pglite', 'postgres', 'redis'];
const name = tableName('cold');
const key = deriveKeys(1, `${SEED}:cold`).key(0);

const pool = await pgPool({ max: 2 });
const pgStore = new PostgresKeyStore({ client: pool, table: name, logger: false });
await pgStore.migrate();
const redis = await redisClient();
const redisStore = new RedisKeyStore({ client: redis, prefix: name, logger: false });

/** One child: wall ms from spawn to its answer line, and its own milestones. */
function sample(storeId) {
  return new Promise((resolve, reject) => {
    const t0 = wallMs();
    const child = spawn(process.execPath, [outFile('scale-cold-child.mjs'), storeId, name], { env: { ...process.env, SCALE_SEED: SEED }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let answer = null;
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (answer === null && out.includes('\n')) {
        const line = JSON.parse(out.slice(0, out.indexOf('\n')));
        answer = { ...line, wallMs: line.answeredWall - t0 }; // the child's clock: no pipe or parent delay
      }
    });
    child.once('exit', (code) => (answer !== null && code === 0 ? resolve(answer) : reject(new Error(`${storeId} cold start exited ${code}`))));
  });
}

const result = { samples: SAMPLES, stores: {} };
try {
  check((await pgStore.insert(recordOf(0, key))).ok, 'seed PostgreSQL');
  check((await redisStore.insert(recordOf(0, key))).ok, 'seed Redis');
  // A bare `node -e 0` (the runtime's own start) beside them, as the floor.
  const floor = [];
  const runs = Object.fromEntries(STORES.map((s) => [s, []]));
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = wallMs();
    await new Promise((r) => spawn(process.execPath, ['-e', 'process.stdout.write(String(performance.timeOrigin + performance.now()))'], { stdio: ['ignore', 'pipe', 'inherit'] })
      .stdout.once('data', (at) => r(floor.push(Number(at) - t0))));
    for (const s of STORES) {
      const run = await sample(s);
      check(run.ok, `${s}: the first answer is a success`);
      runs[s].push(run);
    }
  }
  result.nodeFloor = percentiles(floor);
  for (const s of STORES) {
    const med = (f) => percentiles(runs[s].map(f)).p50;
    result.stores[s] = { wall: percentiles(runs[s].map((r) => r.wallMs)), loadedMs: med((r) => r.loaded), createdMs: med((r) => r.created), answeredMs: med((r) => r.answered) };
    console.log(`[scale-cold] ${s}: median ${result.stores[s].wall.p50.toFixed(0)} ms, max ${result.stores[s].wall.max.toFixed(0)} ms (node alone ${result.nodeFloor.p50.toFixed(0)} ms)`);
  }
} finally {
  await pgStore.close();
  await pool.query(`DROP TABLE IF EXISTS "${name}"`);
  await pool.end();
  await redisStore.close();
  await dropRedisPrefix(redis, name);
  await redis.quit();
}
report(result);
