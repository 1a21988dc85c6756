// One HTTP server of the HTTP benchmark (bench/http.mjs), run in its own process so that it does
// not share a thread with the load generator. `node bench/http-server.mjs <framework> <variant>`,
// started with an IPC channel: it answers `ready` with its port, the credentials clients must send
// and how keyward is wired (real adapter or core stand-in), then serves `mark` (CPU time and store
// calls so far) until it is told to `stop`; `profile-start` / `profile-stop` take a CPU profile
// of the window between them (written to the file named in `profile-stop`).
//
// Every server answers GET /bench with the same small JSON body. Keyward variants require the
// scope `agents:run` on that route; the peers authenticate only (they have no scopes).
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { createKeyward, MemoryKeyStore } from '@keyward/core';
import { createScopeGuard } from '@keyward/core/adapter';
import { createFaultyStore } from '@keyward/core/testing';
import { PREFIX } from './lib.mjs';

const [framework, variant] = process.argv.slice(2);
const BODY = { ok: true, runs: [] };
const pepper = crypto.randomBytes(32);
const jwtSecret = crypto.createSecretKey(crypto.randomBytes(32));

const store = createFaultyStore(new MemoryKeyStore());
const keyward = createKeyward({ store, prefixes: [PREFIX], pepper, logger: false });
const { key } = await keyward.keys.create({ ownerId: 'user_1', orgId: 'acme', nickname: 'bench', scopes: ['agents:run', 'agents:read'], metadata: { team: 'platform' } });
const canRun = createScopeGuard('agents:run');
// What the no-op auth variant attaches when an X-API-Key header is present: the key's principal,
// without verifying anything. It reads the header, as any API-key auth must (Node builds
// `req.headers` lazily, on first access; a bare route that never reads a header does not pay it).
const PRINCIPAL = (await keyward.authenticate({ 'x-api-key': key })).principal;

/** An HS256 JWT signed with jose (resolved from @keyward/core, whose dependency it is). */
async function signJwt() {
  const require = createRequire(createRequire(import.meta.url).resolve('@keyward/core'));
  const { SignJWT } = await import(pathToFileURL(require.resolve('jose')).href);
  return new SignJWT({ scope: 'agents:run agents:read' }).setProtectedHeader({ alg: 'HS256' }).setSubject('user_1').setIssuedAt().setExpirationTime('2h').sign(jwtSecret);
}

/** The adapter package if it is built and exports `name`, else null (the core stand-in is used). */
async function adapter(pkg, name) {
  try {
    const mod = await import(pkg);
    return typeof mod[name] === 'function' ? mod : null;
  } catch {
    return null;
  }
}

let wiring = 'none';

// ---- Express ---------------------------------------------------------------------------------
async function expressApp() {
  const { default: express } = await import('express');
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const handler = (req, res) => res.json(BODY);
  const send = (res, r) => res.status(r.status).set(r.headers).send(r.json);
  if (variant === 'bare') {
    app.get('/bench', handler);
  } else if (variant === 'noop-auth') {
    app.use((req, res, next) => {
      Promise.resolve(req.headers['x-api-key'] === undefined ? null : PRINCIPAL).then((principal) => {
        req.auth = principal;
        next();
      }, next);
    });
    app.get('/bench', (req, res, next) => next(), handler);
  } else if (variant.startsWith('keyward')) {
    const real = variant === 'keyward-standin' ? null : await adapter('@keyward/express', 'apiKeyAuth');
    if (real !== null) {
      wiring = 'real adapter';
      app.use(real.apiKeyAuth(keyward));
      app.get('/bench', real.requireScopes('agents:run'), handler);
    } else {
      wiring = 'core stand-in';
      app.use(async (req, res, next) => {
        const r = await keyward.authenticate(req.headers);
        if (!r.ok) return send(res, keyward.respond(r.failure));
        req.auth = r.principal;
        next();
      });
      const scope = (req, res, next) => {
        const failure = canRun(req.auth);
        return failure === null ? next() : send(res, keyward.respond(failure));
      };
      app.get('/bench', scope, handler);
    }
  } else if (variant === 'passport') {
    const { default: passport } = await import('passport');
    const { default: HeaderAPIKeyStrategy } = await import('passport-headerapikey');
    const keys = new Map([[key, { id: 'user_1' }]]);
    passport.use(new HeaderAPIKeyStrategy.HeaderAPIKeyStrategy({ header: 'X-API-Key', prefix: '' }, false, (apiKey, done) => done(null, keys.get(apiKey) ?? false)));
    app.use(passport.initialize());
    app.get('/bench', passport.authenticate('headerapikey', { session: false }), handler);
  } else if (variant === 'express-jwt') {
    const { expressjwt } = await import('express-jwt');
    app.get('/bench', expressjwt({ secret: jwtSecret, algorithms: ['HS256'] }), handler);
  } else throw new Error(`unknown express variant ${variant}`);
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, close: () => new Promise((r) => server.close(r)) }));
  });
}

