/**
 * The authenticated caller, as attached to requests by the adapters.
 *
 * @example
 * ```ts
 * if (result.ok) console.log(result.principal.orgId, result.principal.scopes);
 * ```
 */
export interface Principal {
  /** How the caller authenticated. */
  readonly type: 'api_key' | 'jwt';
  /** The API key's id (`null` for JWTs). Safe to log. */
  readonly keyId: string | null;
  /** The owning account: the key's owner, or the JWT `sub`. */
  readonly ownerId: string;
  /** The organization, or `null` when the key/token carries none. */
  readonly orgId: string | null;
  /** The key's nickname (`null` for JWTs). */
  readonly nickname: string | null;
  /** Granted scopes, e.g. `['agents:run', 'agents:*']`. */
  readonly scopes: readonly string[];
  /** Environment of the key's prefix (`live` for `eck_live_`), `null` for JWTs. */
  readonly environment: string | null;
  /** When the credential stops working, `null` for never. */
  readonly expiresAt: Date | null;
  /** Integrator metadata stored with the key (JWTs: the verified claims). */
  readonly metadata: Readonly<Record<string, unknown>>;
}
