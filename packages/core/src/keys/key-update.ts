import { KeyManagerError } from '../errors.js';
import { readExpiry } from './key-input.js';

/**
 * Input of `keyward.keys.update`: the fields to change; absent fields stay as they are. Only the
 * expiry can be changed with the current store contract (`KeyStore.update` patches `expiresAt`).
 */
export interface UpdateKeyInput {
  /** New expiry: a `Date` or ISO-8601 string in the future, or `null` for never. */
  readonly expiresAt?: Date | string | null;
}

const UPDATABLE: ReadonlySet<string> = new Set<keyof UpdateKeyInput>(['expiresAt']);

/** Validate an update; throws {@link KeyManagerError} naming the field. */
export function readUpdateInput(input: UpdateKeyInput, now: number): { readonly expiresAt: Date | null } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new KeyManagerError('invalid_input', 'Expected an object.', { field: 'body' });
  }
  for (const name of Object.keys(input)) {
    if (!UPDATABLE.has(name)) throw new KeyManagerError('invalid_input', `${name.slice(0, 64)} cannot be updated.`, { field: name.slice(0, 64) });
  }
  if (!('expiresAt' in input) || input.expiresAt === undefined) {
    throw new KeyManagerError('invalid_input', 'Nothing to update: give expiresAt.', { field: 'expiresAt' });
  }
  return { expiresAt: readExpiry(input.expiresAt, now) };
}
