import type { CredentialSource, FailureOf, MalformedReason } from '../errors.js';

/**
 * Anything that answers "what is the value of header X": a function, a Fetch `Headers`, or a
 * plain object such as Node's `IncomingHttpHeaders` (lowercase names). Lets every framework feed
 * the core without copying headers.
 */
export type HeaderInput =
  | ((name: string) => string | readonly string[] | null | undefined)
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The members of a Node `IncomingMessage` that {@link nodeRequestHeaders} reads. */
export interface NodeHeaderSource {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Names and values as received, alternating: every header line, duplicates included. */
  readonly rawHeaders: readonly string[];
}

/**
 * The headers of a Node request as a {@link HeaderInput} that sees every `Authorization` line.
 * Node keeps only the first of several `Authorization` lines in `req.headers`, so a request with
 * two would authenticate as the first while a proxy reading the last disagrees; with this input
 * two lines are `malformed_credentials` (`multiple_values`), like two `X-API-Key` lines. The raw
 * lines are only scanned when an `Authorization` header is present.
 *
 * @example
 * ```ts
 * const result = await keyward.authenticate(nodeRequestHeaders(req)); // Express, Koa's ctx.req, Fastify's request.raw
 * ```
 */
export function nodeRequestHeaders(message: NodeHeaderSource): HeaderInput {
  const { headers } = message;
  return (name) => {
    const value = headers[name];
    if (name !== 'authorization' || value === undefined) return value;
    const raw = message.rawHeaders;
    let lines: string[] | undefined;
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const field = raw[i]!;
      if (field.length === 13 && field.toLowerCase() === 'authorization') (lines ??= []).push(raw[i + 1]!);
    }
    return lines !== undefined && lines.length > 1 ? lines : value;
  };
}

/** A credential found on the request. `value` is the raw secret: never log it. */
export interface Credential {
  readonly source: CredentialSource;
  readonly value: string;
}

/** Result of {@link extractCredential}: a failure is already the `AuthFailure` the pipeline answers with. */
export type ExtractResult =
  | { readonly ok: true; readonly credential: Credential }
  | { readonly ok: false; readonly failure: FailureOf<'missing_credentials'> | FailureOf<'malformed_credentials'> };

/** Options of {@link extractCredential}. */
export interface ExtractOptions {
  /** Longest credential accepted, in characters (default 4096); longer is `malformed_credentials`. */
  readonly maxLength?: number;
  /** Read only `Authorization` (management routes); default false. */
  readonly authorizationOnly?: boolean;
}

/** Default for {@link ExtractOptions.maxLength}: far above any key (≤ 60) and typical JWTs. */
export const DEFAULT_MAX_CREDENTIAL_LENGTH = 4096;

/** One header of any {@link HeaderInput}, as the input holds it. */
export function readHeader(headers: HeaderInput, name: string): string | readonly string[] | null | undefined {
  if (typeof headers === 'function') return headers(name);
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name);
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

// RFC 9110 OWS: spaces and horizontal tabs around a field value.
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && (value.charCodeAt(start) === 0x20 || value.charCodeAt(start) === 0x09)) start++;
  while (end > start && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

// RFC 6750 b64token: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/", then any "=" padding.
const TOKEN_CHAR: Uint8Array = (() => {
  const table = new Uint8Array(128);
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/') table[c.charCodeAt(0)] = 1;
  return table;
})();

type TokenCheck = 'ok' | 'multiple_values' | 'extra_words' | 'invalid_characters';

// Fast path for the common, valid case (V8's regex beats the loop below by ~2x); the loop only
// runs to name what is wrong with a bad token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

function checkToken(value: string): TokenCheck {
  if (B64TOKEN.test(value)) return 'ok';
  let i = 0;
  let verdict: TokenCheck = 'ok';
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 128 && TOKEN_CHAR[c] === 1) continue;
    if (c === 0x3d) {
      if (i === 0) return 'invalid_characters'; // b64token needs a character before its padding
      break; // '=' padding: only '=' may follow
    }
    if (c === 0x2c) verdict = 'multiple_values';
    else if (c === 0x20 && verdict === 'ok') verdict = 'extra_words';
    else if (c !== 0x20) return 'invalid_characters'; // control, non-ASCII, other punctuation
  }
  for (; i < value.length && verdict === 'ok'; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x2c) verdict = 'multiple_values';
    else if (c === 0x20) verdict = 'extra_words';
    else if (c !== 0x3d) return 'invalid_characters';
  }
  return verdict;
}

