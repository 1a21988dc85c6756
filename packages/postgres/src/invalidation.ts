import { InvalidationHub } from '@keyward/core/store';
import type { PostgresClient } from './client.js';
import { isPGlite } from './client.js';
import type { ListenTiming } from './listen.js';
import { pgListen, pgliteListen } from './listen.js';

/**
 * The store's invalidation hub: core's {@link InvalidationHub} over one LISTEN connection, held
 * from the user's pool (or PGlite's own LISTEN), reopened with backoff when lost or found silent.
 */
export function createInvalidationHub(
  client: PostgresClient,
  channel: string,
  options: ListenTiming & { readonly reconnectDelayMs: number; readonly maxReconnectDelayMs: number; readonly warn: (message: string) => void },
): InvalidationHub {
  const open = isPGlite(client) ? pgliteListen(client, channel) : pgListen(client, channel, options);
  return new InvalidationHub({ name: 'PostgresKeyStore', open, ...options });
}
