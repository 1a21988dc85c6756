import { readFile } from 'node:fs/promises';
import { createKeyward, KeywardConfigError } from '@keyward/core';
import type { Keyward } from '@keyward/core';
import type { Values } from './args.js';
import { stringOf } from './args.js';
import { CliError, EXIT, configError } from './exit-codes.js';
import type { CliIo } from './io.js';
import type { OpenedStore } from './open-store.js';
import { openStore, withoutSubscription } from './open-store.js';

/** The store named by `--store` / `KEYWARD_STORE`, with the store-specific flags and variables. */
export function storeFrom(values: Values, env: CliIo['env']): Promise<OpenedStore> {
  return openStore(stringOf(values, 'store') ?? env.KEYWARD_STORE, {
    pgSchema: stringOf(values, 'pg-schema') ?? (env.KEYWARD_PG_SCHEMA || undefined),
    pgTable: stringOf(values, 'pg-table') ?? (env.KEYWARD_PG_TABLE || undefined),
    redisPrefix: stringOf(values, 'redis-prefix') ?? (env.KEYWARD_REDIS_PREFIX || undefined),
  });
}

/** The pepper: `--pepper-file <path>` (one line; its final newline dropped), else `KEYWARD_PEPPER`. */
export async function pepperFrom(values: Values, env: CliIo['env']): Promise<string | undefined> {
  const file = stringOf(values, 'pepper-file');
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      throw configError(`cannot read --pepper-file${typeof code === 'string' ? ` (${code})` : ''}`, error);
    }
    const pepper = text.replace(/\r?\n$/, '');
    if (pepper === '') throw configError('--pepper-file is empty');
    return pepper;
  }
  const pepper = env.KEYWARD_PEPPER;
  return pepper === undefined || pepper === '' ? undefined : pepper;
}

/**
 * Open the store and configure keyward on it for one command: no cache and no `lastUsedAt`
 * recording (a CLI call is not a use of the key), warnings on stderr; `hashesKeys` warns when no
 * pepper is set. `run` gets the instance and everything is closed afterwards, whatever happens.
 */
export async function withKeyward<T>(
  values: Values,
  io: CliIo,
  prefixes: readonly string[],
  hashesKeys: boolean,
  run: (keyward: Keyward, opened: OpenedStore) => Promise<T>,
): Promise<T> {
  const pepper = await pepperFrom(values, io.env);
  const opened = await storeFrom(values, io.env);
  try {
    let keyward: Keyward;
    try {
      keyward = createKeyward({
        store: withoutSubscription(opened.store),
        prefixes,
        ...(pepper === undefined ? {} : { pepper }),
        cache: false,
        usage: false,
        production: false,
        logger: { warn: (message) => io.stderr.write(`${message}\n`) },
      });
    } catch (error) {
      if (error instanceof KeywardConfigError) throw new CliError(EXIT.config, error.message, { cause: error });
      throw error;
    }
    if (pepper === undefined && hashesKeys) {
      io.stderr.write('keyward: no pepper (KEYWARD_PEPPER or --pepper-file): keys are hashed with plain SHA-256; use the pepper your application uses\n');
    }
    try {
      return await run(keyward, opened);
    } finally {
      await keyward.close();
    }
  } finally {
    await opened.close().catch(() => undefined);
  }
}
