import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createManagementApi } from '../management/management.js';
import { nodeRequestHeaders } from '../verify/credentials.js';
import { createOrganizationGuard, createScopeGuard } from '../http/guards.js';
import type { Keyward } from '../keyward.js';
import type { Principal } from '../verify/principal.js';
import type { AuthFailure } from '../errors.js';
import { runHttpScenarios } from './http-scenarios.js';
import type { HttpScenarioManagement } from './http-scenarios.js';
import { listenOnLoopback } from './listen.js';

// The reference fixture: the suite's routes on bare node:http with the core alone, so the suite is
// known to hold independently of any adapter.
async function start(keyward: Keyward, mount: HttpScenarioManagement) {
  const management = createManagementApi(keyward, { ...mount.options, authenticate: (req: IncomingMessage) => mount.readSession(req.headers.cookie) });
  type Route = { optional: boolean; guard?: (p: Principal | null, params: { org?: string }) => AuthFailure | null; cost?: number };
  const scoped = (...args: Parameters<typeof createScopeGuard>) => createScopeGuard(...args);
  const routes: Record<string, Route> = {
    '/protected': { optional: false },
    '/optional': { optional: true },
    '/optional/scoped': { optional: true, guard: scoped('agents:read') },
    '/scopes/one': { optional: false, guard: scoped('agents:run') },
    '/scopes/all': { optional: false, guard: scoped('agents:run', 'agents:read') },
    '/scopes/any': { optional: false, guard: scoped(['triage:read', 'triage:write'], { mode: 'any' }) },
    '/acme': { optional: false, guard: createOrganizationGuard('acme') },
    '/costly': { optional: false, cost: 5 },
    '/twice': { optional: false, cost: 3, guard: createOrganizationGuard('acme') },
  };
  const byOrg = createOrganizationGuard((params: { org?: string }) => params.org);
  const server = createServer(async (req, res) => {
    const send = (r: { status: number; headers: Readonly<Record<string, string>>; json: string; text?: string }) => res.writeHead(r.status, r.headers).end(r.text ?? r.json);
    const { pathname: path, search } = new URL(req.url ?? '/', 'http://x');
    if (path === '/auth/api-keys' || path.startsWith('/auth/api-keys/')) {
      const answer = await management.handle({ method: req.method ?? 'GET', path: path.slice('/auth/api-keys'.length) + search, headers: nodeRequestHeaders(req), body: req, raw: req });
      if (answer) return send(answer);
    }
    const org = /^\/orgs\/([^/]+)$/.exec(path)?.[1];
    const route = org === undefined ? routes[path] : { optional: false, guard: byOrg };
    if (route === undefined || req.method !== 'GET') return send({ status: 404, headers: {}, json: '{}' });
    const result = await keyward.authenticate(nodeRequestHeaders(req), { optional: true });
    const failure = !result.ok ? result.failure : !route.optional && result.principal === null ? { code: 'missing_credentials' as const } : (route.guard?.(result.principal, org === undefined ? {} : { org }) ?? null);
    if (failure) return send(keyward.respond(failure, { principal: result.ok ? result.principal : null, headers: nodeRequestHeaders(req) }));
    let limited = await keyward.limit(result.ok ? result.principal : null, { cost: route.cost ?? 1 });
    if (path === '/twice') limited = await keyward.limit(result.ok ? result.principal : null, { cost: 3, previous: limited }); // asked again: counted once
    if (!limited.ok) return send(keyward.respond(limited.failure));
    send({ status: 200, headers: { 'content-type': 'application/json', ...limited.headers }, json: JSON.stringify({ auth: result.ok ? result.principal : null }) });
  });
  return listenOnLoopback(server);
}

runHttpScenarios('node:http + core', { start });
