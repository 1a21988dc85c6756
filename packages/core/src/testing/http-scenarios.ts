import { randomBytes } from 'node:crypto';
import { Server } from 'node:http';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Keyward, KeywardEvent, SessionPrincipal } from '@keyward/core';
import type { KeyStore } from '@keyward/core/store';
import { MemoryKeyStore, MemoryRateLimitStore, createKeyward } from '@keyward/core';
import { createFaultyStore } from './fault-store.js';
import type { FaultyStore } from './fault-store.js';
import type { HttpScenarioManagement, ScenarioContext } from './http-scenarios-helpers.js';
import { signTestJwt } from './http-scenarios-helpers.js';
import { credentialScenarios, guardScenarios } from './http-scenarios-auth.js';
import { managementScenarios } from './http-scenarios-management.js';
import { roleScenarios } from './http-scenarios-roles.js';
import { sessionScenarios } from './http-scenarios-session.js';
import { keyRouteScenarios } from './http-scenarios-key-routes.js';
import { rateLimitScenarios } from './http-scenarios-ratelimit.js';
import { uiScenarios } from './http-scenarios-ui.js';
import { eventScenarios } from './http-scenarios-events.js';
import { listenOnLoopback } from './listen.js';

/** A running server of an {@link HttpScenarioFixture}. */
export type { HttpScenarioManagement } from './http-scenarios-helpers.js';

export interface HttpScenarioServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Stop listening; must resolve promptly even with idle keep-alive connections open. */
  close(): Promise<void>;
}

/**
 * How the suite gets a server. `start(keyward)` builds an app on the adapter under test with
 * exactly these routes (each successful handler answers 200 with the JSON
 * `{ "auth": <the principal the adapter attached, or null> }`), and returns either a `node:http`
 * server that is not listening yet (the suite listens on 127.0.0.1 and closes it), or a server it
 * started itself as `{ url, close }`:
 *
 * | route | auth |
 * |---|---|
 * | `GET /protected` | required |
 * | `GET /optional` | optional (`null` without a credential) |
 * | `GET /optional/scoped` | optional, then `requireScopes('agents:read')` |
 * | `GET /scopes/one` | required, `requireScopes('agents:run')` |
 * | `GET /scopes/all` | required, `requireScopes('agents:run', 'agents:read')` |
 * | `GET /scopes/any` | required, `requireScopes(['triage:read', 'triage:write'], { mode: 'any' })` |
 * | `GET /orgs/:org` | required, `requireOrganization((req) => req.params.org)` |
 * | `GET /acme` | required, `requireOrganization('acme')` |
 * | `GET /costly` | required, cost 5 (`apiKeyAuth(keyward, { cost: 5 })`, Fastify `config: { cost: 5 }`) |
 * | `GET /twice` | required twice (`auth, auth`), then `rateLimit({ cost: 3 })` twice and `requireOrganization('acme')` (Fastify: `config: { cost: 3 }` and the organization preHandler) |
 * | `/auth/api-keys` | the management routes, with no app-wide body parser, mounted with `management` (see {@link HttpScenarioManagement}; its options include `ui: { title: 'Keys of <Acme>' }`, the page) |
 *
 * Any other path answers 404.
 */
export interface HttpScenarioFixture {
  start(keyward: Keyward, management: HttpScenarioManagement): Promise<HttpScenarioServer | Server>;
}

/** The scenario groups of {@link runHttpScenarios}, each a `describe` of its own. */
export type HttpScenarioGroup = 'credentials' | 'guards' | 'management' | 'roles' | 'sessions' | 'key-routes' | 'rate-limits' | 'ui' | 'events';

/** Options of {@link runHttpScenarios}. */
export interface HttpScenarioOptions {
  /**
   * The key store under the suite's keyward (wrapped in a fault store for the outage scenarios);
   * default a fresh `MemoryKeyStore`. Called once, before the server starts. Give each run its own
   * empty store (a fresh table or key prefix): the scenarios mint keys freely.
   */
  readonly store?: () => KeyStore | Promise<KeyStore>;
  /** Run only these groups (default all), e.g. the management groups on a production store. */
  readonly only?: readonly HttpScenarioGroup[];
}

// The scopes the suite's keyward allows keys to hold.
const SCENARIO_SCOPES = ['agents:run', 'agents:read', 'agents:*', 'triage:read', 'triage:write', '*'];
const JWT_SECRET = 'http-scenarios-secret-0123456789-0123456789';
const T0 = Date.UTC(2030, 0, 1);
const SESSION_COOKIE = 'kw_test_session';
let owners = 0;

