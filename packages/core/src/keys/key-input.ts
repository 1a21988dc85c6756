import { KeyManagerError } from '../errors.js';
import type { KeyPrefix } from './key-format.js';
import type { ApiKeyRecord, ApiKeyUpdate } from '../store/key-store.js';
import type { KeyRateLimit } from '../ratelimit/limits.js';
import { readKeyRateLimit } from '../ratelimit/key-rate-limit.js';

/** Input of `keyward.keys.create`. */
export interface CreateKeyInput {
  /** Owning account (required). */
  readonly ownerId: string;
  /** Owning organization. */
  readonly orgId?: string | null;
  /**
   * 1-100 characters, unique among the owner's active keys; stored in Unicode NFC. Control,
   * bidi-control, zero-width and unpaired-surrogate characters are refused (`invalid_input`).
   */
  readonly nickname: string;
  /** Granted scopes; default `keys.defaultScopes` (none). */
  readonly scopes?: readonly string[];
  /** Expiry: a `Date` or ISO-8601 string in the future; `null`/absent for never. */
  readonly expiresAt?: Date | string | null;
  /** Integrator data, a JSON object of at most 4 KiB. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Which configured prefix to mint with (`"eck_test_"`); default the first configured. */
  readonly prefix?: string;
  /**
   * Rate limits and quotas of this key: each rule replaces the configured one of the same name or
   * adds to them. Stored in `metadata.keyward.rateLimit` (a name reserved for keyward).
   */
  readonly rateLimit?: KeyRateLimit | null;
}

/** A key as shown to its owner: never the key itself, never its hash. */
export interface ApiKeyInfo {
  readonly id: string;
  readonly nickname: string;
  readonly ownerId: string;
  readonly orgId: string | null;
  readonly scopes: readonly string[];
  /** Display hint: prefix + first 4 characters of the secret. */
  readonly start: string;
  readonly prefix: string;
  readonly environment: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly revokedAt: Date | null;
  readonly replacedById: string | null;
}

/** Strip the hash and pepper id from a record. */
export function toApiKeyInfo(record: ApiKeyRecord, prefixes: readonly KeyPrefix[]): ApiKeyInfo {
  return {
    id: record.id,
    nickname: record.nickname,
    ownerId: record.ownerId,
    orgId: record.orgId,
    scopes: [...record.scopes],
    start: record.start,
    prefix: record.prefix,
    environment: prefixes.find((p) => p.prefix === record.prefix)?.environment ?? null,
    metadata: record.metadata,
    expiresAt: record.expiresAt,
    lastUsedAt: record.lastUsedAt,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    revokedAt: record.revokedAt,
    replacedById: record.replacedById,
  };
}

