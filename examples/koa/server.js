// The reference app (examples/README.md) on Koa 3 with @koa/router. Copy this folder, `npm install`,
// `node server.js` (in the keyward repository: `pnpm build`, then `pnpm --dir examples/koa start`).
// reference-app.js holds the framework-free half (config, store, runs, log, banner, shutdown);
// this file is the Koa wiring, the same routes as examples/express and examples/fastify.
import { createServer } from 'node:http';
import Koa from 'koa';
import Router from '@koa/router';
import { apiKeyAuth, apiKeyManagement, requireScopes } from '@keyward/koa';
import {
  INTERNAL_ERROR,
  INVALID_JSON,
  REGISTRY_NOT_FOUND,
  ROUTE_NOT_FOUND,
  RUN_NOT_FOUND,
  errorBody,
  findRegistry,
  parseRunInput,
  registryAccess,
  safePath,
  SCOPE_DESCRIPTIONS,
  startReferenceApp,
} from './reference-app.js';
import { readForm } from './demo-session.js';

const { keyward, sessions, runs, logRequest, serve } = await startReferenceApp('koa');
const app = new Koa();
app.silent = true; // errors are answered and logged (without detail) below

// One log line per request (method, path, status, time, key id; never a header value), unknown
// routes as JSON 404, and errors as a bare JSON 500: Koa's default would print the stack.
app.use(async (ctx, next) => {
  const started = performance.now();
  ctx.res.once('finish', () => logRequest({ method: ctx.method, url: ctx.originalUrl, status: ctx.status, durationMs: performance.now() - started, principal: ctx.state.auth }));
  try {
    await next();
    if (ctx.status === 404 && ctx.body == null) {
      ctx.status = 404;
      ctx.body = ROUTE_NOT_FOUND;
    }
  } catch (error) {
    console.error(`${ctx.method} ${safePath(ctx.originalUrl)}: unhandled ${error instanceof Error ? error.name : 'error'}`);
    ctx.status = 500;
    ctx.body = INTERNAL_ERROR;
  }
});

// Create, list, revoke, rotate, and the API-keys page at /auth/api-keys/ui/: the signed-in demo
// user (session cookie), else a Bearer JWT (API keys are refused).
app.use(apiKeyManagement(keyward, { prefix: '/auth/api-keys', authenticate: (ctx) => sessions.authenticate(ctx.headers.cookie), scopeDescriptions: SCOPE_DESCRIPTIONS, ui: true }));

const router = new Router();

// The demo sign-in (demo-session.js): GET /login, POST /login (a session cookie), POST /logout.
const sendDemo = (/** @type {import('koa').Context} */ ctx, /** @type {{ status: number, headers: Record<string, string>, body: string }} */ answer) => {
  ctx.status = answer.status;
  ctx.set(answer.headers);
  ctx.body = answer.body;
};
router.get('/login', (ctx) => sendDemo(ctx, sessions.loginPage()));
router.post('/login', async (ctx) => sendDemo(ctx, sessions.login(ctx.headers, await readForm(ctx.req))));
router.post('/logout', (ctx) => sendDemo(ctx, sessions.logout(ctx.headers)));
const auth = apiKeyAuth(keyward);

router.get('/health', (ctx) => {
  ctx.body = { status: 'ok' };
});

// Authentication and scopes run first; the body is read only after them.
router.post('/v1/run', auth, requireScopes('agents:run'), async (ctx) => {
  const body = ctx.is('application/json') ? await readJsonBody(ctx.req) : { ok: /** @type {const} */ (true), value: undefined };
  if (!body.ok) {
    ctx.status = body.error.status;
    ctx.body = body.error;
    return;
  }
  const input = parseRunInput(body.value);
  if (!input.ok) {
    ctx.status = 422;
    ctx.body = input.error;
    return;
  }
  ctx.status = 202;
  ctx.body = runs.create(ctx.state.auth, input.value);
});

router.get('/v1/runs', auth, requireScopes('agents:read'), (ctx) => {
  ctx.body = { runs: runs.list(ctx.state.auth) };
});

router.get('/v1/runs/:id', auth, requireScopes('agents:read'), (ctx) => {
  const run = runs.get(ctx.state.auth, ctx.params.id);
  ctx.status = run === undefined ? 404 : 200;
  ctx.body = run ?? RUN_NOT_FOUND;
});

// Optional auth: no credential is anonymous, a bad one is still a 401.
router.get('/v1/registries/:slug', apiKeyAuth(keyward, { optional: true }), (ctx) => {
  const registry = findRegistry(ctx.params.slug);
  if (registry === undefined) {
    ctx.status = 404;
    ctx.body = REGISTRY_NOT_FOUND;
    return;
  }
  const failure = registryAccess(registry, ctx.state.auth);
  if (failure !== null) {
    const { status, headers, json } = keyward.respond(failure);
    ctx.status = status;
    ctx.set(headers);
    ctx.body = json;
    return;
  }
  ctx.body = registry;
});

app.use(router.routes());
await serve(createServer(app.callback()));

/**
 * The JSON body of a request (Koa has no parser of its own): `undefined` when empty; 400 when it
 * is not JSON; 413 over 64 KiB (the rest is drained, unkept, so the answer can still be sent).
 * @param {AsyncIterable<Buffer>} stream
 * @returns {Promise<{ ok: true, value: unknown } | { ok: false, error: ReturnType<typeof errorBody> }>}
 */
async function readJsonBody(stream, limit = 65_536) {
  const chunks = [];
  let size = 0;
  for await (const chunk of stream) if ((size += chunk.length) <= limit) chunks.push(chunk);
  if (size > limit) return { ok: false, error: errorBody(413, 'body_too_large', `The body exceeds ${limit} bytes.`) };
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: INVALID_JSON };
  }
}
