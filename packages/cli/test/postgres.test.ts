import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, PEPPER, postgresReachable, runCli } from './helpers.js';
import { keyLifecycle } from './lifecycle.js';

const reachable = await postgresReachable();
const schema = `kw_cli_${randomBytes(6).toString('hex')}`;
const env = { KEYWARD_STORE: DATABASE_URL, KEYWARD_PG_SCHEMA: schema, KEYWARD_PEPPER: PEPPER };

afterAll(async () => {
  if (!reachable) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
});

describe.skipIf(!reachable)('keyward on PostgreSQL', () => {
  it('says to migrate when the table is missing', async () => {
    const result = await runCli(['keys', 'list', '--owner', 'u1'], { env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('run keyward migrate');
  });

  it('migrate is idempotent', async () => {
    for (let i = 0; i < 2; i++) {
      const result = await runCli(['migrate', '--json'], { env });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ migrated: true, store: 'postgres', where: `table "${schema}"."keyward_api_keys"` });
    }
  });

  it('create, list, verify, update, rotate, revoke, verify again', async () => {
    await keyLifecycle(env);
  });

  it('an unreachable server is exit 4 with the driver code, not a hang', async () => {
    const result = await runCli(['keys', 'list', '--owner', 'u1'], { env: { ...env, KEYWARD_STORE: 'postgres://postgres@127.0.0.1:1/test' } });
    expect(result.code).toBe(4);
    expect(result.stderr).toBe('keyward keys list: The key store is unavailable. (ECONNREFUSED) [store_unavailable]\n');
  });
});
