import type { KeyPrefix } from '../keys/key-format.js';
import type { JwtVerifier } from '../verify/jwt.js';

/**
 * What the management module needs from a keyward instance beyond its public members. Registered
 * by `createKeyward` and read by `createManagementApi`; internal, never exported from the package.
 */
export interface ManagementContext {
  /** The verifier of management tokens (`jwt` option), or `null` when none is configured. */
  readonly jwt: JwtVerifier | null;
  readonly prefixes: readonly KeyPrefix[];
  readonly maxCredentialLength: number;
  /** `responses.realm` (default `keyward`). */
  readonly realm: string;
  readonly retryAfterSeconds: number;
  /** `keys.allowedScopes`, when configured. */
  readonly allowedScopes: readonly string[] | undefined;
  /** `keys.defaultScopes` (default none). */
  readonly defaultScopes: readonly string[];
  /** The instance's `logger` (never given key material); a no-op with `logger: false`. */
  readonly warn: (message: string) => void;
}

const contexts = new WeakMap<object, ManagementContext>();

/** Called once by `createKeyward` for the instance it returns. */
export function registerManagementContext(keyward: object, context: ManagementContext): void {
  contexts.set(keyward, Object.freeze(context));
}

/** The context of an instance built by `createKeyward`, or `undefined` for anything else. */
export function managementContextOf(keyward: object): ManagementContext | undefined {
  return contexts.get(keyward);
}
