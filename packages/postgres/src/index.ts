/**
 * keyward `KeyStore` on PostgreSQL: the user's `pg.Pool` or an embedded PGlite instance.
 *
 * @example
 * ```ts
 * import { PGlite } from '@electric-sql/pglite';
 * import { PostgresKeyStore } from '@keyward/postgres';
 * const store = new PostgresKeyStore({ client: new PGlite('./data/keys') });
 * await store.migrate();
 * ```
 *
 * @module
 */
export { PostgresKeyStore } from './postgres-store.js';
export type { PostgresKeyStoreOptions } from './options.js';
export { schemaSql } from './schema.js';
export type { TableOptions } from './schema.js';
export { PostgresStoreError } from './errors.js';
export { PostgresRateLimitStore } from './rate-limit-store.js';
export type { PostgresRateLimitStoreOptions } from './rate-limit-store.js';
export { rateLimitSchemaSql } from './rate-limit-schema.js';
export type { RateLimitTableOptions } from './rate-limit-schema.js';
export type { PGliteLike, PgPoolLike, PostgresClient } from './client.js';
