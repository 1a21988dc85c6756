// Revocation fan-out: `node bench/scale-fanout.mjs <postgres|redis>`. Eight instances (child
// processes, bench/scale-instance.mjs; `--quick`: two) on one store, each with every key cached;
// 200 keys (`--quick`: 20) are revoked one by one through instance 0's `keyward.keys.revoke`, and
// for each the time until every instance had dropped it (and answered `revoked_api_key`) is taken.
// Then the connections of every instance are cut at once at their TCP proxies, a few times, and
// the time until each instance's cache was reset is taken. Started by bench/scale.mjs.
import { fork } from 'node:child_process';
import { PostgresKeyStore } from '@keyward/postgres';
import { RedisKeyStore } from '@keyward/redis';
import { check, outFile, QUICK } from './lib.mjs';
import { deriveKeys, dropRedisPrefix, idOf, percentiles, pgPool, recordOf, redisClient, report, SEED, tableName } from './scale-lib.mjs';

const storeId = process.argv[2];
const INSTANCES = QUICK ? 2 : 8;
const REVOCATIONS = QUICK ? 20 : 200;
const WARMUP = 3;
const GAPS = QUICK ? 2 : 5;
const WAIT_MS = 5_000;
const GAP_WAIT_MS = 30_000;
const log = (m) => console.log(`[scale-fanout ${storeId}] ${m}`);

const name = tableName('fan');
const count = WARMUP + REVOCATIONS + 1; // the last key stays valid
const keys = deriveKeys(count, `${SEED}:fan`);
let setupStore;
let cleanup;
if (storeId === 'postgres') {
  const pool = await pgPool({ max: 4 });
  setupStore = new PostgresKeyStore({ client: pool, table: name, logger: false });
  await setupStore.migrate();
  cleanup = async () => {
    await pool.query(`DROP TABLE IF EXISTS "${name}"`);
    await pool.end();
  };
} else {
  const client = await redisClient();
  setupStore = new RedisKeyStore({ client, prefix: name, logger: false });
  cleanup = async () => {
    await dropRedisPrefix(client, name);
    await client.quit();
  };
}

const children = [];
const result = { store: storeId, instances: INSTANCES, revocations: REVOCATIONS };
try {
  for (let i = 0; i < count; i++) check((await setupStore.insert(recordOf(i, keys.key(i)))).ok, 'insert');
  // Messages of all children land here; `waitFor` resolves once `n` messages match.
  const inbox = [];
  let wake = () => {};
  const started = performance.now();
  for (let c = 0; c < INSTANCES; c++) {
    const child = fork(outFile('scale-instance.mjs'), [storeId, name, String(count)], { env: { ...process.env, SCALE_SEED: SEED }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (m) => {
      inbox.push({ ...m, from: c });
      wake();
    });
    child.once('exit', (code) => {
      inbox.push({ type: 'exit', code, from: c });
      wake();
    });
    children.push(child);
  }
  const waitFor = async (match, n, ms) => {
    const deadline = performance.now() + ms;
    for (;;) {
      const exited = inbox.find((m) => m.type === 'exit');
      check(exited === undefined, `instance ${exited?.from} exited (${exited?.code})`);
      const got = inbox.filter(match);
      if (got.length >= n || performance.now() > deadline) {
        for (const m of got) inbox.splice(inbox.indexOf(m), 1);
        return got;
      }
      await new Promise((r) => {
        wake = r;
        setTimeout(r, 50);
      });
    }
  };
  check((await waitFor((m) => m.type === 'ready', INSTANCES, 120_000)).length === INSTANCES, 'every instance started and cached the keys');
  result.startSeconds = (performance.now() - started) / 1000;
  log(`${INSTANCES} instances ready in ${result.startSeconds.toFixed(1)} s`);

  const dropMs = [];
  const answerMs = [];
  const revokeCallMs = [];
  let late = 0;
  for (let k = 0; k < WARMUP + REVOCATIONS; k++) {
    const id = idOf(k);
    children[0].send({ type: 'revoke', id });
    const [revoked] = await waitFor((m) => m.type === 'revoked' && m.id === id, 1, WAIT_MS);
    check(revoked?.ok === true, 'revoke through instance 0');
    const reports = await waitFor((m) => m.type === 'dropped' && m.keyId === id, INSTANCES, WAIT_MS);
    for (const r of reports) check(r.code === 'revoked_api_key', `instance ${r.from} answers revoked_api_key after the event (got ${r.code})`);
    if (k < WARMUP) continue;
    if (reports.length < INSTANCES) late++;
    dropMs.push(reports.length < INSTANCES ? WAIT_MS : Math.max(...reports.map((r) => r.droppedAt)) - revoked.t0);
    answerMs.push(reports.length < INSTANCES ? WAIT_MS : Math.max(...reports.map((r) => r.answeredAt)) - revoked.t0);
    revokeCallMs.push(revoked.t1 - revoked.t0);
  }
  result.drop = percentiles(dropMs);
  result.answer = percentiles(answerMs);
  result.revokeCall = percentiles(revokeCallMs);
  result.notWithinLimit = late;
  log(`revocation reached all ${INSTANCES}: p50 ${result.drop.p50.toFixed(1)} ms, p99 ${result.drop.p99.toFixed(1)} ms, max ${result.drop.max.toFixed(1)} ms (answered: p99 ${result.answer.p99.toFixed(1)} ms)`);

  const resetMs = [];
  const recoveredMs = [];
  let missingResets = 0;
  for (let g = 0; g < GAPS; g++) {
    for (const child of children) child.send({ type: 'cut' });
    const reports = await waitFor((m) => m.type === 'reset', INSTANCES, GAP_WAIT_MS);
    missingResets += INSTANCES - reports.length;
    for (const r of reports) {
      check(r.code === 'ok', `instance ${r.from} authenticates a valid key after the reset (got ${r.code})`);
      resetMs.push(r.droppedAt - r.cutAt);
      recoveredMs.push(r.answeredAt - r.cutAt);
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  result.gaps = GAPS;
  result.reset = percentiles(resetMs);
  result.recovered = percentiles(recoveredMs);
  result.missingResets = missingResets;
  log(`cut connections: cache reset after p50 ${result.reset.p50.toFixed(0)} ms, max ${result.reset.max.toFixed(0)} ms; ${missingResets} resets missing`);
} finally {
  for (const child of children) if (child.connected) child.send({ type: 'stop' });
  await Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((r) => {
    const timer = setTimeout(() => child.kill(), 10_000);
    child.once('exit', () => r(clearTimeout(timer)));
  }))));
  await setupStore.close?.();
  await cleanup();
}
report(result);
