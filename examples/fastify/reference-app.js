// The framework-free half of the reference app (examples/README.md): configuration from the environment, the
// store, keyward, seeded registries, capped runs, body checks, a request log that never shows a
// credential, the demo banner, start-up and shutdown. The same file sits beside server.js in
// examples/express, examples/fastify and examples/koa (declared example boilerplate).
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Server } from 'node:http';
import { createKeyward, MemoryKeyStore, MemoryRateLimitStore, parseRateLimit } from '@keyward/core';
import { createDemoSessions } from './demo-session.js';

/** Key prefixes: `eck_live_` mints, `eck_test_` is accepted too. */
export const PREFIXES = ['eck_live_', 'eck_test_'];
const ALLOWED_SCOPES = ['agents:run', 'agents:read', 'triage:read', 'triage:write', 'webhooks:read', 'webhooks:write', 'batch:run', 'batch:read'];
/** What each scope lets a key do, shown by `GET /auth/api-keys/me` and the API-keys page. */
export const SCOPE_DESCRIPTIONS = Object.freeze({
  'agents:run': 'Queue agent runs (POST /v1/run).',
  'agents:read': 'List and read agent runs (GET /v1/runs).',
  'triage:read': 'Read triage results.',
  'triage:write': 'Change triage results.',
  'webhooks:read': 'List webhooks.',
  'webhooks:write': 'Create, change and delete webhooks.',
  'batch:run': 'Start batch jobs.',
  'batch:read': 'Read batch jobs and their results.',
});
/** Pepper when KEYWARD_PEPPER is unset (development only: it is public). */
export const DEMO_PEPPER = 'demo-pepper-do-not-use-in-production-0123456789';
/** Each key's limit when KEYWARD_RATE_LIMIT is unset; each organization gets ten times as much. */
export const DEFAULT_RATE_LIMIT = '100/min';
/** The runs store keeps the newest 1 000 runs per organization, of the 100 organizations that queued last. */
export const RUN_LIMITS = Object.freeze({ perOrganization: 1_000, organizations: 100 });

/**
 * Read PORT, KEYWARD_JWT_SECRET, KEYWARD_PEPPER, KEYWARD_STORE, KEYWARD_STORE_PREFIX and
 * KEYWARD_RATE_LIMIT (`<n>/<sec|min|hour|day>` per key, all n at once as a burst). Throws an
 * Error naming the variable at fault, never its value (a store URL may hold a password).
 * @param {Record<string, string | undefined>} env
 */
