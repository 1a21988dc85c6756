import type { ApiKeyInfo, Principal } from '@keyward/core';
import type { CliIo } from './io.js';

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** A key as the management API lists it (`GET /auth/api-keys` items): never the key or its hash. */
export const listedKey = (k: ApiKeyInfo) => ({
  id: k.id, nickname: k.nickname, scopes: [...k.scopes], start: k.start,
  expiresAt: iso(k.expiresAt), lastUsedAt: iso(k.lastUsedAt), createdAt: iso(k.createdAt), updatedAt: iso(k.updatedAt),
});

/** A freshly minted key as the management API answers create and rotate: the only time `key` appears. */
export const mintedKey = (key: string, k: ApiKeyInfo) => ({
  id: k.id, nickname: k.nickname, key, scopes: [...k.scopes], expiresAt: iso(k.expiresAt), createdAt: iso(k.createdAt), updatedAt: iso(k.updatedAt),
});

/** The principal of a verified key, dates as ISO strings. */
export const principalJson = (p: Principal) => ({
  type: p.type, keyId: p.keyId, ownerId: p.ownerId, orgId: p.orgId, nickname: p.nickname, scopes: [...p.scopes],
  environment: p.environment, expiresAt: iso(p.expiresAt), metadata: p.metadata,
});

/** Print one JSON document on stdout. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A cell: `-` for nothing, lists comma-joined, dates in ISO form. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Print `label  value` lines, labels aligned. */
export function printFields(io: CliIo, fields: ReadonlyArray<readonly [string, unknown]>): void {
  const width = Math.max(...fields.map(([label]) => label.length));
  for (const [label, value] of fields) io.stdout.write(`${label.padEnd(width)}  ${cell(value)}\n`);
}

/** Print a table with a header row, columns aligned. */
export function printTable(io: CliIo, headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>): void {
  const cells = [headers.map((h) => h), ...rows.map((row) => row.map(cell))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  for (const row of cells) io.stdout.write(`${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}\n`);
}

/** The human view of one key's metadata. */
export function keyFields(k: ApiKeyInfo): Array<readonly [string, unknown]> {
  return [
    ['id', k.id], ['nickname', k.nickname], ['owner', k.ownerId], ['organization', k.orgId], ['scopes', k.scopes],
    ['start', k.start], ['environment', k.environment], ['expires', k.expiresAt], ['last used', k.lastUsedAt],
    ['created', k.createdAt], ['updated', k.updatedAt], ['revoked', k.revokedAt], ['replaced by', k.replacedById],
    ['metadata', Object.keys(k.metadata).length === 0 ? null : k.metadata],
  ];
}
