import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { PostgresKeyStore } from '../src/index.js';
import { selectAudit } from '../src/audit.js';
import type { Queryable } from '../src/client.js';
import { listLive } from '../src/list.js';
import { createPool, databaseReachable, dropSchema, randomSchema } from './helpers.js';

const reachable = await databaseReachable();

/**
 * The query plans of the list statements: each must be served by its index, in the index's order
 * (no Sort node), whatever the table's size. The statements are the store's own, run with EXPLAIN
 * on one connection where sequential and bitmap scans are disabled, so a tiny test table cannot hide a
 * statement the index does not match (a collation or an order the index cannot give).
 */
describe.skipIf(!reachable)('PostgreSQL plans of listByOwner, listByOrg and listAudit', () => {
  const schema = randomSchema();
  let pool: pg.Pool;
  let client: pg.PoolClient;
  const plans: string[] = [];
  const explaining: Queryable = {
    async query(text, values) {
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
      plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
      return { rows: [] };
    },
  };
  beforeAll(async () => {
    pool = createPool();
    await new PostgresKeyStore({ client: pool, schema, table: 'api_keys' }).migrate();
    client = await pool.connect();
    await client.query('SET enable_seqscan = off');
    await client.query('SET enable_bitmapscan = off');
  }, 30_000);
  afterAll(async () => {
    client.release(true);
    await dropSchema(pool, schema);
    await pool.end();
  });

  const planOf = async (run: () => Promise<unknown>): Promise<string> => {
    plans.length = 0;
    await run();
    expect(plans).toHaveLength(1);
    return plans[0]!;
  };
  const table = `"${schema}"."api_keys"`;
  const audit = `"${schema}"."api_keys_audit"`;
  const after = { createdAt: new Date(0), id: 'key_x' };

  it('listByOrg and listByOwner read their index of live keys, in order', async () => {
    for (const [column, index] of [['org_id', 'api_keys_org_live_idx'], ['owner_id', 'api_keys_owner_live_idx']] as const) {
      for (const query of [{ now: new Date(), limit: 20 }, { now: new Date(), limit: 20, after }]) {
        const plan = await planOf(() => listLive(explaining, table, column, 'x_1', query));
        expect(plan, column).toContain(index);
        expect(plan).not.toMatch(/Sort/);
      }
    }
  });

  it('listAudit reads the audit index for an organization and for null, in order', async () => {
    for (const orgId of ['org_1', null]) {
      for (const before of [null, { at: new Date(), id: 'evt_x' }]) {
        const plan = await planOf(() => selectAudit(explaining, audit, orgId, { limit: 20, before }));
        expect(plan, `${orgId} ${before === null ? 'first page' : 'next page'}`).toContain('api_keys_audit_org_at_idx');
        expect(plan).not.toMatch(/Sort/);
      }
    }
  });
});