type Single = { ok: true; value: string } | { ok: false; reason: MalformedReason };

function single(raw: string | readonly string[]): Single {
  if (typeof raw === 'string') return { ok: true, value: raw };
  if (raw.length === 1 && typeof raw[0] === 'string') return { ok: true, value: raw[0] };
  return { ok: false, reason: raw.length === 0 ? 'empty' : 'multiple_values' };
}

const MISSING: ExtractResult = Object.freeze({ ok: false, failure: Object.freeze({ code: 'missing_credentials' }) });

function malformed(reason: MalformedReason, source: CredentialSource): ExtractResult {
  return { ok: false, failure: { code: 'malformed_credentials', reason, source } };
}

function validate(value: string, source: CredentialSource, maxLength: number): ExtractResult {
  if (value.length === 0) return malformed(source === 'authorization' ? 'missing_token' : 'empty', source);
  if (value.length > maxLength) return malformed('too_long', source);
  const verdict = checkToken(value);
  if (verdict !== 'ok') return malformed(verdict, source);
  return { ok: true, credential: { source, value } };
}

/**
 * Find the credential of a request (docs/http-contract.md, "Sending a key"). `X-API-Key` wins over `Authorization` when both are
 * present, even if it is unusable; the Bearer scheme is case-insensitive; surrounding whitespace
 * is trimmed. Malformed input of any shape is a value, never an exception, and costs no I/O.
 *
 * @example
 * ```ts
 * const found = extractCredential(req.headers);
 * if (found.ok) use(found.credential.value);
 * else if (found.failure.code === 'missing_credentials') challenge();
 * ```
 */
export function extractCredential(headers: HeaderInput, options: ExtractOptions = {}): ExtractResult {
  // Whatever a caller passes, a value that holds no headers has no credential (never a TypeError).
  if (headers === null || (typeof headers !== 'object' && typeof headers !== 'function')) return MISSING;
  const maxLength = options.maxLength ?? DEFAULT_MAX_CREDENTIAL_LENGTH;
  if (options.authorizationOnly !== true) {
    const rawKey = readHeader(headers, 'x-api-key');
    if (rawKey !== undefined && rawKey !== null) {
      const one = single(rawKey);
      if (!one.ok) return malformed(one.reason, 'x-api-key');
      return validate(trimOws(one.value), 'x-api-key', maxLength);
    }
  }
  const rawAuth = readHeader(headers, 'authorization');
  if (rawAuth === undefined || rawAuth === null) return MISSING;
  const one = single(rawAuth);
  if (!one.ok) return malformed(one.reason, 'authorization');
  const value = trimOws(one.value);
  if (value.length === 0) return malformed('empty', 'authorization');
  if (value.length > maxLength + 7) return malformed('too_long', 'authorization');
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (scheme.length !== 6 || scheme.toLowerCase() !== 'bearer') {
    return malformed(/^[\x21-\x7e]*$/.test(scheme) ? 'unsupported_scheme' : 'invalid_characters', 'authorization');
  }
  // One or more spaces separate scheme and token (RFC 9110 allows 1*SP); tabs are not allowed there.
  let start = space === -1 ? value.length : space;
  while (start < value.length && value.charCodeAt(start) === 0x20) start++;
  return validate(value.slice(start), 'authorization', maxLength);
}