const invalid = (field: string, message: string) => new KeyManagerError('invalid_input', message, { field });
// Visible characters and inner spaces only: no controls, no line breaks.
const hasControl = (s: string) => /[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(s);

// Characters that change how a name reads without being seen: bidi embeddings, overrides,
// isolates and marks (U+202A-202E, U+2066-2069, U+200E/200F, U+061C) and zero-width ones
// (U+200B-200D, U+2060, U+FEFF).
const INVISIBLE = /[\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]/;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Validate a nickname and return it in Unicode NFC, so every store compares the same string:
 * 1-100 characters (after normalisation), no surrounding spaces, no control, bidi-control,
 * zero-width or unpaired-surrogate character.
 */
export function readNickname(value: unknown): string {
  if (typeof value !== 'string' || value.trim().length === 0) throw invalid('nickname', 'nickname is required.');
  if (LONE_SURROGATE.test(value) || hasControl(value) || INVISIBLE.test(value)) {
    throw invalid('nickname', 'nickname must not contain control, bidi-control, zero-width or unpaired surrogate characters.');
  }
  const nickname = value.normalize('NFC');
  if (nickname.length > 100 || nickname.trim() !== nickname) {
    throw invalid('nickname', 'nickname must be 1-100 characters with no surrounding spaces.');
  }
  return nickname;
}

function readId(value: unknown, field: string, nullable: boolean): string | null {
  if (value === undefined || value === null) {
    if (nullable) return null;
    throw invalid(field, `${field} is required.`);
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 256 || hasControl(value)) {
    throw invalid(field, `${field} must be a non-empty string of at most 256 characters.`);
  }
  return value;
}

/** Parse `expiresAt` (Date or ISO string) and require it to be in the future. */
export function readExpiry(value: unknown, now: number): Date | null {
  if (value === undefined || value === null) return null;
  const date = value instanceof Date ? new Date(value.getTime()) : typeof value === 'string' && value.length <= 40 ? new Date(value) : null;
  if (date === null || Number.isNaN(date.getTime()) || (typeof value === 'string' && !/^\d{4}-\d{2}-\d{2}/.test(value))) {
    throw new KeyManagerError('invalid_expiry', 'expiresAt must be an ISO-8601 date-time.', { field: 'expiresAt' });
  }
  if (date.getTime() <= now) throw new KeyManagerError('invalid_expiry', 'expiresAt must be in the future.', { field: 'expiresAt' });
  return date;
}

/** Validate a rotation grace period in seconds. */
export function readGracePeriod(value: unknown, max: number): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw invalid('gracePeriodSeconds', `gracePeriodSeconds must be a whole number from 0 to ${max}.`);
  }
  return value;
}

/** Validate granted scopes (each allowed, at most 100) and drop repeats. */
function readScopes(rawScopes: unknown, isAllowed: (scope: string) => boolean): string[] {
  if (!Array.isArray(rawScopes) || rawScopes.length > 100) throw invalid('scopes', 'scopes must be an array of scope strings.');
  const scopes: string[] = [];
  for (const s of rawScopes as unknown[]) {
    if (typeof s !== 'string' || !isAllowed(s)) {
      throw new KeyManagerError('invalid_scope', `Unknown scope ${JSON.stringify(typeof s === 'string' ? s.slice(0, 64) : s)}.`, { field: 'scopes' });
    }
    if (!scopes.includes(s)) scopes.push(s);
  }
  return scopes;
}

/** Validate the integrator's metadata (a JSON object of at most 4 KiB, no `keyward`) and return a plain copy. */
function readUserMetadata(metadata: unknown): Record<string, unknown> {
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw invalid('metadata', 'metadata must be a JSON object.');
  let json: string;
  try {
    json = JSON.stringify(metadata);
  } catch {
    throw invalid('metadata', 'metadata must be JSON-serialisable.');
  }
  if (json.length > 4096) throw invalid('metadata', 'metadata must be at most 4 KiB of JSON.');
  if (Object.hasOwn(metadata, 'keyward')) throw invalid('metadata', 'metadata.keyward is reserved; set limits with the rateLimit field.');
  return JSON.parse(json) as Record<string, unknown>;
}

interface CreateContext {
  readonly now: number;
  readonly prefixes: readonly KeyPrefix[];
  readonly mintPrefix: KeyPrefix;
  readonly defaultScopes: readonly string[];
  readonly isAllowed: (scope: string) => boolean;
}

/** Validate everything `create` was given; throws {@link KeyManagerError} naming the field. */
export function readCreateInput(input: CreateKeyInput, ctx: CreateContext) {
  if (typeof input !== 'object' || input === null) throw invalid('body', 'Expected an object.');
  const ownerId = readId(input.ownerId, 'ownerId', false)!;
  const orgId = readId(input.orgId, 'orgId', true);
  const nickname = readNickname(input.nickname);
  const scopes = readScopes(input.scopes ?? ctx.defaultScopes, ctx.isAllowed);
  const expiresAt = readExpiry(input.expiresAt, ctx.now);
  const stored = readUserMetadata(input.metadata ?? {});
  const rateLimit = readKeyRateLimit(input.rateLimit);
  let prefix = ctx.mintPrefix;
  if (input.prefix !== undefined) {
    const found = ctx.prefixes.find((p) => p.prefix === input.prefix);
    if (found === undefined) throw invalid('prefix', `prefix must be one of ${ctx.prefixes.map((p) => p.prefix).join(', ')}.`);
    prefix = found;
  }
  if (rateLimit !== null) stored.keyward = { rateLimit };
  return { ownerId, orgId, nickname, scopes, expiresAt, metadata: stored, prefix };
}

