import { KeyManagerError } from '../errors.js';
import type { ListPosition } from '../store/key-store.js';
import type { ApiKeyInfo } from './key-input.js';

/** Default and largest page size of `keys.listPage`. */
export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/** Options of `keys.listPage`. */
export interface ListPageOptions {
  /** Most keys in the page, 1-100 (default 20). */
  readonly limit?: number;
  /** The `nextCursor` of the previous page; absent or `null` for the first page. */
  readonly cursor?: string | null;
}

/** One page of `keys.listPage`. */
export interface KeyPage {
  readonly items: ApiKeyInfo[];
  /** Opaque; pass it as `cursor` for the next page. `null`: this was the last page. */
  readonly nextCursor: string | null;
}

const invalid = (field: string, message: string) => new KeyManagerError('invalid_input', message, { field });

/** A page size: a whole number from 1 to 100, default 20. */
export function readPageLimit(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_PAGE_LIMIT;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_LIMIT) {
    throw invalid('limit', `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}.`);
  }
  return value;
}

/**
 * A list position as an opaque cursor (base64url of `<createdAt ms>.<id>`). Clients must not build
 * or read it; only this module does.
 */
/**
 * The `limit` query parameter as {@link readPageLimit} takes it: `undefined` when absent, the number
 * for 1-3 digits, else `NaN` (which `readPageLimit` refuses with `invalid_input`).
 *
 * @example
 * ```ts
 * readPageLimit(limitParam(new URLSearchParams('limit=50').get('limit'))); // 50
 * ```
 */
export function limitParam(text: string | null): number | undefined {
  return text === null ? undefined : /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(`${position.createdAt.getTime()}.${position.id}`, 'utf8').toString('base64url');
}

/** The position in a cursor from {@link encodeCursor}, `null` for none; anything else is `invalid_input`. */
export function decodeCursor(cursor: unknown): ListPosition | null {
  if (cursor === undefined || cursor === null) return null;
  const bad = () => invalid('cursor', 'cursor is not a cursor this API returned.');
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 400 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  const match = /^(-?\d{1,16})\.([\x21-\x7e]{1,128})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw bad();
  const createdAt = new Date(Number(match[1]));
  if (Number.isNaN(createdAt.getTime())) throw bad();
  return { createdAt, id: match[2]! };
}

/** Every item of a paged listing: pages from `fetchPage` until `nextCursor` is `null`. */
export async function collectPages(fetchPage: (cursor: string | null) => Promise<KeyPage>): Promise<ApiKeyInfo[]> {
  const items: ApiKeyInfo[] = [];
  let cursor: string | null = null;
  do {
    const page: KeyPage = await fetchPage(cursor);
    items.push(...page.items);
    // A store that hands back the position it was given would loop forever: stop there.
    cursor = page.nextCursor === cursor ? null : page.nextCursor;
  } while (cursor !== null);
  return items;
}
