// The reference app (examples/README.md) on Express 5. Copy this folder, `npm install`, `node server.js`
// (in the keyward repository: `pnpm build`, then `pnpm --dir examples/express start`).
// reference-app.js holds the framework-free half (config, store, runs, log, banner, shutdown);
// this file is the Express wiring, the same routes as examples/fastify and examples/koa.
import { createServer } from 'node:http';
import express from 'express';
import { apiKeyAuth, apiKeyManagement, requireScopes } from '@keyward/express';
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

const { keyward, sessions, runs, logRequest, serve } = await startReferenceApp('express');
const app = express();
app.disable('x-powered-by');

// One log line per request: method, path, status, time, key id. Never a header value.
app.use((req, res, next) => {
  const started = performance.now();
  res.on('finish', () => logRequest({ method: req.method, url: req.originalUrl, status: res.statusCode, durationMs: performance.now() - started, principal: req.auth }));
  next();
});

app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});

// The demo sign-in (demo-session.js): GET /login, POST /login (a session cookie), POST /logout.
const sendDemo = (/** @type {express.Response} */ res, /** @type {{ status: number, headers: Record<string, string>, body: string }} */ answer) => void res.status(answer.status).set(answer.headers).end(answer.body);
app.get('/login', (_req, res) => sendDemo(res, sessions.loginPage()));
app.post('/login', async (req, res) => sendDemo(res, sessions.login(req.headers, await readForm(req))));
app.post('/logout', (req, res) => sendDemo(res, sessions.logout(req.headers)));

// Create, list, revoke, rotate, and the API-keys page at /auth/api-keys/ui/: the signed-in demo
// user (session cookie), else a Bearer JWT (API keys are refused).
app.use('/auth/api-keys', apiKeyManagement(keyward, { authenticate: (req) => sessions.authenticate(req.headers.cookie), scopeDescriptions: SCOPE_DESCRIPTIONS, ui: true }));

// API routes: authentication first, then scopes, and only then is the body read.
const auth = apiKeyAuth(keyward);
const json = express.json({ limit: '64kb' });

app.post('/v1/run', auth, requireScopes('agents:run'), json, (req, res) => {
  const input = parseRunInput(req.body);
  if (!input.ok) return void res.status(422).json(input.error);
  res.status(202).json(runs.create(req.auth, input.value));
});

app.get('/v1/runs', auth, requireScopes('agents:read'), (req, res) => {
  res.json({ runs: runs.list(req.auth) });
});

app.get('/v1/runs/:id', auth, requireScopes('agents:read'), (req, res) => {
  const run = runs.get(req.auth, req.params.id);
  if (run === undefined) return void res.status(404).json(RUN_NOT_FOUND);
  res.json(run);
});

// Optional auth: no credential is anonymous, a bad one is still a 401.
app.get('/v1/registries/:slug', apiKeyAuth(keyward, { optional: true }), (req, res) => {
  const registry = findRegistry(req.params.slug);
  if (registry === undefined) return void res.status(404).json(REGISTRY_NOT_FOUND);
  const failure = registryAccess(registry, req.auth);
  if (failure !== null) {
    const { status, headers, json: body } = keyward.respond(failure);
    return void res.status(status).set(headers).send(body);
  }
  res.json(registry);
});

app.use((_req, res) => {
  res.status(404).json(ROUTE_NOT_FOUND);
});

// Errors: body-parser's 4xx keep their status; anything else is a bare 500. The error itself is
// not logged: a JSON parse error can quote the body, which may hold a key.
app.use((/** @type {any} */ error, /** @type {express.Request} */ req, /** @type {express.Response} */ res, /** @type {express.NextFunction} */ next) => {
  if (res.headersSent) return next(error);
  const status = typeof error?.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
  if (status === 500) console.error(`${req.method} ${safePath(req.originalUrl)}: unhandled ${error?.name ?? 'error'}`);
  if (error?.type === 'entity.parse.failed') return void res.status(400).json(INVALID_JSON);
  res.status(status).json(status === 500 ? INTERNAL_ERROR : errorBody(status, 'unreadable_body', 'The request body could not be read.'));
});

await serve(createServer(app));
