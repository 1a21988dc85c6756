import { KeywardError } from '@keyward/core/store';

/**
 * Why a {@link RedisKeyStore} call failed, without any of its arguments: `ECONNREFUSED` and the like
 * for network errors, the error word of a Redis reply (`READONLY`, `NOSCRIPT`, `CROSSSLOT`, ...),
 * `MaxRetriesPerRequestError`, or `corrupt_record` for a stored record that cannot be read.
 */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code)) return code;
  // A Redis error reply starts with its error word ("ERR ...", "READONLY ..."); the rest may quote arguments.
  const word = /^([A-Z][A-Z0-9_]{1,39})\b/.exec(error.message)?.[1];
  if (error.name === 'ReplyError' && word !== undefined) return word;
  if (/^Command timed out/.test(error.message)) return 'command_timeout';
  if (/^Connection is closed/.test(error.message)) return 'connection_closed';
  if (/enableOfflineQueue/.test(error.message)) return 'offline';
  return /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'unknown';
}

/**
 * A Redis call of a {@link RedisKeyStore} failed (connection lost, timeout, server error). keyward's
 * core turns it into `auth_unavailable` (503). Its message names the store method and a short reason,
 * never a key, a hash or any other command argument; the ioredis error is deliberately not attached
 * as `cause`, because ioredis errors carry the command's arguments.
 *
 * @example
 * ```ts
 * try { await store.getById('key_123') }
 * catch (e) { if (e instanceof RedisKeyStoreError) console.warn(e.message) } // "RedisKeyStore.getById failed: ECONNREFUSED"
 * ```
 */
export class RedisKeyStoreError extends KeywardError<'store_error'> {
  /** The store method that failed, e.g. `findByHash`. */
  readonly operation: string;
  /** A short reason free of arguments, e.g. `ECONNREFUSED`, `READONLY`, `command_timeout`. */
  readonly reason: string;
  constructor(operation: string, reason: string) {
    super('store_error', `RedisKeyStore.${operation} failed: ${reason}`);
    this.name = 'RedisKeyStoreError';
    this.operation = operation;
    this.reason = reason;
  }
}

/** The safe error to throw for `error` raised by ioredis during `operation`. */
export function storeError(operation: string, error: unknown): RedisKeyStoreError {
  return error instanceof RedisKeyStoreError ? error : new RedisKeyStoreError(operation, reasonOf(error));
}
