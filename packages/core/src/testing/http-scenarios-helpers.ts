import { SignJWT } from 'jose';
import { expect } from 'vitest';
import type { Keyward, KeywardEvent, SessionPrincipal } from '@keyward/core';
import type { FaultyStore } from './fault-store.js';

/** A response as the scenarios read it: the body parsed as JSON when it is JSON. */
export interface ScenarioResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

/** What the scenario groups share while the suite runs. */
export interface ScenarioContext {
  readonly keyward: () => Keyward;
  readonly store: () => FaultyStore;
  /** The injected clock, in ms. */
  readonly now: () => number;
  /** Move the injected clock forward. */
  readonly advance: (ms: number) => void;
  /** `fetch` against the running server. */
  readonly request: (method: string, path: string, headers?: Record<string, string>, body?: string) => Promise<ScenarioResponse>;
  /** Base URL of the running server, for requests fetch cannot make (see `http-scenarios-raw.ts`). */
  readonly url: () => string;
  /** Every event the suite's keyward reported (`onEvent`), oldest first. */
  readonly events: () => readonly KeywardEvent[];
  /** Mint a key for a fresh owner (org `acme` unless given). */
  readonly mint: (input?: { scopes?: string[]; orgId?: string | null; expiresAt?: Date }) => Promise<{ key: string; id: string; ownerId: string }>;
  /** A management JWT (HS256) for `sub`, with the `org` claim and, when given, roles (in the suite's roles claim). */
  readonly token: (sub: string, org?: string, roles?: readonly string[] | string) => Promise<string>;
  /**
   * A signed-in browser session for the `authenticate` option: the `Cookie` header value that makes
   * it return `principal`; `'throws'` makes it throw, `'malformed'` return a non-principal.
   */
  readonly session: (principal: SessionPrincipal | 'throws' | 'malformed') => string;
  /** The management options the suite asked the fixture to mount with (see `HttpScenarioManagement`). */
  readonly management: HttpScenarioManagement;
}

/**
 * What the suite asks of the fixture's management mount (`/auth/api-keys`): pass `options` as they
 * are, and an `authenticate` option that reads the request's `Cookie` header through the
 * framework's own request object (Express `req.get('cookie')`, Fastify `request.raw.headers.cookie`,
 * Koa `ctx.get('cookie')`) and returns `readSession(cookie)`.
 *
 * @example
 * ```ts
 * app.use('/auth/api-keys', apiKeyManagement(keyward, { ...management.options, authenticate: (req) => management.readSession(req.get('cookie')) }));
 * ```
 */
export interface HttpScenarioManagement {
  readonly options: {
    readonly adminRole: string;
    readonly claims: { readonly roles: string };
    readonly scopeDescriptions: Readonly<Record<string, string>>;
    /** The page (docs/ui.md), titled `Keys of <Acme>` (the title is escaped in the HTML). */
    readonly ui: { readonly title: string };
  };
  /** The session principal of a `Cookie` header (`null`: no session, the JWT path); may throw, like a failing session store. */
  readonly readSession: (cookie: string | undefined) => SessionPrincipal | null;
}

/**
 * Assert a keyward failure response: status, JSON content type, the body fields of the HTTP contract (docs/http-contract.md), and the
 * RFC 6750 challenge of a 401 (bare `Bearer realm` when nothing was presented or for another
 * account's key, else `error="invalid_token"`).
 *
 * @example
 * ```ts
 * expectFailure({ status: res.status, headers: res.headers, body: await res.json() }, 401, 'missing_credentials');
 * ```
 */
export function expectFailure(res: ScenarioResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(res.body.status).toBe(status);
  expect(typeof res.body.error).toBe('string');
  expect(typeof res.body.message).toBe('string');
  if (status !== 401) return;
  // No credential, or a valid token refused for another account's key (docs/management-api.md): a bare challenge.
  const bare = code === 'missing_credentials' || code === 'not_owner';
  const challenge = bare ? 'Bearer realm="keyward"' : 'Bearer realm="keyward", error="invalid_token"';
  expect(res.headers.get('www-authenticate')).toBe(challenge);
}


/**
 * Sign a management JWT (HS256) for tests: `sub`, an optional `org` claim and any other claims, issued at `nowMs`
 * (default the real clock) and valid for ten minutes.
 *
 * @example
 * ```ts
 * const token = await signTestJwt(SECRET, { sub: 'user_1', org: 'acme' });
 * await fetch(url, { headers: { authorization: `Bearer ${token}` } });
 * ```
 */
export function signTestJwt(secret: string, claims: { readonly sub: string; readonly org?: string; readonly [claim: string]: unknown }, nowMs: number = Date.now()): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  const { sub: _sub, ...others } = claims;
  const payload = Object.fromEntries(Object.entries(others).filter(([, value]) => value !== undefined));
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600)
    .sign(new TextEncoder().encode(secret));
}
