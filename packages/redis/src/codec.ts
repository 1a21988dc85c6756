import type { ApiKeyRecord } from '@keyward/core/store';
import { RedisKeyStoreError } from './errors.js';

/**
 * A record as the field/value list of a Redis hash: dates as epoch milliseconds, scopes and
 * metadata as JSON, `null` as an absent field (so the scripts test nullness with a plain HMGET).
 */
export function encodeRecord(record: ApiKeyRecord): string[] {
  const fields = [
    'id', record.id, 'hash', record.hash, 'prefix', record.prefix, 'start', record.start,
    'ownerId', record.ownerId, 'nickname', record.nickname,
    'scopes', JSON.stringify(record.scopes), 'metadata', JSON.stringify(record.metadata),
    'createdAt', String(record.createdAt.getTime()), 'updatedAt', String(record.updatedAt.getTime()),
  ];
  const optional = {
    pepperId: record.pepperId,
    orgId: record.orgId,
    replacedById: record.replacedById,
    expiresAt: msOf(record.expiresAt),
    revokedAt: msOf(record.revokedAt),
    lastUsedAt: msOf(record.lastUsedAt),
  };
  for (const [field, value] of Object.entries(optional)) if (value !== null) fields.push(field, value);
  return fields;
}

/** A date as an epoch-ms string, `null` kept. */
export function msOf(date: Date | null): string | null {
  return date === null ? null : String(date.getTime());
}

/** A flat `[field, value, ...]` reply (as Lua's HGETALL gives it) as an object. */
export function pairsToObject(reply: unknown): Record<string, string> {
  const object: Record<string, string> = {};
  if (!Array.isArray(reply)) return object;
  for (let i = 0; i + 1 < reply.length; i += 2) object[String(reply[i])] = String(reply[i + 1]);
  return object;
}

/** The record in the hash fields `fields`, or `null` when the hash is empty (no such record). */
export function decodeRecord(fields: Record<string, string>): ApiKeyRecord | null {
  if (Object.keys(fields).length === 0) return null;
  try {
    return {
      id: required(fields, 'id'),
      hash: required(fields, 'hash'),
      pepperId: fields.pepperId ?? null,
      prefix: required(fields, 'prefix'),
      start: required(fields, 'start'),
      ownerId: required(fields, 'ownerId'),
      orgId: fields.orgId ?? null,
      nickname: required(fields, 'nickname'),
      scopes: parseScopes(required(fields, 'scopes')),
      metadata: parseMetadata(required(fields, 'metadata')),
      createdAt: date(required(fields, 'createdAt')),
      updatedAt: date(required(fields, 'updatedAt')),
      expiresAt: optionalDate(fields.expiresAt),
      revokedAt: optionalDate(fields.revokedAt),
      lastUsedAt: optionalDate(fields.lastUsedAt),
      replacedById: fields.replacedById ?? null,
    };
  } catch {
    throw new RedisKeyStoreError('decode', 'corrupt_record');
  }
}

function required(fields: Record<string, string>, name: string): string {
  const value = fields[name];
  if (value === undefined) throw new Error('missing field');
  return value;
}

function date(value: string): Date {
  const ms = Number(value);
  if (!Number.isSafeInteger(ms)) throw new Error('bad date');
  return new Date(ms);
}

function optionalDate(value: string | undefined): Date | null {
  return value === undefined ? null : date(value);
}

function parseScopes(json: string): string[] {
  const scopes: unknown = JSON.parse(json);
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string')) throw new Error('bad scopes');
  return scopes;
}

function parseMetadata(json: string): Record<string, unknown> {
  const metadata: unknown = JSON.parse(json);
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new Error('bad metadata');
  return metadata as Record<string, unknown>;
}
