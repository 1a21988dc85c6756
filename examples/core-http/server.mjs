// keyward on plain node:http: the core does every auth decision, this file only translates.
// Start with `pnpm demo` from the repository root (it builds first). PORT (default 3000).
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { MemoryKeyStore, compileScopes, createKeyward } from '@keyward/core';

const port = Number(process.env.PORT ?? 3000);
let pepper = process.env.KEYWARD_PEPPER;
if (!pepper) {
  pepper = 'demo-pepper-do-not-use-in-production-0123456789';
  console.warn('KEYWARD_PEPPER is not set: using a demo pepper. Set it to 32+ random bytes in production.');
}

const keyward = createKeyward({
  store: new MemoryKeyStore(),
  prefixes: ['eck_live_', 'eck_test_'],
  pepper,
  keys: { allowedScopes: ['agents:run', 'agents:read'] },
});

// Routes: method + path → required scopes (null: no auth) and handler.
const runs = [];
const canRun = compileScopes('agents:run');
const canRead = compileScopes('agents:read');
const routes = {
  'GET /health': { scopes: null, handle: () => [200, { status: 'ok' }] },
  'POST /v1/run': {
    scopes: canRun,
    handle: (principal, body) => {
      const run = { id: randomUUID(), status: 'queued', agent_type: body?.agent_type ?? null, task: body?.task ?? null, orgId: principal.orgId };
      runs.push(run);
      return [202, run];
    },
  },
  'GET /v1/runs': { scopes: canRead, handle: (principal) => [200, { runs: runs.filter((r) => r.orgId === principal.orgId) }] },
};

function send(res, status, headers, json) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(json);
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    return undefined;
  }
}

const server = createServer(async (req, res) => {
  const started = process.hrtime.bigint();
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  const route = routes[`${req.method} ${path}`];
  let keyId = '-';
  res.on('finish', () => {
    // Request log: never the key or any header value, only the key id.
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    console.log(`${req.method} ${path} ${res.statusCode} key=${keyId} ${ms.toFixed(1)}ms`);
  });
  if (!route) return send(res, 404, {}, JSON.stringify({ status: 404, error: 'Not Found' }));
  if (route.scopes === null) {
    const [status, body] = route.handle();
    return send(res, status, {}, JSON.stringify(body));
  }
  const result = await keyward.authenticate(req.headers);
  const failure = result.ok ? route.scopes.check(result.principal) : result.failure;
  if (result.ok) keyId = result.principal.keyId ?? 'jwt';
  if (failure) {
    const r = keyward.respond(failure);
    return send(res, r.status, r.headers, r.json);
  }
  const body = await readJson(req);
  if (body === undefined) return send(res, 400, {}, JSON.stringify({ status: 400, error: 'Bad Request', message: 'Invalid JSON.' }));
  const [status, payload] = route.handle(result.principal, body);
  send(res, status, {}, JSON.stringify(payload));
});

const full = await keyward.keys.create({ ownerId: 'demo-user', orgId: 'acme', nickname: 'full access', scopes: ['agents:run', 'agents:read'] });
const readOnly = await keyward.keys.create({ ownerId: 'demo-user', orgId: 'acme', nickname: 'read only', scopes: ['agents:read'] });

server.listen(port, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${port}`;
  console.log(`keyward demo listening on ${url}
Two demo keys were minted (shown once, never stored: only their HMAC is):
  full access (agents:run agents:read): ${full.key}
  read only   (agents:read):            ${readOnly.key}

Try:
  curl -i ${url}/v1/run -H 'X-API-Key: ${full.key}' -H 'content-type: application/json' -d '{"agent_type":"triage","task":"hello"}'
  curl -i ${url}/v1/runs -H 'Authorization: Bearer ${readOnly.key}'
  curl -i ${url}/v1/run -X POST -H 'X-API-Key: ${readOnly.key}'      # 403 insufficient_scope
  curl -i ${url}/v1/runs -H 'X-API-Key: eck_live_not-a-real-key'     # 401 invalid_api_key
  curl -i ${url}/v1/runs                                             # 401 missing_credentials
`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close();
    void keyward.close().then(() => process.exit(0));
  });
}
