import { createHash, verify } from 'node:crypto';
import type { Keyward } from '../keyward.js';
import { KeywardConfigError } from '../errors.js';
import type { OptionNames } from '../options.js';
import { checkFunction, checkOptions, checkRange } from '../options.js';
import type { HeaderInput } from '../verify/credentials.js';
import { readHeader } from '../verify/credentials.js';
import { fetchedPublicKeys, staticPublicKeys } from './public-keys.js';
import { eventContextOf } from '../events/registry.js';
import type { PublicKeyResolver, ReporterPublicKey } from './public-keys.js';

/** Options of {@link createLeakReportApi} (and of each adapter's `apiKeyLeakReports`). */
export interface LeakReportOptions {
  /** The reporter's public keys, supplied by the app. One of this and `publicKeysUrl` is required. */
  readonly publicKeys?: readonly ReporterPublicKey[];
  /** Where to fetch the reporter's keys, e.g. `https://api.github.com/meta/public_keys/secret_scanning`; cached. */
  readonly publicKeysUrl?: string | URL;
  /** How long fetched keys are trusted before a refetch (ms). Default 1 hour. */
  readonly publicKeysTtlMs?: number;
  /** `'revoke'` (default): a reported live key is revoked within the request. `'report'`: only reported to `onLeak`. */
  readonly action?: 'revoke' | 'report';
  /** Called once per reported token that is a real key (live, expired or revoked): key id, action taken, where it was found. */
  readonly onLeak?: (leak: LeakedKey) => void;
  /** Largest body read (bytes). Default 1 MiB. */
  readonly bodyLimitBytes?: number;
  /** Most tokens handled in one report. Default 1 000. */
  readonly maxTokens?: number;
  /** `fetch` used for `publicKeysUrl` (tests). Default the global one. */
  readonly fetch?: typeof fetch;
}

/** A reported token that is a keyward key. Never carries the token or its hash. */
export interface LeakedKey {
  readonly keyId: string;
  /** `revoked`: revoked now by this report; `reported`: left alone (`action: 'report'`); `already_inactive`: it was expired or revoked. */
  readonly outcome: 'revoked' | 'reported' | 'already_inactive';
  /** Where the reporter found it (`url`), and what kind of place (`source`). */
  readonly url: string | null;
  readonly source: string | null;
}

/** One answer of the report: `token_hash` is the SHA-256 (hex) of the reported token. */
export interface LeakLabel {
  readonly token_hash: string;
  readonly token_type: string;
  readonly label: 'true_positive' | 'false_positive';
}

/** What an adapter sends back. */
export interface LeakReportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly json: string;
}

/** The leak-report endpoint, framework-free. */
export interface LeakReportApi {
  /** Verify and handle one report; `body` is the raw body (string, bytes, or the request stream). Never rejects. */
  handle(request: { readonly headers: HeaderInput; readonly body: unknown }): Promise<LeakReportResponse>;
  readonly bodyLimitBytes: number;
}

const NAMES: OptionNames<LeakReportOptions> = {
  publicKeys: true, publicKeysUrl: true, publicKeysTtlMs: true, action: true, onLeak: true, bodyLimitBytes: true, maxTokens: true, fetch: true,
};
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } as const;
const answer = (status: number, body: unknown): LeakReportResponse => ({ status, headers: JSON_HEADERS, json: JSON.stringify(body) });
const problem = (status: number, code: string, message: string) => answer(status, { status, code, message });

/**
 * The endpoint a secret scanner posts leaked tokens to, in the format of GitHub's secret-scanning
 * partner program: a JSON array of `{ token, type, url, source }`, signed with ECDSA P-256 /
 * SHA-256 over the raw body (`Github-Public-Key-Identifier`, `Github-Public-Key-Signature`). A bad
 * or missing signature is a 401 and changes nothing. Each token that is a live key is revoked (or
 * only reported, by option); the answer labels each token `true_positive` / `false_positive` by
 * `token_hash`. Tokens are never logged, stored or echoed.
 *
 * @example
 * ```ts
 * const leaks = createLeakReportApi(keyward, { publicKeysUrl: 'https://api.github.com/meta/public_keys/secret_scanning' });
 * const res = await leaks.handle({ headers: req.headers, body: req }); // adapters do this for you
 * ```
 */