// ---- Fastify ---------------------------------------------------------------------------------
async function fastifyApp() {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  const handler = async () => BODY;
  if (variant === 'bare') {
    app.get('/bench', handler);
  } else if (variant === 'noop-auth') {
    app.decorateRequest('auth', null);
    app.addHook('onRequest', async (request) => {
      request.auth = await Promise.resolve(request.headers['x-api-key'] === undefined ? null : PRINCIPAL);
    });
    app.get('/bench', handler);
  } else if (variant.startsWith('keyward')) {
    const real = variant === 'keyward-standin' ? null : await adapter('@keyward/fastify', 'default');
    if (real !== null) {
      wiring = 'real adapter';
      await app.register(real.default, { keyward });
      app.get('/bench', { config: { scopes: ['agents:run'] } }, handler);
    } else {
      wiring = 'core stand-in';
      const send = (reply, r) => reply.code(r.status).headers(r.headers).send(r.json);
      app.decorateRequest('auth', null);
      app.addHook('onRequest', async (request, reply) => {
        const r = await keyward.authenticate(request.headers);
        if (!r.ok) return send(reply, keyward.respond(r.failure));
        request.auth = r.principal;
      });
      const scope = async (request, reply) => {
        const failure = canRun(request.auth);
        if (failure !== null) return send(reply, keyward.respond(failure));
      };
      app.get('/bench', { preHandler: scope }, handler);
    }
  } else if (variant === 'bearer-auth') {
    const { default: bearerAuth } = await import('@fastify/bearer-auth');
    await app.register(bearerAuth, { keys: new Set([key]) });
    app.get('/bench', handler);
  } else throw new Error(`unknown fastify variant ${variant}`);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { port: app.server.address().port, close: () => app.close() };
}

// ---- Koa -------------------------------------------------------------------------------------
async function koaApp() {
  const { default: Koa } = await import('koa');
  const app = new Koa();
  const handler = (ctx) => {
    if (ctx.path === '/bench' && ctx.method === 'GET') ctx.body = BODY;
  };
  if (variant === 'bare') {
    app.use(handler);
  } else if (variant === 'noop-auth') {
    app.use(async (ctx, next) => {
      ctx.state.auth = await Promise.resolve(ctx.headers['x-api-key'] === undefined ? null : PRINCIPAL);
      await next();
    });
    app.use((ctx, next) => next());
    app.use(handler);
  } else if (variant.startsWith('keyward')) {
    const real = variant === 'keyward-standin' ? null : await adapter('@keyward/koa', 'apiKeyAuth');
    if (real !== null) {
      wiring = 'real adapter';
      app.use(real.apiKeyAuth(keyward));
      app.use(real.requireScopes('agents:run'));
    } else {
      wiring = 'core stand-in';
      const send = (ctx, r) => {
        ctx.status = r.status;
        ctx.set(r.headers);
        ctx.body = r.json;
      };
      app.use(async (ctx, next) => {
        const r = await keyward.authenticate(ctx.headers);
        if (!r.ok) return send(ctx, keyward.respond(r.failure));
        ctx.state.auth = r.principal;
        const failure = canRun(r.principal);
        if (failure !== null) return send(ctx, keyward.respond(failure));
        return next();
      });
    }
    app.use(handler);
  } else if (variant === 'koa-jwt') {
    const { default: jwt } = await import('koa-jwt');
    app.use(jwt({ secret: jwtSecret, algorithms: ['HS256'] }));
    app.use(handler);
  } else throw new Error(`unknown koa variant ${variant}`);
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, close: () => new Promise((r) => server.close(r)) }));
  });
}

const apps = { express: expressApp, fastify: fastifyApp, koa: koaApp };
if (!(framework in apps)) throw new Error(`unknown framework ${framework}`);
const server = await apps[framework]();
const jwt = await signJwt();
store.resetCalls();

let profiler = null;
process.on('message', async (message) => {
  if (message.type === 'mark') {
    const cpu = process.cpuUsage();
    process.send({ type: 'mark', id: message.id, cpuMicros: cpu.user + cpu.system, userMicros: cpu.user, findByHash: store.calls.findByHash, heapUsed: process.memoryUsage().heapUsed });
  } else if (message.type === 'profile-start') {
    // bench/scale-http.mjs: a CPU profile of the load window only (not of start-up).
    const { Session } = await import('node:inspector');
    profiler = new Session();
    profiler.connect();
    const post = (method, params) => new Promise((resolve, reject) => profiler.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: message.intervalMicros ?? 200 });
    await post('Profiler.start');
    profiler.stopProfile = () => post('Profiler.stop');
    process.send({ type: 'profile-started' });
  } else if (message.type === 'profile-stop') {
    const { profile } = await profiler.stopProfile();
    profiler.disconnect();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(message.file, JSON.stringify(profile));
    process.send({ type: 'profile-stopped', file: message.file });
  } else if (message.type === 'stop') {
    await server.close();
    await keyward.close();
    process.disconnect();
  }
});
// Credentials go to the parent over IPC only (never printed).
process.send({ type: 'ready', port: server.port, wiring, credentials: { key, jwt } });
