import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { PEPPER, REDIS_URL, redisReachable, runCli } from './helpers.js';
import { keyLifecycle } from './lifecycle.js';

const reachable = await redisReachable();
const prefix = `kw_cli_${randomBytes(6).toString('hex')}`;
const env = { KEYWARD_STORE: REDIS_URL, KEYWARD_REDIS_PREFIX: prefix, KEYWARD_PEPPER: PEPPER };

afterAll(async () => {
  if (!reachable) return;
  const client = new Redis(REDIS_URL);
  const keys = await client.keys(`{${prefix}}:*`);
  if (keys.length > 0) await client.del(...keys);
  await client.quit();
});

describe.skipIf(!reachable)('keyward on Redis', () => {
  it('create, list, verify, update, rotate, revoke, verify again', async () => {
    await keyLifecycle(env);
  });

  it('migrate has nothing to do on Redis (exit 3)', async () => {
    const result = await runCli(['migrate'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('keyward migrate: a redis store has no schema to migrate\n');
  });

  it('an unreachable server is exit 4, not a hang', async () => {
    const result = await runCli(['keys', 'list', '--owner', 'u1'], { env: { ...env, KEYWARD_STORE: 'redis://127.0.0.1:1' } });
    expect(result.code).toBe(4);
    expect(result.stderr).toBe('keyward keys list: could not connect to Redis (ECONNREFUSED)\n');
  });
});
