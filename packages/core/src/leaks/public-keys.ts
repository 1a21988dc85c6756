import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { KeywardConfigError } from '../errors.js';

/** A public key of the reporter (GitHub publishes several, by identifier). */
export interface ReporterPublicKey {
  /** `Github-Public-Key-Identifier` of the reports it signs. */
  readonly keyIdentifier: string;
  /** SPKI PEM or a KeyObject of an ECDSA P-256 public key. */
  readonly key: string | KeyObject;
}

/** Resolves a key identifier to a public key, or `null` when unknown. Rejects when the key source is unreachable. */
export type PublicKeyResolver = (keyIdentifier: string) => Promise<KeyObject | null>;

function toKeyObject(key: string | KeyObject, where: string): KeyObject {
  let object: KeyObject;
  try {
    object = typeof key === 'string' ? createPublicKey(key) : key;
  } catch {
    throw new KeywardConfigError(`${where} must be an SPKI PEM public key`);
  }
  if (object.type !== 'public' || object.asymmetricKeyType !== 'ec' || object.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new KeywardConfigError(`${where} must be an ECDSA P-256 public key`);
  }
  return object;
}

/** A resolver over keys the app supplies. */
export function staticPublicKeys(keys: readonly ReporterPublicKey[]): PublicKeyResolver {
  if (!Array.isArray(keys) || keys.length === 0) throw new KeywardConfigError('apiKeyLeakReports: "publicKeys" must be a non-empty array of { keyIdentifier, key }');
  const byId = new Map<string, KeyObject>();
  keys.forEach((entry, i) => {
    if (typeof entry?.keyIdentifier !== 'string' || entry.keyIdentifier.length === 0) {
      throw new KeywardConfigError(`apiKeyLeakReports: "publicKeys[${i}].keyIdentifier" must be a non-empty string`);
    }
    byId.set(entry.keyIdentifier, toKeyObject(entry.key, `apiKeyLeakReports: "publicKeys[${i}].key"`));
  });
  return async (id) => byId.get(id) ?? null;
}

/**
 * A resolver that fetches the reporter's key list (GitHub's format:
 * `{ public_keys: [{ key_identifier, key, is_current }] }`) and caches it for `ttlMs`. An unknown
 * identifier refetches at most once per `minRefetchMs`, so a forged identifier cannot make the app
 * hammer the key endpoint.
 */
export function fetchedPublicKeys(url: string | URL, options: { readonly ttlMs: number; readonly minRefetchMs: number; readonly now: () => number; readonly fetch: typeof fetch }): PublicKeyResolver {
  const parsed = new URL(url);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new KeywardConfigError('apiKeyLeakReports: "publicKeysUrl" must use https (http only on localhost)');
  }
  let cached: { readonly keys: Map<string, KeyObject>; readonly at: number } | null = null;
  let pending: Promise<Map<string, KeyObject>> | null = null;

  const load = () =>
    (pending ??= (async () => {
      try {
        const response = await options.fetch(parsed, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(5_000) });
        if (!response.ok) throw new Error(`public key endpoint answered ${response.status}`);
        const body = (await response.json()) as { public_keys?: { key_identifier?: unknown; key?: unknown }[] };
        const keys = new Map<string, KeyObject>();
        for (const entry of body.public_keys ?? []) {
          if (typeof entry.key_identifier !== 'string' || typeof entry.key !== 'string') continue;
          try {
            keys.set(entry.key_identifier, toKeyObject(entry.key, 'public key'));
          } catch {
            // A key of another type is skipped; the others still verify.
          }
        }
        cached = { keys, at: options.now() };
        return keys;
      } finally {
        pending = null;
      }
    })());

  return async (id) => {
    const now = options.now();
    if (cached === null || now - cached.at > options.ttlMs) return (await load()).get(id) ?? null;
    const known = cached.keys.get(id);
    if (known !== undefined || now - cached.at < options.minRefetchMs) return known ?? null;
    return (await load()).get(id) ?? null;
  };
}
