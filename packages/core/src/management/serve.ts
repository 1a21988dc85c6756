import { KeyManagerError } from '../errors.js';
import type { ApiKeyInfo, UpdateKeyInput } from '../keys/key-input.js';
import type { OwnerScope } from '../keys/key-manager.js';
import type { Keyward } from '../keyward.js';
import type { Principal } from '../verify/principal.js';
import { limitParam } from '../keys/list-cursor.js';
import { readJsonObject } from './body.js';
import { meBody } from './me.js';
import type { MeSettings } from './me.js';
import type { ManagementPrincipal } from './principal.js';
import { isOrgAdmin } from './principal.js';
import type { ManagementResponse, ProblemResponseOptions } from './responses.js';
import { problemResponse, reply } from './responses.js';
import type { Route } from './routes.js';
import { serveAudit } from './audit-route.js';
import { readRequestId } from '../events/key-events.js';
import type { HeaderInput } from '../verify/credentials.js';
import { readHeader } from '../verify/credentials.js';
import type { ScopeDecision } from './scope-policy.js';

/** What serving a route needs, fixed when the management API is built. */
export interface ServeSettings {
  readonly keyward: Keyward;
  readonly bodyLimitBytes: number;
  readonly decideScopes: ScopeDecision;
  readonly answerOptions: ProblemResponseOptions;
  readonly me: MeSettings;
}

/** An authenticated caller: its management principal, and the principal its scope policy sees. */
export interface Caller {
  readonly management: ManagementPrincipal;
  readonly principal: Principal;
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** The key as a list shows it: never the key or its hash; `createdBy` is the owning account. */
const listed = (k: ApiKeyInfo) => ({
  id: k.id, nickname: k.nickname, scopes: [...k.scopes], start: k.start,
  expiresAt: iso(k.expiresAt), lastUsedAt: iso(k.lastUsedAt), createdAt: iso(k.createdAt), updatedAt: iso(k.updatedAt), createdBy: k.ownerId,
});
/** A freshly minted key: the only time `key` is ever sent. */
const minted = (key: string, k: ApiKeyInfo) => ({
  id: k.id, nickname: k.nickname, key, scopes: [...k.scopes], expiresAt: iso(k.expiresAt), createdAt: iso(k.createdAt), updatedAt: iso(k.updatedAt),
});


/**
 * Serve one matched route for an authenticated caller. A member acts on its own keys in its
 * organization (scope `{ ownerId, orgId }`); an organization admin (`adminRole`, with an
 * organization) lists every key of its organization and acts on any of them (scope `{ orgId }`).
 * A key outside that scope is `not_owner` (401). Keys are always created for the caller itself.
 * Throws what the key manager throws; the caller maps it to an answer.
 */
export async function serveRoute(settings: ServeSettings, route: Route, caller: Caller, rawBody: unknown, headers: HeaderInput): Promise<ManagementResponse> {
  const { keyward, bodyLimitBytes, decideScopes, answerOptions } = settings;
  const { ownerId, orgId } = caller.management;
  const admin = isOrgAdmin(caller.management, settings.me.adminRole);
  // Who acts (and the request's X-Request-Id) labels the key manager's events and audit records.
  const acting = { actor: `user:${ownerId}`, requestId: readRequestId(readHeader(headers, 'x-request-id')) };
  const scope: OwnerScope = admin ? { orgId, ...acting } : { ownerId, orgId, ...acting };
  switch (route.name) {
    case 'audit':
      return serveAudit(keyward, admin, orgId, route.query);
    case 'me':
      return reply(200, meBody(caller.management, settings.me));
    case 'list': {
      // An organization admin lists the organization's keys, anyone else their own; the same paging either way.
      const byOrg = admin && orgId !== null;
      const keys = keyward.keys;
      const inOrg = (items: readonly ApiKeyInfo[]) => items.filter((k) => k.orgId === orgId).map(listed);
      const { query } = route;
      if (!query.has('limit') && !query.has('cursor')) return reply(200, { apiKeys: inOrg(await (byOrg ? keys.listOrg(orgId) : keys.list(ownerId))) });
      // ?limit=&cursor=: one page (limit 1-100, default 20) and the cursor of the next, null at the end.
      const limit = limitParam(query.get('limit'));
      const options = { ...(limit === undefined ? {} : { limit }), cursor: query.get('cursor') };
      const page = await (byOrg ? keys.listOrgPage(orgId, options) : keys.listPage(ownerId, options));
      return reply(200, { apiKeys: inOrg(page.items), nextCursor: page.nextCursor });
    }
    case 'show': {
      const key = await keyward.keys.get(route.id, scope);
      if (key === null) throw new KeyManagerError('not_found', 'API key not found.');
      return reply(200, listed(key));
    }
    case 'update': {
      const body = await readJsonObject(rawBody, bodyLimitBytes);
      if (!body.ok) return problemResponse(body.problem, answerOptions);
      const { nickname, scopes: requested, expiresAt, metadata, ...rest } = body.value;
      const unknown = Object.keys(rest);
      if (unknown.length > 0) throw new KeyManagerError('invalid_input', `Unknown field ${JSON.stringify(unknown[0])}: send nickname, scopes, expiresAt or metadata.`, { field: unknown[0]! });
      const patch: Record<string, unknown> = {};
      if (nickname !== undefined) patch.nickname = nickname;
      if (expiresAt !== undefined) patch.expiresAt = expiresAt;
      if (metadata !== undefined) patch.metadata = metadata;
      if (requested !== undefined) {
        // The scope policy decides new scopes exactly as on create: a caller cannot grant more than it may.
        const scopes = await decideScopes(caller.principal, requested, caller.management);
        if (!scopes.ok) return problemResponse(scopes.problem, answerOptions);
        patch.scopes = scopes.scopes;
      }
      return reply(200, listed(await keyward.keys.update(route.id, patch as UpdateKeyInput, scope)));
    }
    case 'revoke':
      await keyward.keys.revoke(route.id, scope);
      return reply(200, { message: 'API key deleted successfully' });
    case 'create': {
      const body = await readJsonObject(rawBody, bodyLimitBytes);
      if (!body.ok) return problemResponse(body.problem, answerOptions);
      const scopes = await decideScopes(caller.principal, body.value.scopes, caller.management);
      if (!scopes.ok) return problemResponse(scopes.problem, answerOptions);
      const { nickname, expiresAt } = body.value;
      const input = { ownerId, orgId, nickname: nickname as string, scopes: scopes.scopes as string[] | undefined, expiresAt: expiresAt as string | null | undefined };
      const { key, record } = await keyward.keys.create(input, acting);
      return reply(201, minted(key, record));
    }
    case 'rotate': {
      const body = await readJsonObject(rawBody, bodyLimitBytes);
      if (!body.ok) return problemResponse(body.problem, answerOptions);
      const { key, record } = await keyward.keys.rotate(route.id, { ...scope, gracePeriodSeconds: body.value.gracePeriodSeconds as number | undefined });
      return reply(201, minted(key, record));
    }
  }
}
