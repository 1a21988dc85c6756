import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, Redis } from 'ioredis';
import { runKeyStoreContract } from '@keyward/core/testing';
import { waitFor } from './redis-env.js';
import { RedisKeyStore } from '@keyward/redis';
import { createTestKeyward, randomPrefix } from './redis-env.js';

/**
 * A real three-node Redis Cluster (masters only), started from the `redis-server` binary for this
 * file. A script may only touch keys its node serves, and each node serves a third of the slots, so
 * the whole contract passing on it (with random prefixes, hence random slots) shows that a store's
 * keys, declared or built inside the scripts, all go to one node.
 */
const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? 'redis-server';
const available = spawnSync(REDIS_SERVER, ['--version']).status === 0;
if (!available) console.warn(`@keyward/redis cluster tests skipped: no redis-server binary (set REDIS_SERVER_BIN to its path to run them).`);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return address !== null && typeof address === 'object' ? address.port : 0;
}

const SLOT_RANGES = [[0, 5460], [5461, 10922], [10923, 16383]] as const;

describe.skipIf(!available)('RedisKeyStore on a Redis Cluster', () => {
  const servers: ChildProcess[] = [];
  const nodes: Redis[] = [];
  let dir = '';
  let cluster: Cluster;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyward-redis-cluster-'));
    const ports: Array<{ port: number; bus: number }> = [];
    for (const [i] of SLOT_RANGES.entries()) {
      const port = await freePort();
      const bus = await freePort();
      ports.push({ port, bus });
      const args = ['--port', String(port), '--cluster-port', String(bus), '--bind', '127.0.0.1', '--cluster-announce-ip', '127.0.0.1',
        '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${i}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no'];
      servers.push(spawn(REDIS_SERVER, args, { stdio: 'ignore' }));
      const node = new Redis({ port, host: '127.0.0.1', retryStrategy: () => 50, maxRetriesPerRequest: 1 });
      node.on('error', () => undefined);
      nodes.push(node);
    }
    for (const node of nodes) await waitFor(async () => (await node.ping().catch(() => '')) === 'PONG', 10_000);
    for (const [i, [from, to]] of SLOT_RANGES.entries()) await nodes[i]!.cluster('ADDSLOTSRANGE', from, to);
    for (const { port, bus } of ports.slice(1)) await nodes[0]!.call('CLUSTER', 'MEET', '127.0.0.1', port, bus);
    for (const node of nodes) await waitFor(async () => String(await node.cluster('INFO')).includes('cluster_state:ok'), 20_000);
    cluster = new Cluster(ports.map(({ port }) => ({ host: '127.0.0.1', port })), { redisOptions: { maxRetriesPerRequest: 1 } });
    cluster.on('error', () => undefined);
  }, 60_000);
  afterAll(async () => {
    cluster?.disconnect();
    for (const node of nodes) node.disconnect();
    await Promise.all(servers.map((server) => new Promise((resolve) => {
      if (server.exitCode !== null) return resolve(null);
      server.once('exit', resolve);
      server.kill();
    })));
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a cluster that refuses keys of another node, even inside a script (so the tests below prove something)', async () => {
    await expect(cluster.eval("return redis.call('MSET', KEYS[1], 1, KEYS[2], 2)", 2, 'a', 'b')).rejects.toThrow(/CROSSSLOT/);
    // 'a' is in slot 15495, 'b' in 3300: another node. The scripts build names of records they discover.
    const touchTwo = "redis.call('SET', KEYS[1], 1) return redis.call('SET', ARGV[1], 1)";
    await expect(cluster.eval(touchTwo, 1, 'a', 'b')).rejects.toThrow(/non local key|slot/);
    expect(await cluster.eval(touchTwo, 1, '{a}:y', '{a}:x')).toBe('OK');
  });

  runKeyStoreContract('RedisKeyStore on a three-node Redis Cluster', () => {
    const store = new RedisKeyStore({ client: cluster, prefix: randomPrefix() });
    return { store, cleanup: () => store.close() };
  }, { timeout: 10_000 });

  it('keeps every key of a store in one slot, through the key manager', async () => {
    const prefix = randomPrefix();
    const store = new RedisKeyStore({ client: cluster, prefix });
    const keyward = createTestKeyward(store);
    try {
      const { key, record } = await keyward.keys.create({ ownerId: 'user_1', orgId: 'acme', nickname: 'ci', expiresAt: new Date(Date.now() + 60_000) });
      await keyward.keys.rotate(record.id, { gracePeriodSeconds: 30 });
      expect((await keyward.authenticate({ 'x-api-key': key })).ok).toBe(true);
      const names = (await Promise.all(nodes.map((node) => node.keys(`{${prefix}}:*`)))).flat();
      expect(names.length).toBeGreaterThanOrEqual(5);
      const slots = new Set(await Promise.all(names.map((name) => nodes[0]!.cluster('KEYSLOT', name))));
      expect(slots.size).toBe(1);
    } finally {
      await keyward.close();
      await store.close();
    }
  });
});
