// The reference app (examples/README.md) on Fastify 5. Copy this folder, `npm install`, `node server.js`
// (in the keyward repository: `pnpm build`, then `pnpm --dir examples/fastify start`).
// reference-app.js holds the framework-free half (config, store, runs, log, banner, shutdown);
// this file is the Fastify wiring, the same routes as examples/express and examples/koa.
import Fastify from 'fastify';
import keywardPlugin, { apiKeyManagement } from '@keyward/fastify';
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

const { keyward, sessions, runs, logRequest, serve } = await startReferenceApp('fastify');
const app = Fastify({ logger: false, bodyLimit: 65_536 });

// One log line per request: method, path, status, time, key id. Never a header value.
app.addHook('onResponse', async (request, reply) => {
  logRequest({ method: request.method, url: request.url, status: reply.statusCode, durationMs: reply.elapsedTime, principal: request.auth });
});

// An empty JSON body is no body (a 422 from the validation below), as on Express and Koa.
const parseJson = app.getDefaultJsonParser('error', 'error');
app.removeContentTypeParser('application/json');
app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
  String(body).trim() === '' ? done(null, undefined) : parseJson(request, String(body), done),
);

// API-key auth runs in onRequest, before the body is parsed, on every route unless its config
// says otherwise; `config.scopes` adds the scope check.
await app.register(keywardPlugin, { keyward });
// The demo sign-in (demo-session.js): GET /login, POST /login (a session cookie), POST /logout.
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 1_024 }, (_request, body, done) => done(null, body));
const sendDemo = (/** @type {import('fastify').FastifyReply} */ reply, /** @type {{ status: number, headers: Record<string, string>, body: string }} */ answer) => reply.code(answer.status).headers(answer.headers).send(answer.body);
app.get('/login', { config: { auth: false } }, async (_request, reply) => sendDemo(reply, sessions.loginPage()));
app.post('/login', { config: { auth: false } }, async (request, reply) => sendDemo(reply, sessions.login(request.headers, typeof request.body === 'string' ? request.body : '')));
app.post('/logout', { config: { auth: false } }, async (request, reply) => sendDemo(reply, sessions.logout(request.headers)));

// Create, list, revoke, rotate, and the API-keys page at /auth/api-keys/ui/: the signed-in demo
// user (session cookie), else a Bearer JWT (API keys are refused).
await app.register(apiKeyManagement, { keyward, prefix: '/auth/api-keys', authenticate: (request) => sessions.authenticate(request.headers.cookie), scopeDescriptions: SCOPE_DESCRIPTIONS, ui: true });

app.get('/health', { config: { auth: false } }, async () => ({ status: 'ok' }));

app.post('/v1/run', { config: { scopes: ['agents:run'] } }, async (request, reply) => {
  const input = parseRunInput(request.body);
  if (!input.ok) return reply.code(422).send(input.error);
  return reply.code(202).send(runs.create(request.auth, input.value));
});

app.get('/v1/runs', { config: { scopes: ['agents:read'] } }, async (request) => ({ runs: runs.list(request.auth) }));

app.get('/v1/runs/:id', { config: { scopes: ['agents:read'] } }, async (request, reply) => {
  const run = runs.get(request.auth, /** @type {{ id: string }} */ (request.params).id);
  return run === undefined ? reply.code(404).send(RUN_NOT_FOUND) : run;
});

// Optional auth: no credential is anonymous, a bad one is still a 401.
app.get('/v1/registries/:slug', { config: { auth: 'optional' } }, async (request, reply) => {
  const registry = findRegistry(/** @type {{ slug: string }} */ (request.params).slug);
  if (registry === undefined) return reply.code(404).send(REGISTRY_NOT_FOUND);
  const failure = registryAccess(registry, request.auth);
  if (failure === null) return registry;
  const { status, headers, json } = keyward.respond(failure);
  return reply.code(status).headers(headers).send(json);
});

app.setNotFoundHandler((_request, reply) => reply.code(404).send(ROUTE_NOT_FOUND));

// Fastify's 4xx (bad JSON, too large, unsupported type) keep their status; anything else is a
// bare 500. The error itself is not logged: a JSON parse error can quote the body.
app.setErrorHandler((error, request, reply) => {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) {
    console.error(`${request.method} ${safePath(request.url)}: unhandled ${error.name}`);
    return reply.code(500).send(INTERNAL_ERROR);
  }
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) return reply.code(400).send(INVALID_JSON);
  return reply.code(status).send(errorBody(status, 'unreadable_body', 'The request body could not be read.'));
});

await serve({
  listen: async (port, host) => (await app.listen({ port, host }), /** @type {import('node:net').AddressInfo} */ (app.server.address())),
  close: () => app.close(),
});