/** The suite's management options and its cookie sessions (ids are random: a cookie cannot be guessed from another). */
function scenarioSessions() {
  const sessions = new Map<string, SessionPrincipal | 'throws' | 'malformed'>();
  const management: HttpScenarioManagement = {
    options: { adminRole: 'keys-admin', claims: { roles: 'kw_roles' }, scopeDescriptions: { 'agents:run': 'Run agents', 'agents:read': 'Read agent runs' }, ui: { title: 'Keys of <Acme>' } },
    readSession(cookie) {
      const id = /(?:^|;\s*)kw_test_session=([A-Za-z0-9]+)/.exec(cookie ?? '')?.[1];
      const found = id === undefined ? undefined : sessions.get(id);
      if (found === 'throws') throw new Error('the session store is down');
      if (found === 'malformed') return { ownerId: 42 } as unknown as SessionPrincipal;
      return found ?? null;
    },
  };
  const session = (principal: SessionPrincipal | 'throws' | 'malformed') => {
    const id = randomBytes(16).toString('hex');
    sessions.set(id, principal);
    return `${SESSION_COOKIE}=${id}`;
  };
  return { management, session };
}

/**
 * The one HTTP scenario suite every adapter runs unchanged, over real sockets with `fetch`:
 * credentials and their precedence, every failure of the HTTP contract (docs/http-contract.md), scopes, optional auth, the organization
 * guard, the management routes (members, organization admins, cookie sessions and their CSRF check), revocation, rotation grace, store outages and malformed input.
 *
 * @example
 * ```ts
 * import { runHttpScenarios } from '@keyward/core/testing';
 * runHttpScenarios('express 5', { start: async (keyward) => createServer(buildApp(keyward)) });
 * ```
 */
export function runHttpScenarios(name: string, fixture: HttpScenarioFixture, options: HttpScenarioOptions = {}): void {
  describe(`HTTP scenarios: ${name}`, () => {
    let now = T0;
    let keyward: Keyward | undefined;
    let store: FaultyStore | undefined;
    let server: HttpScenarioServer | undefined;
    const { management, session } = scenarioSessions();
    const events: KeywardEvent[] = [];

    beforeAll(async () => {
      store = createFaultyStore(options.store === undefined ? new MemoryKeyStore() : await options.store());
      keyward = createKeyward({
        store, prefixes: ['eck_live_', 'eck_test_'], pepper: 'http-scenarios-pepper-0123456789-0123456789',
        jwt: { secret: JWT_SECRET }, keys: { allowedScopes: SCENARIO_SCOPES }, usage: false, logger: false, now: () => now,
        storeTimeoutMs: options.store === undefined ? 250 : 5_000, // a real store on a busy machine gets time to answer
        rateLimit: { store: new MemoryRateLimitStore(), limits: [] }, // keys of the rate-limit scenarios carry their own rules
        onEvent: (event) => void events.push(event),
      });
      const started = await fixture.start(keyward, management);
      server = started instanceof Server ? await listenOnLoopback(started) : started;
    }, 60_000); // an embedded store (PGlite) takes seconds to start
    afterAll(async () => {
      await server?.close();
      await keyward?.close();
    });

    const need = <T>(value: T | undefined): T => {
      if (value === undefined) throw new Error('the scenario server did not start');
      return value;
    };
    const ctx: ScenarioContext = {
      keyward: () => need(keyward),
      store: () => need(store),
      now: () => now,
      advance: (ms) => {
        now += ms;
      },
      url: () => need(server).url,
      events: () => events,
      async request(method, path, headers = {}, body) {
        const res = await fetch(`${need(server).url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
        const text = await res.text();
        let parsed: unknown = {};
        try {
          parsed = text === '' ? {} : JSON.parse(text);
        } catch {
          parsed = { text };
        }
        return { status: res.status, headers: res.headers, body: parsed as Record<string, unknown> };
      },
      async mint(input = {}) {
        const ownerId = `owner_${++owners}_${Math.random().toString(36).slice(2)}`;
        const { key, record } = await need(keyward).keys.create({
          ownerId, orgId: input.orgId === undefined ? 'acme' : input.orgId, nickname: 'scenario', scopes: input.scopes ?? [], expiresAt: input.expiresAt ?? null,
        });
        return { key, id: record.id, ownerId };
      },
      token: (sub, org, roles) => signTestJwt(JWT_SECRET, { sub, org, [management.options.claims.roles]: roles }, now),
      session,
      management,
    };

    const groups: Record<HttpScenarioGroup, (context: ScenarioContext) => void> = {
      credentials: credentialScenarios, guards: guardScenarios, management: managementScenarios, roles: roleScenarios, sessions: sessionScenarios,
      'key-routes': keyRouteScenarios, 'rate-limits': rateLimitScenarios, ui: uiScenarios, events: eventScenarios,
    };
    for (const [group, scenarios] of Object.entries(groups) as [HttpScenarioGroup, (context: ScenarioContext) => void][]) {
      if (options.only === undefined || options.only.includes(group)) scenarios(ctx);
    }
  });
}