export function readConfig(env) {
  const portText = env.PORT ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw new Error(`PORT must be a port number (0-65535), got ${JSON.stringify(portText)}`);
  const jwtSecret = nonEmpty(env.KEYWARD_JWT_SECRET);
  const pepper = nonEmpty(env.KEYWARD_PEPPER);
  if (env.NODE_ENV === 'production' && (jwtSecret === undefined || pepper === undefined)) {
    const missing = [pepper === undefined ? 'KEYWARD_PEPPER' : '', jwtSecret === undefined ? 'KEYWARD_JWT_SECRET' : ''].filter(Boolean);
    throw new Error(`NODE_ENV=production needs ${missing.join(' and ')}: the demo pepper and the generated admin token are for development only`);
  }
  const store = (env.KEYWARD_STORE ?? 'memory').trim();
  /** @type {{ kind: 'memory' } | { kind: 'pglite', dir: string } | { kind: 'postgres' | 'redis', url: string }} */
  let spec;
  if (store === '' || store === 'memory') spec = { kind: 'memory' };
  else if (store.startsWith('pglite:') && store.length > 7) spec = { kind: 'pglite', dir: store.slice(7) };
  else if (/^postgres(ql)?:\/\//.test(store)) spec = { kind: 'postgres', url: store };
  else if (/^rediss?:\/\//.test(store)) spec = { kind: 'redis', url: store };
  else if (store === 'pglite:') throw new Error('KEYWARD_STORE=pglite:<dir> needs a directory, e.g. pglite:./.keyward-data');
  else throw new Error('KEYWARD_STORE must be memory, pglite:<dir>, postgres://... or redis://...');
  return {
    host: '127.0.0.1',
    port,
    jwtSecret: jwtSecret ?? randomBytes(32).toString('base64url'),
    jwtSecretGenerated: jwtSecret === undefined,
    pepper: pepper ?? DEMO_PEPPER,
    pepperIsDemo: pepper === undefined,
    store: spec,
    storePrefix: nonEmpty(env.KEYWARD_STORE_PREFIX),
    rateLimit: rateLimitsOf(nonEmpty(env.KEYWARD_RATE_LIMIT) ?? DEFAULT_RATE_LIMIT),
  };
}

/** The per-key limit and the per-organization one, ten times larger (more keys buy no more requests). @param {string} text */
const rateLimitsOf = (text) => [
  parseRateLimit(text, { name: 'per-key', source: 'KEYWARD_RATE_LIMIT' }),
  parseRateLimit(text, { name: 'per-org', per: 'org', times: 10, source: 'KEYWARD_RATE_LIMIT' }),
];

/** @param {string | undefined} value */
const nonEmpty = (value) => (value === undefined || value.trim() === '' ? undefined : value);

/**
 * Import a store's driver and keyward package only when KEYWARD_STORE names it (they are
 * optionalDependencies: `npm install --omit=optional` serves the memory store alone).
 * @param {string[]} names
 * @returns {Promise<any[]>}
 */
async function load(...names) {
  try {
    return await Promise.all(names.map((name) => import(name)));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new Error(`this KEYWARD_STORE needs ${names.join(' and ')} (npm install ${names.join(' ')}): ${reason}`);
  }
}

/** @param {ReturnType<typeof readConfig>} config */
async function openStore({ store: spec, storePrefix: prefix }) {
  if (spec.kind === 'memory') {
    return { store: new MemoryKeyStore(), rateLimitStore: new MemoryRateLimitStore(), description: 'memory (keys are lost at exit)', close: async () => {} };
  }
  if (spec.kind === 'redis') {
    const [{ Redis }, { RedisKeyStore, RedisRateLimitStore }] = await load('ioredis', '@keyward/redis');
    // A Redis that stops answering without closing the connection: commands give up after 1.5 s
    // (below keyward's 2 s store timeout), a socket silent for 5 s is dropped and reconnected,
    // keepalive notices a dead link, and nothing queues through an outage.
    const client = new Redis(spec.url, { lazyConnect: true, connectTimeout: 2_000, commandTimeout: 1_500, socketTimeout: 5_000, keepAlive: 10_000, maxRetriesPerRequest: 1 });
    let lastError = /** @type {Error | undefined} */ (undefined);
    let ready = false;
    // One line per outage instead of ioredis' stack per failed reconnect (host and port, no password).
    client.on('error', (/** @type {Error} */ error) => {
      if (ready) console.error(`redis: ${error.message} (requests answer 503 until it is back)`);
      [ready, lastError] = [false, error];
    });
    client.on('ready', () => (ready = true));
    await client.connect().catch((/** @type {Error} */ error) => {
      client.disconnect();
      throw new Error(`could not connect to Redis: ${(lastError ?? error).message}`);
    });
    const store = new RedisKeyStore({ client, ...(prefix === undefined ? {} : { prefix }) });
    const rateLimitStore = new RedisRateLimitStore({ client, ...(prefix === undefined ? {} : { prefix }) });
    return { store, rateLimitStore, description: 'Redis', close: closeBoth(store, async () => void (await client.quit())) };
  }
  const [driver, { PostgresKeyStore, PostgresRateLimitStore }] = await load(spec.kind === 'pglite' ? '@electric-sql/pglite' : 'pg', '@keyward/postgres');
  let client, description;
  if (spec.kind === 'pglite') [client, description] = [await driver.PGlite.create(spec.dir), `PGlite in ${spec.dir}`];
  else {
    // A database that stops answering: waiting for a connection, a query and a statement are all
    // bounded (so a stuck query gives its connection back), and keepalive notices a dead link.
    const options = { connectionString: spec.url, max: 5, connectionTimeoutMillis: 2_000, query_timeout: 3_000, statement_timeout: 3_000, keepAlive: true, keepAliveInitialDelayMillis: 10_000 };
    [client, description] = [new driver.default.Pool(options), 'PostgreSQL'];
    client.on('error', (/** @type {Error} */ error) => console.error(`postgres: ${error.message} (requests answer 503 until it is back)`));
  }
  const closeClient = () => (spec.kind === 'pglite' ? client.close() : client.end());
  const store = new PostgresKeyStore({ client, ...(prefix === undefined ? {} : { schema: prefix }) });
  const rateLimitStore = new PostgresRateLimitStore({ client, ...(prefix === undefined ? {} : { schema: prefix }) });
  const migrate = async () => {
    await store.migrate();
    await rateLimitStore.migrate();
  };
  await migrate().catch(async (/** @type {unknown} */ error) => {
    await closeClient();
    throw error;
  });
  return { store, rateLimitStore, description, close: closeBoth(store, closeClient) };
}

/** @param {{ close?: () => Promise<void> }} store @param {() => Promise<unknown>} closeClient */
const closeBoth = (store, closeClient) => async () => {
  try {
    await store.close?.();
  } finally {
    await closeClient();
  }
};

const REGISTRIES = [
  { slug: 'public-prompts', name: 'Public prompts', visibility: 'public', orgId: 'acme', prompts: ['summarize', 'triage'] },
  { slug: 'acme-private', name: 'Acme private prompts', visibility: 'private', orgId: 'acme', prompts: ['acme-onboarding'] },
];
/** @param {string} slug */
export const findRegistry = (slug) => REGISTRIES.find((r) => r.slug === slug);

/**
 * `null` when the principal may read the registry, else the failure for `keyward.respond`:
 * anonymous → 401 missing_credentials, another or no organization → 403 forbidden_organization.
 * @param {{ visibility: string, orgId: string }} registry
 * @param {{ orgId: string | null } | null | undefined} principal
 * @returns {any}
 */
export function registryAccess(registry, principal) {
  if (registry.visibility === 'public') return null;
  if (principal == null) return { code: 'missing_credentials' };
  return principal.orgId === registry.orgId ? null : { code: 'forbidden_organization', orgId: registry.orgId };
}

/**
 * Runs in memory, per organization (a key with no organization: a space of its owner), capped.
 * @param {{ perOrganization: number, organizations: number }} [limits]
 */
export function createRunsRepository(limits = RUN_LIMITS) {
  /** @type {Map<string, Map<string, { id: string, status: 'queued', agent_type: string, task: string }>>} */
  const bySpace = new Map();
  /** @param {{ orgId: string | null, ownerId: string }} p */
  const space = (p) => (p.orgId !== null ? `org:${p.orgId}` : `owner:${p.ownerId}`);
  return {
    /** @param {{ orgId: string | null, ownerId: string }} principal @param {{ agent_type: string, task: string }} input */
    create(principal, input) {
      const run = { id: randomUUID(), status: /** @type {const} */ ('queued'), agent_type: input.agent_type, task: input.task };
      const runs = bySpace.get(space(principal)) ?? new Map();
      bySpace.delete(space(principal)); // re-inserted last: the map's order is last written
      bySpace.set(space(principal), runs.set(run.id, run));
      if (runs.size > limits.perOrganization) runs.delete(runs.keys().next().value ?? '');
      if (bySpace.size > limits.organizations) bySpace.delete(bySpace.keys().next().value ?? '');
      return run;
    },
    /** @param {{ orgId: string | null, ownerId: string }} principal */
    list: (principal) => [...(bySpace.get(space(principal))?.values() ?? [])],
    /** @param {{ orgId: string | null, ownerId: string }} principal @param {string} id */
    get: (principal, id) => bySpace.get(space(principal))?.get(id),
  };
}

/**
 * The body of POST /v1/run: non-empty `agent_type` (≤ 100) and `task` (≤ 10 000) strings.
 * @param {unknown} body
 * @returns {{ ok: true, value: { agent_type: string, task: string } } | { ok: false, error: ReturnType<typeof errorBody> }}
 */
export function parseRunInput(body) {
  const invalid = (/** @type {string} */ message, /** @type {string} */ field = '') => ({ ok: /** @type {const} */ (false), error: errorBody(422, 'invalid_input', message, field) });
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('The body must be a JSON object with "agent_type" and "task".');
  const { agent_type: agentType, task } = /** @type {Record<string, unknown>} */ (body);
  if (typeof agentType !== 'string' || agentType.trim() === '' || agentType.length > 100) return invalid('"agent_type" must be a non-empty string of at most 100 characters.', 'agent_type');
  if (typeof task !== 'string' || task.trim() === '' || task.length > 10_000) return invalid('"task" must be a non-empty string of at most 10000 characters.', 'task');
  return { ok: true, value: { agent_type: agentType, task } };
}

const PHRASES = /** @type {Record<number, string>} */ ({ 400: 'Bad Request', 404: 'Not Found', 413: 'Content Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 500: 'Internal Server Error' });
/** An error body shaped like keyward's own. @param {number} status @param {string} code @param {string} message @param {string} [field] */
export const errorBody = (status, code, message, field = '') => ({ status, error: PHRASES[status] ?? 'Error', code, message, ...(field && { field }) });
export const ROUTE_NOT_FOUND = errorBody(404, 'not_found', 'No such route.');
export const RUN_NOT_FOUND = errorBody(404, 'not_found', 'No such run.');
export const REGISTRY_NOT_FOUND = errorBody(404, 'not_found', 'No such registry.');
export const INVALID_JSON = errorBody(400, 'invalid_json', 'The request body is not valid JSON.');
export const INTERNAL_ERROR = errorBody(500, 'internal_error', 'Internal error.');

/**
 * The path of a request URL, query dropped, each segment that could carry a credential replaced by
 * `[redacted]`: one that, percent-decoded up to 8 times, holds a key prefix (any case), a JWT, a
 * run of 30+ key characters or 64+ token characters. Key ids (`key_` + 24) and run ids stay.
 * @param {string} url
 */
export function safePath(url) {
  const path = url.split(/[?#]/, 1)[0] ?? '';
  const joined = path.split('/').map((segment) => (mayCarrySecret(segment) ? '[redacted]' : segment)).join('/');
  return joined.length > 200 ? `${joined.slice(0, 200)}…` : joined;
}

/** @param {string} segment */
function mayCarrySecret(segment) {
  for (let s = segment, i = 0; i <= 8; i++) {
    const lower = s.toLowerCase();
    if (PREFIXES.some((p) => lower.includes(p)) || /[0-9A-Za-z]{30,}|[\w+/=.~-]{64,}|^[\w-]+\.[\w-]+\.[\w-]*$/.test(s)) return true;
    const decoded = s.replace(/%([0-9a-f]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
    if (decoded === s) return false;
    s = decoded;
  }
  return true; // still encoded after 8 rounds: nobody legitimate does that
}

/** @typedef {{ method: string, url: string, status: number, durationMs: number, principal: any }} RequestLogEntry */
/** `POST /v1/run 202 1.4ms key=<id>`; `jwt="<sub>"` for a management token, `-` for none. @param {RequestLogEntry} entry */
export function formatRequestLog({ method, url, status, durationMs, principal: p }) {
  const who = p == null ? '-' : p.type === 'api_key' ? `key=${p.keyId ?? '?'}` : `jwt=${JSON.stringify(String(p.ownerId).slice(0, 64))}`;
  return `${/^[A-Z]{1,16}$/.test(method) ? method : '?'} ${safePath(url)} ${status} ${durationMs.toFixed(1)}ms ${who}`;
}

/** An HS256 management token (`sub` owns the keys, `org` is their organization), for the demo banner. @param {string} secret */
/** `iss` and `aud` of the management tokens this app accepts (your identity provider's values in a real app). */
export const TOKEN_ISSUER = 'keyward-example';
export const TOKEN_AUDIENCE = 'keyward-management';

function demoToken(secret) {
  const part = (/** @type {object} */ value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, org: 'acme', sub: 'demo-user', iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** The demo banner: a token and curl lines (bash/zsh), one block with no blank line inside. @param {string} url @param {string} token */
function demoInstructions(url, token) {
  const json = `-H 'content-type: application/json'`;
  const create = (/** @type {string} */ nickname, /** @type {string[]} */ scopes) =>
    `curl -s -X POST "$KW/auth/api-keys" -H "Authorization: Bearer $TOKEN" ${json} -d '${JSON.stringify({ nickname, scopes })}'`;
  const run = (/** @type {string} */ key) => `curl -si -w '\\n' -X POST "$KW/v1/run" -H "X-API-Key: ${key}" ${json} -d '{"agent_type":"triage","task":"hello"}'`;
  return `
KEYWARD_JWT_SECRET is not set: generated one for this run. Demo admin token (sub demo-user, org acme, valid 1 h):

export KW=${url} TOKEN=${token}
j() { node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8'))$1"; }
# 1. Create a key with agents:run agents:read (its value is shown once)
RUNNER=$(${create('runner', ['agents:run', 'agents:read'])}); echo "$RUNNER"
KEY=$(echo "$RUNNER" | j .key); ID=$(echo "$RUNNER" | j .id)
# 2. Queue a run: 202
${run('$KEY')}
# 3. A read-only key gets 403 insufficient_scope on /v1/run, and can list runs
READER=$(${create('reader', ['agents:read'])}); RO=$(echo "$READER" | j .key)
${run('$RO')}
curl -si -w '\\n' "$KW/v1/runs" -H "Authorization: Bearer $RO"
# 4. Revoke the first key: it answers 401 revoked_api_key at once
curl -si -w '\\n' -X DELETE "$KW/auth/api-keys/$ID" -H "Authorization: Bearer $TOKEN"
${run('$KEY')}
`;
}

/**
 * Start the app's framework-free half: config, store, keyward. `serve(server)` listens (a Node
 * http.Server, or `{ listen(port, host), close() }`), prints the address (and the demo banner when
 * the JWT secret was generated) and shuts down on SIGINT/SIGTERM: server, keyward (pending
 * lastUsedAt writes), store, client. Any start-up error is one line on stderr and exit status 1.
 * @param {string} framework
 */
export async function startReferenceApp(framework, env = process.env) {
  /** @type {Array<() => Promise<unknown>>} */
  const cleanups = [];
  const fail = async (/** @type {unknown} */ error) => {
    console.error(`keyward reference app (${framework}) could not start: ${error instanceof Error ? error.message : String(error)}`);
    await runAll(cleanups);
    process.exit(1);
  };
  try {
    const config = readConfig(env);
    if (config.pepperIsDemo) console.warn('KEYWARD_PEPPER is not set: using a public demo pepper. Set it to 32+ random bytes outside a demo.');
    const opened = await openStore(config);
    cleanups.push(opened.close);
    const keyward = createKeyward({
      store: opened.store,
      prefixes: PREFIXES,
      pepper: config.pepper,
      // Management tokens: HS256, from this issuer for this audience, with an expiry of at most a day.
      jwt: { secret: config.jwtSecret, algorithms: ['HS256'], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE, orgClaim: 'org', maxTokenLifetimeSeconds: 86_400 },
      keys: { allowedScopes: ALLOWED_SCOPES },
      // Every authenticated /v1/* request spends one unit of its key's limit and of its organization's.
      rateLimit: { store: opened.rateLimitStore, limits: config.rateLimit },
    });
    cleanups.unshift(() => keyward.close());
    await keyward.ready;
    // The demo sign-in of /login (demo-session.js); off with NODE_ENV=production.
    const demoLogin = env.NODE_ENV !== 'production';
    const sessions = createDemoSessions({ secret: config.jwtSecret, enabled: demoLogin });
    /** @param {Server | { listen(port: number, host: string): Promise<{ port: number }>, close(): Promise<unknown> }} server */
    const serve = async (server) => {
      /** @type {number} */
      let port;
      try {
        if (server instanceof Server) {
          await once(server.listen(config.port, config.host), 'listening');
          port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
          cleanups.unshift(() => new Promise((resolve, reject) => (server.close((e) => (e ? reject(e) : resolve(undefined))), server.closeIdleConnections())));
        } else {
          cleanups.unshift(() => server.close());
          port = (await server.listen(config.port, config.host)).port;
        }
      } catch (error) {
        return fail(error);
      }
      const url = `http://${config.host}:${port}`;
      const page = !demoLogin ? '' : `\nAPI-keys page: sign in at ${url}/login (demo users, no password)`;
      const banner = `keyward reference app (${framework}) listening on ${url} (store: ${opened.description})${page}`;
      // One write, so whoever waits for "listening on" also has the demo lines.
      console.log(config.jwtSecretGenerated ? `${banner}\n${demoInstructions(url, demoToken(config.jwtSecret))}` : banner);
      stopOnSignals(cleanups);
    };
    return { keyward, sessions, runs: createRunsRepository(), logRequest: (/** @type {RequestLogEntry} */ entry) => console.log(formatRequestLog(entry)), serve };
  } catch (error) {
    return fail(error);
  }
}

/** @param {Array<() => Promise<unknown>>} cleanups */
function stopOnSignals(cleanups) {
  let stopping = false;
  const stop = async (/** @type {string} */ signal) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    setTimeout(() => process.exit(1), 5_000).unref(); // in-flight requests get 5 s
    const failed = await runAll(cleanups);
    console.log(failed ? 'stopped with errors' : 'stopped');
    process.exit(failed ? 1 : 0);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void stop(signal));
}

/** Run every cleanup in order, even after one fails. Returns whether one failed. @param {Array<() => Promise<unknown>>} cleanups */
async function runAll(cleanups) {
  let failed = false;
  for (const cleanup of cleanups) {
    await cleanup().catch((/** @type {unknown} */ error) => {
      failed = true;
      console.error(`shutdown: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  return failed;
}
