import { checkOptions, KeywardConfigError } from '@keyward/core/store';
import type { OptionNames } from '@keyward/core/store';
import type { PostgresClient } from './client.js';

/**
 * Options of {@link PostgresKeyStore}. Checked once; an unknown option is an error naming it.
 *
 * @example
 * ```ts
 * const options: PostgresKeyStoreOptions = { client: pool, schema: 'auth', table: 'api_keys', logger: false };
 * ```
 */
export interface PostgresKeyStoreOptions {
  /** Your `pg.Pool`, or a PGlite instance. The store never ends or closes it. */
  readonly client: PostgresClient;
  /** Table name (lowercase identifier, at most 40 characters). Default `keyward_api_keys`. */
  readonly table?: string;
  /** Schema of the table, created by `migrate()` if missing. Default: the connection's `search_path`. */
  readonly schema?: string;
  /** First delay before re-acquiring a lost LISTEN connection, doubled on each failure. Default 100 ms. */
  readonly reconnectDelayMs?: number;
  /** Longest delay between LISTEN reconnect attempts. Default 5 000 ms. */
  readonly maxReconnectDelayMs?: number;
  /** Where LISTEN connection warnings go (never key material); `false` silences them. Default `console`. */
  readonly logger?: { warn(message: string): void } | false;
}

const KNOWN: OptionNames<PostgresKeyStoreOptions> = { client: true, table: true, schema: true, reconnectDelayMs: true, maxReconnectDelayMs: true, logger: true };

function checkDelay(value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 600_000) {
    throw new KeywardConfigError(`PostgresKeyStore: "${name}" must be a number from 1 to 600000, got ${JSON.stringify(value)}`);
  }
}

/**
 * Validates the options object (shape and unknown names through core's `checkOptions`, then
 * delays and logger); the client and names are checked where used.
 */
export function checkStoreOptions(options: PostgresKeyStoreOptions): Partial<PostgresKeyStoreOptions> {
  const checked = checkOptions('PostgresKeyStore', options, KNOWN);
  checkDelay(checked.reconnectDelayMs, 'reconnectDelayMs');
  checkDelay(checked.maxReconnectDelayMs, 'maxReconnectDelayMs');
  const logger = checked.logger as unknown;
  if (logger !== undefined && logger !== false && typeof (logger as { warn?: unknown } | null)?.warn !== 'function') {
    throw new KeywardConfigError('PostgresKeyStore: "logger" must have a warn(message) method, or be false');
  }
  return checked;
}