/**
 * Input of `keyward.keys.update`: only the fields given change. `expiresAt: null` makes the key
 * never expire; `rateLimit: null` removes its own rate limits (the configured ones apply again).
 */
export interface UpdateKeyInput {
  /** New nickname, same rules as on create; unique among the owner's active keys. */
  readonly nickname?: string;
  /** New scopes, replacing the granted ones (`[]` for none). */
  readonly scopes?: readonly string[];
  /** New expiry: a `Date` or ISO-8601 string in the future, or `null` for never. */
  readonly expiresAt?: Date | string | null;
  /** New integrator data, replacing the old as a whole (the key's rate limits are kept). */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** New rate limits and quotas of the key, replacing its old ones; `null` to remove them. */
  readonly rateLimit?: KeyRateLimit | null;
}

const UPDATE_FIELDS: ReadonlySet<string> = new Set(['nickname', 'scopes', 'expiresAt', 'metadata', 'rateLimit']);

/** A validated {@link UpdateKeyInput}: the store's fields, plus the rate limits to merge into the metadata. */
export interface ValidUpdate {
  readonly nickname?: string;
  readonly scopes?: string[];
  readonly expiresAt?: Date | null;
  readonly metadata?: Record<string, unknown>;
  readonly rateLimit?: KeyRateLimit | null;
}

/** Validate everything `update` was given, with the rules of create; an unknown field is `invalid_input`. */
export function readUpdateInput(input: UpdateKeyInput, ctx: Pick<CreateContext, 'now' | 'isAllowed'>): ValidUpdate {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('body', 'Expected an object.');
  const unknown = Object.keys(input).find((name) => !UPDATE_FIELDS.has(name));
  if (unknown !== undefined) {
    throw invalid(unknown.slice(0, 64), `${JSON.stringify(unknown.slice(0, 64))} cannot be updated (accepted: ${[...UPDATE_FIELDS].join(', ')}).`);
  }
  // `null` is a value here (no expiry, no own limits); only an absent field is left as stored.
  const has = (name: keyof UpdateKeyInput) => input[name] !== undefined;
  return {
    ...(has('nickname') ? { nickname: readNickname(input.nickname) } : {}),
    ...(has('scopes') ? { scopes: readScopes(input.scopes, ctx.isAllowed) } : {}),
    ...(has('expiresAt') ? { expiresAt: readExpiry(input.expiresAt, ctx.now) } : {}),
    ...(has('metadata') ? { metadata: readUserMetadata(input.metadata) } : {}),
    ...(has('rateLimit') ? { rateLimit: readKeyRateLimit(input.rateLimit) } : {}),
  };
}

/**
 * The store patch of `valid` over the key's stored `metadata`: new integrator data keeps keyward's
 * own entry, and new rate limits replace (or, `null`, drop) `metadata.keyward.rateLimit`.
 */
export function updatePatch(valid: ValidUpdate, metadata: Readonly<Record<string, unknown>>): ApiKeyUpdate {
  const { rateLimit, ...patch } = valid;
  if (valid.metadata === undefined && rateLimit === undefined) return patch;
  const { keyward: own, ...user } = metadata;
  const next: Record<string, unknown> = { ...(valid.metadata ?? user) };
  const keyward: Record<string, unknown> = typeof own === 'object' && own !== null && !Array.isArray(own) ? { ...own } : {};
  if (rateLimit === null) delete keyward.rateLimit;
  else if (rateLimit !== undefined) keyward.rateLimit = rateLimit;
  if (Object.keys(keyward).length > 0) next.keyward = keyward;
  return { ...patch, metadata: next };
}
