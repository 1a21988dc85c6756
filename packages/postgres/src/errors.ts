import { KeywardError } from '@keyward/core/store';

/** SQLSTATE of a unique violation. */
export const UNIQUE_VIOLATION = '23505';

/**
 * A database call of {@link PostgresKeyStore} failed (connection lost, timeout, SQL error).
 * keyward's core turns it into `auth_unavailable` (503).
 *
 * The message names the store operation and the error code only: driver messages and details
 * are left out because a server error can quote the statement's parameters, and those include
 * key hashes. `code` is `'store_error'` (as for every keyward store); `driverCode` is the SQLSTATE
 * (`'57P01'`) or the Node error code (`'ECONNREFUSED'`).
 *
 * @example
 * ```ts
 * import { PostgresStoreError } from '@keyward/postgres';
 * try { await store.migrate(); } catch (e) { if (e instanceof PostgresStoreError) console.error(e.operation, e.driverCode); }
 * ```
 */
export class PostgresStoreError extends KeywardError<'store_error'> {
  /** The store method that failed, e.g. `findByHash`. */
  readonly operation: string;
  /** SQLSTATE or Node error code, when the driver gave one. */
  readonly driverCode: string | undefined;

  constructor(operation: string, driverCode: string | undefined, detail: string) {
    super('store_error', `PostgresKeyStore.${operation} failed${driverCode === undefined ? '' : ` (${driverCode})`}: ${detail}`);
    this.name = 'PostgresStoreError';
    this.operation = operation;
    this.driverCode = driverCode;
  }
}

/** SQLSTATE classes whose messages never quote statement values: connection, resources, shutdown. */
const SAFE_CLASSES = ['08', '53', '57', '58'];

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The constraint a unique violation names, if any. */
export function violatedConstraint(error: unknown): string | null {
  if (codeOf(error) !== UNIQUE_VIOLATION) return null;
  const constraint = (error as { constraint?: unknown }).constraint;
  return typeof constraint === 'string' ? constraint : '';
}

/**
 * Turns any driver error into a {@link PostgresStoreError} that carries no key material.
 * A server-side SQL error keeps only its SQLSTATE (its message may quote a parameter); network
 * errors and connection-class SQLSTATEs keep their message, which names hosts, never values.
 */
export function toStoreError(operation: string, error: unknown): PostgresStoreError {
  if (error instanceof PostgresStoreError) return error;
  const code = codeOf(error);
  const isSqlState = code !== undefined && /^[0-9A-Z]{5}$/.test(code);
  const message = error instanceof Error ? error.message : 'unknown error';
  if (isSqlState && !SAFE_CLASSES.includes(code.slice(0, 2))) {
    return new PostgresStoreError(operation, code, 'database error (details withheld: they may quote key hashes)');
  }
  return new PostgresStoreError(operation, code, message);
}
