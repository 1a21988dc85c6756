import { createTcpProxy, runInvalidationContract } from '@keyward/core/testing';
import { expect } from 'vitest';
import { PostgresKeyStore, PostgresStoreError } from '../src/index.js';
import { createPool, DATABASE_URL, databaseReachable, dropSchema, randomSchema } from './helpers.js';

// Outages, gaps and a silent link between a PostgresKeyStore on pg and PostgreSQL, through a TCP
// proxy. PGlite is not run here: it lives in this process, with no connection to cut or silence.
const reachable = await databaseReachable();

runInvalidationContract(
  'PostgresKeyStore on pg',
  async () => {
    const schema = randomSchema();
    const url = new URL(DATABASE_URL);
    const proxy = await createTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.hostname = proxy.host;
    url.port = String(proxy.port);
    const directPool = createPool();
    const direct = new PostgresKeyStore({ client: directPool, schema });
    await direct.migrate();
    const warnings: string[] = [];
    return {
      proxy,
      direct,
      async connect() {
        const pool = createPool({ connectionString: url.toString(), connectionTimeoutMillis: 500, max: 4 });
        const store = new PostgresKeyStore({
          client: pool,
          schema,
          queryTimeoutMs: 1_000,
          heartbeatMs: 200,
          reconnectDelayMs: 20,
          maxReconnectDelayMs: 200,
          logger: { warn: (m) => void warnings.push(m) },
        });
        return {
          store,
          async close() {
            await store.close();
            await pool.end();
          },
        };
      },
      expectStoreError(error) {
        expect(error).toBeInstanceOf(PostgresStoreError);
        expect((error as Error).message).toMatch(/^PostgresKeyStore\.findByHash failed/);
      },
      async cleanup() {
        expect(warnings.join('\n')).not.toMatch(/[0-9a-f]{64}/); // warnings never carry a key hash
        await direct.close();
        await proxy.close();
        await dropSchema(directPool, schema);
        await directPool.end();
      },
    };
  },
  { skip: !reachable },
);
