// Configuration of the reference apps, read once from the environment (SPEC §6).
import { randomBytes } from 'node:crypto';

/** Pepper used when KEYWARD_PEPPER is unset. Public, so only fit for a demo. */
export const DEMO_PEPPER = 'demo-pepper-do-not-use-in-production-0123456789';

/**
 * @typedef {{ kind: 'memory' }
 *   | { kind: 'pglite', dir: string }
 *   | { kind: 'postgres', url: string }
 *   | { kind: 'redis', url: string }} StoreSpec
 */

/**
 * @typedef {object} ExampleConfig
 * @property {string} host Always 127.0.0.1: the demo is never exposed.
 * @property {number} port `PORT`, default 3000 (0 picks a free port).
 * @property {string} jwtSecret HS256 secret of the management tokens.
 * @property {boolean} jwtSecretGenerated True when `KEYWARD_JWT_SECRET` was unset (a demo token is printed).
 * @property {string} pepper Pepper of the key hashes.
 * @property {boolean} pepperIsDemo True when `KEYWARD_PEPPER` was unset.
 * @property {StoreSpec} store Where keys live (`KEYWARD_STORE`).
 * @property {string | undefined} storePrefix `KEYWARD_STORE_PREFIX`: Redis key prefix / Postgres schema, for isolation.
 */

/**
 * Read the example configuration from `env`. Throws an `Error` whose message names the variable
 * at fault (never its value: it may be a secret).
 *
 * @example
 * const config = readConfig(process.env);
 * console.log(config.port, config.store.kind);
 *
 * @param {Record<string, string | undefined>} env
 * @returns {ExampleConfig}
 */
export function readConfig(env) {
  const portText = env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw new Error(`PORT must be a port number (0-65535), got ${JSON.stringify(portText)}`);
  const jwtSecret = nonEmpty(env.KEYWARD_JWT_SECRET);
  const pepper = nonEmpty(env.KEYWARD_PEPPER);
  return {
    host: '127.0.0.1',
    port,
    jwtSecret: jwtSecret ?? randomBytes(32).toString('base64url'),
    jwtSecretGenerated: jwtSecret === undefined,
    pepper: pepper ?? DEMO_PEPPER,
    pepperIsDemo: pepper === undefined,
    store: parseStore(env.KEYWARD_STORE ?? 'memory'),
    storePrefix: nonEmpty(env.KEYWARD_STORE_PREFIX),
  };
}

/**
 * Parse `KEYWARD_STORE`: `memory`, `pglite:<dir>`, `postgres://...` / `postgresql://...`,
 * `redis://...` / `rediss://...`.
 *
 * @example
 * parseStore('pglite:./data'); // { kind: 'pglite', dir: './data' }
 *
 * @param {string} value
 * @returns {StoreSpec}
 */
export function parseStore(value) {
  const text = value.trim();
  if (text === '' || text === 'memory') return { kind: 'memory' };
  if (text.startsWith('pglite:')) {
    const dir = text.slice('pglite:'.length);
    if (dir === '') throw new Error('KEYWARD_STORE=pglite:<dir> needs a directory, e.g. pglite:./.keyward-data');
    return { kind: 'pglite', dir };
  }
  if (/^postgres(ql)?:\/\//.test(text)) return { kind: 'postgres', url: text };
  if (/^rediss?:\/\//.test(text)) return { kind: 'redis', url: text };
  // The value may be a URL with a password: name the accepted forms, not the value.
  throw new Error('KEYWARD_STORE must be memory, pglite:<dir>, postgres://... or redis://...');
}

/** @param {string | undefined} value */
function nonEmpty(value) {
  return value === undefined || value.trim() === '' ? undefined : value;
}