export function createLeakReportApi(keyward: Keyward, options: LeakReportOptions): LeakReportApi {
  const o = checkOptions('apiKeyLeakReports', options, NAMES);
  if (options === undefined) throw new KeywardConfigError('apiKeyLeakReports: options with "publicKeys" or "publicKeysUrl" are required');
  checkRange('apiKeyLeakReports', o.publicKeysTtlMs, 'publicKeysTtlMs', 1_000, 7 * 86_400_000);
  checkRange('apiKeyLeakReports', o.bodyLimitBytes, 'bodyLimitBytes', 1_024, 16_777_216, true);
  checkRange('apiKeyLeakReports', o.maxTokens, 'maxTokens', 1, 100_000, true);
  checkFunction('apiKeyLeakReports', o.onLeak, 'onLeak');
  checkFunction('apiKeyLeakReports', o.fetch, 'fetch');
  if (o.action !== undefined && o.action !== 'revoke' && o.action !== 'report') throw new KeywardConfigError('apiKeyLeakReports: "action" must be "revoke" or "report"');
  if ((o.publicKeys === undefined) === (o.publicKeysUrl === undefined)) throw new KeywardConfigError('apiKeyLeakReports: give exactly one of "publicKeys" and "publicKeysUrl"');
  const resolve: PublicKeyResolver =
    o.publicKeys !== undefined
      ? staticPublicKeys(o.publicKeys)
      : fetchedPublicKeys(o.publicKeysUrl!, { ttlMs: o.publicKeysTtlMs ?? 3_600_000, minRefetchMs: 60_000, now: Date.now, fetch: o.fetch ?? fetch });
  const bodyLimitBytes = o.bodyLimitBytes ?? 1_048_576;
  const maxTokens = o.maxTokens ?? 1_000;
  const action = o.action ?? 'revoke';
  const events = eventContextOf(keyward);
  // onLeak, then the `leak_reported` event (also persisted as an audit record; it never fails the report).
  const reportLeak = async (leak: LeakedKey, orgId: string | null) => {
    o.onLeak?.(leak);
    if (events === undefined) return;
    const { keyId, outcome, url, source } = leak;
    await events.hub.record({ type: 'leak_reported', time: new Date(events.now()), actor: 'system', orgId, keyId, requestId: null, outcome, url, source });
  };
  const orgOf = async (keyId: string) => (await keyward.keys.get(keyId).catch(() => null))?.orgId ?? null;

  async function classify(token: string, url: string | null, source: string | null): Promise<boolean | 'unavailable'> {
    // authenticate() never throws and never lets a malformed value reach the store.
    const result = await keyward.authenticate({ 'x-api-key': token });
    if (result.ok) {
      const keyId = result.principal.keyId;
      if (keyId === null) return false; // not an API key (cannot happen through X-API-Key)
      if (action === 'revoke') {
        try {
          await keyward.keys.revoke(keyId);
        } catch (error) {
          if ((error as { code?: unknown }).code === 'store_unavailable') return 'unavailable';
          // not_found: revoked meanwhile by someone else; it is a real key all the same.
        }
      }
      await reportLeak({ keyId, outcome: action === 'revoke' ? 'revoked' : 'reported', url, source }, result.principal.orgId);
      return true;
    }
    const failure = result.failure;
    if (failure.code === 'auth_unavailable') return 'unavailable';
    if (failure.code === 'revoked_api_key' || failure.code === 'expired_api_key') {
      await reportLeak({ keyId: failure.keyId, outcome: 'already_inactive', url, source }, await orgOf(failure.keyId));
      return true;
    }
    return false;
  }

  return {
    bodyLimitBytes,
    async handle(request) {
      const raw = await readRaw(request.body, bodyLimitBytes);
      // Reading stopped at the limit: the rest of the body is unread, so the connection must close.
      if (raw === null) return { ...problem(413, 'body_too_large', 'The report is too large.'), headers: { ...JSON_HEADERS, connection: 'close' } };
      const id = readHeader(request.headers, 'github-public-key-identifier');
      const signature = readHeader(request.headers, 'github-public-key-signature');
      if (typeof id !== 'string' || typeof signature !== 'string' || id.length > 256 || signature.length > 512) {
        return problem(401, 'invalid_signature', 'The report is not signed.');
      }
      let key;
      try {
        key = await resolve(id);
      } catch {
        return { ...problem(503, 'keys_unavailable', 'The reporter\'s public keys could not be fetched.'), headers: { ...JSON_HEADERS, 'retry-after': '60' } };
      }
      if (key === null || !verify('sha256', raw, key, Buffer.from(signature, 'base64'))) {
        return problem(401, 'invalid_signature', 'The signature does not match the report.');
      }
      let reports: unknown;
      try {
        reports = JSON.parse(raw.toString('utf8'));
      } catch {
        return problem(400, 'invalid_json', 'The report is not valid JSON.');
      }
      if (!Array.isArray(reports) || reports.length > maxTokens || !reports.every(isReport)) {
        return problem(422, 'invalid_report', `The report must be an array of at most ${maxTokens} { token, type, url?, source? } objects.`);
      }
      const labels: LeakLabel[] = [];
      for (const report of reports) {
        const found = await classify(report.token, report.url ?? null, report.source ?? null);
        if (found === 'unavailable') return { ...problem(503, 'store_unavailable', 'The key store is unavailable; retry later.'), headers: { ...JSON_HEADERS, 'retry-after': '30' } };
        const tokenHash = createHash('sha256').update(report.token, 'utf8').digest('hex');
        labels.push({ token_hash: tokenHash, token_type: report.type, label: found ? 'true_positive' : 'false_positive' });
      }
      return answer(200, labels);
    },
  };
}

type Report = { token: string; type: string; url?: string; source?: string };
function isReport(value: unknown): value is Report {
  const r = value as Partial<Record<keyof Report, unknown>> | null;
  return (
    typeof r === 'object' && r !== null && typeof r.token === 'string' && r.token.length <= 4_096 && typeof r.type === 'string' && r.type.length <= 256 &&
    (r.url === undefined || typeof r.url === 'string') && (r.source === undefined || typeof r.source === 'string')
  );
}

/** The raw body as bytes, or `null` when it passes `limit` (reading stops there). */
async function readRaw(body: unknown, limit: number): Promise<Buffer | null> {
  if (typeof body === 'string') return Buffer.byteLength(body) > limit ? null : Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return body.byteLength > limit ? null : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body === null || typeof body !== 'object' || !(Symbol.asyncIterator in body)) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    size += bytes.byteLength;
    if (size > limit) return null;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}
