import type { FailureCode } from '../errors.js';

/**
 * Fields every event carries. Never key material nor a hash: at most the key's `start` hint.
 *
 * @example
 * ```ts
 * createKeyward({ store, prefixes, onEvent: (e) => console.log(e.type, e.actor, e.keyId, e.requestId) });
 * ```
 */
export interface KeywardEventBase {
  readonly time: Date;
  /** Who acted: `user:<ownerId>` (management API), `key:<keyId>` (an API key), `anonymous`, or `system` (default). */
  readonly actor: string;
  readonly orgId: string | null;
  readonly keyId: string | null;
  /** The request's `x-request-id` when known. */
  readonly requestId: string | null;
}

/** A key was minted by `keyward.keys.create` (or the management API). */
export interface KeyCreatedEvent extends KeywardEventBase {
  readonly type: 'authn_token_created';
  readonly ownerId: string;
  readonly nickname: string;
  readonly scopes: readonly string[];
  /** Display hint: prefix + first 4 characters of the secret. */
  readonly start: string;
  readonly expiresAt: Date | null;
}

/** A key's nickname, scopes, expiry, metadata or rate limits changed. */
export interface KeyUpdatedEvent extends KeywardEventBase {
  readonly type: 'authn_token_updated';
  readonly ownerId: string;
  /** Names of the fields the update gave. */
  readonly fields: readonly string[];
}

/** A key was replaced by a new one (`keyId` the old key, `newKeyId` its replacement). */
export interface KeyRotatedEvent extends KeywardEventBase {
  readonly type: 'authn_token_rotated';
  readonly ownerId: string;
  readonly newKeyId: string;
  /** When the old key stops working. */
  readonly previousExpiresAt: Date;
}

/** A key was revoked. */
export interface KeyRevokedEvent extends KeywardEventBase {
  readonly type: 'authn_token_revoked';
  readonly ownerId: string;
  /** Its replacement, when the key had been rotated and was still in its grace period. */
  readonly replacedById: string | null;
}

/**
 * A revoked key, or a key that a rotation replaced and whose grace period is over, was presented.
 * The first use of a key in an interval is reported at once (`count` 1); further uses in the same
 * interval are reported together when it ends (`count` of them).
 */
export interface KeyReuseEvent extends KeywardEventBase {
  readonly type: 'authn_token_reuse';
  readonly reason: 'revoked' | 'rotated';
  readonly count: number;
}

/**
 * Failed authentications, aggregated: one event per (configured key prefix or `'none'`, failure
 * code) per interval (`events.authnFailIntervalMs`), with how many there were since `since`.
 */
export interface AuthnFailEvent extends KeywardEventBase {
  readonly type: 'authn_fail';
  readonly code: FailureCode;
  /** The configured prefix the credential carried, or `'none'` (no key, a JWT, an unknown prefix). */
  readonly prefix: string;
  readonly count: number;
  readonly since: Date;
}

/** An authenticated caller was refused by a guard (`requireScopes`, `requireOrganization`). */
export interface AuthzFailEvent extends KeywardEventBase {
  readonly type: 'authz_fail';
  readonly code: 'insufficient_scope' | 'forbidden_organization';
  /** Scopes the route required (`insufficient_scope`). */
  readonly required: readonly string[] | null;
  /** The organization the route required (`forbidden_organization`), when known. */
  readonly requiredOrgId: string | null;
}

/** A leak report named a key of this application (`outcome` as given to `onLeak`). */
export interface LeakReportedEvent extends KeywardEventBase {
  readonly type: 'leak_reported';
  readonly outcome: 'revoked' | 'reported' | 'already_inactive';
  readonly url: string | null;
  readonly source: string | null;
}

/**
 * A rate limit or quota refused a request. Like reuse: the first refusal of a key (per code) in an
 * interval is reported at once, the others of the interval together when it ends.
 */
export interface RateLimitExceededEvent extends KeywardEventBase {
  readonly type: 'ratelimit_exceeded';
  readonly code: 'rate_limited' | 'quota_exceeded';
  /** The limit that refused, when known. */
  readonly policy: string | null;
  readonly count: number;
}

/**
 * Every event `onEvent` receives (docs/events.md). Switch on `type`.
 *
 * @example
 * ```ts
 * onEvent(event: KeywardEvent) {
 *   if (event.type === 'authn_token_reuse') alert(`revoked key ${event.keyId} used ${event.count}×`);
 * }
 * ```
 */
export type KeywardEvent =
  | KeyCreatedEvent
  | KeyUpdatedEvent
  | KeyRotatedEvent
  | KeyRevokedEvent
  | KeyReuseEvent
  | AuthnFailEvent
  | AuthzFailEvent
  | LeakReportedEvent
  | RateLimitExceededEvent;

/** The `type` of a {@link KeywardEvent}. */
export type KeywardEventType = KeywardEvent['type'];

/**
 * Settings of events (`createKeyward({ events })`).
 *
 * @example
 * ```ts
 * createKeyward({ store, prefixes, onEvent, events: { authnFailIntervalMs: 10_000 } });
 * ```
 */
export interface EventOptions {
  /** How long failures (and repeated reuse / rate-limit refusals) are counted before one event reports them (default 60 000 ms). */
  readonly authnFailIntervalMs?: number;
}

/** Who acts in a key-manager call: shown as `actor` and `requestId` in its events. */
export interface ActorContext {
  /** Default `system`; the management API passes `user:<ownerId>`. */
  readonly actor?: string;
  readonly requestId?: string | null;
}

/** Events also persisted with `store.appendAudit`. */
export const AUDITED: ReadonlySet<KeywardEventType> = new Set(['authn_token_created', 'authn_token_updated', 'authn_token_rotated', 'authn_token_revoked', 'leak_reported']);
