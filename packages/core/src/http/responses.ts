import type { AuthFailure, FailureCode } from '../errors.js';
import { KeywardConfigError } from '../errors.js';

/** The body fields keyward always sends (docs/http-contract.md). Hooks may add fields but never drop these. */
export interface FailureBody {
  readonly status: number;
  readonly error: string;
  readonly code: FailureCode;
  readonly message: string;
  /** Scope failures: the one required scope, or the list when several. */
  readonly required?: string | readonly string[];
  /** Scope failures: the key's scopes. */
  readonly provided?: readonly string[];
  /** 429: name of the exhausted limit or quota. */
  readonly limit?: string;
  /** 429: its quota (units per window). */
  readonly quota?: number;
  /** 429: its window in seconds. */
  readonly window?: number;
  /** 429: seconds to wait, as `Retry-After`. */
  readonly retryAfterSeconds?: number;
  readonly [extra: string]: unknown;
}

/** What an adapter sends for a failure: status, headers and a ready JSON body. */
export interface FailureResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: FailureBody;
  /** `JSON.stringify(body)`, computed once. */
  readonly json: string;
}

/** Options for the shape of failure responses. */
export interface ResponseOptions {
  /** `realm` of `WWW-Authenticate` (default `"keyward"`). */
  readonly realm?: string;
  /** Send RFC 9457 problem details (`application/problem+json`) instead of plain JSON. */
  readonly problemDetails?: boolean | { readonly typeBase?: string };
  /** Replace the message of some codes. */
  readonly messages?: Partial<Record<FailureCode, string | ((failure: AuthFailure) => string)>>;
  /** Add fields to every body (e.g. a docs link or request id). Fixed fields win over these. */
  readonly extendBody?: (failure: AuthFailure) => Record<string, unknown> | undefined;
}

const STATUS: Record<FailureCode, number> = {
  missing_credentials: 401,
  malformed_credentials: 401,
  invalid_api_key: 401,
  expired_api_key: 401,
  revoked_api_key: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  forbidden_organization: 403,
  rate_limited: 429,
  quota_exceeded: 429,
  auth_unavailable: 503,
};

const TITLE: Record<FailureCode, string> = {
  missing_credentials: 'Unauthorized',
  malformed_credentials: 'Unauthorized',
  invalid_api_key: 'Unauthorized',
  expired_api_key: 'Unauthorized',
  revoked_api_key: 'Unauthorized',
  invalid_token: 'Unauthorized',
  insufficient_scope: 'Insufficient scope',
  forbidden_organization: 'Forbidden',
  rate_limited: 'Too Many Requests',
  quota_exceeded: 'Too Many Requests',
  auth_unavailable: 'Service Unavailable',
};

/** The reason phrase of the statuses keyward answers with (RFC 9110). Internal. */
export const PHRASE: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const list = (scopes: readonly string[]) => scopes.join(', ');

function defaultMessage(f: AuthFailure): string {
  switch (f.code) {
    case 'missing_credentials':
      return 'No API key was provided. Send it in the X-API-Key header or as Authorization: Bearer <key>.';
    case 'malformed_credentials':
      switch (f.reason) {
        case 'unsupported_scheme':
          return 'The Authorization header must use the Bearer scheme.';
        case 'multiple_values':
          return 'Send exactly one credential.';
        case 'too_long':
          return 'The credential is too long.';
        default:
          return 'The credentials are malformed.';
      }
    case 'invalid_api_key':
      return 'The API key is invalid.';
    case 'expired_api_key':
      return 'The API key has expired.';
    case 'revoked_api_key':
      return 'The API key has been revoked.';
    case 'invalid_token':
      return f.reason === 'api_key_not_accepted' ? 'This endpoint requires a bearer token, not an API key.' : 'The token is invalid.';
    case 'insufficient_scope':
      if (f.required.length === 1) return `This key lacks the scope ${f.required[0]}.`;
      return f.mode === 'any' ? `This key needs one of the scopes ${list(f.required)}.` : `This key lacks the scopes ${list(f.required)}.`;
    case 'forbidden_organization':
      return 'This key does not belong to the organization that owns this resource.';
    case 'rate_limited':
      return `Too many requests. Retry in ${f.retryAfterSeconds} seconds.`;
    case 'quota_exceeded':
      return `The usage quota${f.policy ? ` ${f.policy.name}` : ''} is spent. It refills in ${f.retryAfterSeconds} seconds.`;
    case 'auth_unavailable':
      return `Authentication is temporarily unavailable. Retry in ${f.retryAfterSeconds} seconds.`;
  }
}

/** An RFC 9110 quoted-string: quotes, backslashes and controls are dropped rather than escaped. Internal. */
export const quote = (value: string) => `"${value.replace(/["\\\x00-\x1f\x7f]/g, '')}"`;

/** A compiled failure → response mapper. */
export type FailureResponder = (failure: AuthFailure) => FailureResponse;

/**
 * Build the one function that maps any failure to `{ status, headers, body }` (the HTTP contract, docs/http-contract.md): bodies
 * with `status/error/code/message` (+ `required/provided` for scopes, `limit/quota/window/retryAfterSeconds`
 * for 429s), RFC 6750 `WWW-Authenticate`, `Retry-After` on 429/503, `RateLimit`/`RateLimit-Policy`
 * on 429, `Cache-Control: no-store`, optional RFC 9457.
 *
 * @example
 * ```ts
 * const respond = createFailureResponder({ realm: 'api', problemDetails: true });
 * const { status, headers, json } = respond({ code: 'invalid_api_key', reason: 'bad_checksum' });
 * ```
 */
export function createFailureResponder(options: ResponseOptions = {}): FailureResponder {
  const realm = options.realm ?? 'keyward';
  if (typeof realm !== 'string' || realm.length === 0 || realm.length > 100) throw new KeywardConfigError('responses.realm must be a non-empty string');
  const problem = options.problemDetails === undefined || options.problemDetails === false ? null : options.problemDetails === true ? {} : options.problemDetails;
  const contentType = problem ? 'application/problem+json; charset=utf-8' : 'application/json; charset=utf-8';
  const messages = options.messages ?? {};
  for (const code of Object.keys(messages)) {
    if (!Object.hasOwn(STATUS, code)) throw new KeywardConfigError(`responses.messages: unknown failure code ${JSON.stringify(code)}`);
  }
  const extend = options.extendBody;
  const challenge = `Bearer realm=${quote(realm)}`;

  const build = (failure: AuthFailure): FailureResponse => {
    const status = STATUS[failure.code];
    const custom = messages[failure.code];
    const message = typeof custom === 'function' ? custom(failure) : (custom ?? defaultMessage(failure));
    const fixed: Record<string, unknown> = { status, error: TITLE[failure.code], code: failure.code, message };
    const headers: Record<string, string> = { 'content-type': contentType, 'cache-control': 'no-store' };
    if (failure.code === 'insufficient_scope') {
      fixed.required = failure.required.length === 1 ? failure.required[0] : [...failure.required];
      fixed.provided = [...failure.provided];
      headers['www-authenticate'] = `${challenge}, error="insufficient_scope", scope=${quote(failure.required.join(' '))}`;
    } else if (status === 401) {
      headers['www-authenticate'] = failure.code === 'missing_credentials' ? challenge : `${challenge}, error="invalid_token"`;
    } else if (failure.code === 'rate_limited' || failure.code === 'quota_exceeded' || failure.code === 'auth_unavailable') {
      headers['retry-after'] = String(Math.max(1, Math.ceil(failure.retryAfterSeconds)));
    }
    if (failure.code === 'rate_limited' || failure.code === 'quota_exceeded') {
      // draft-ietf-httpapi-ratelimit-headers: RateLimit / RateLimit-Policy as the limiter computed them.
      if (failure.headers !== undefined) Object.assign(headers, failure.headers);
      if (failure.policy !== undefined) {
        fixed.limit = failure.policy.name;
        fixed.quota = failure.policy.quota;
        fixed.window = failure.policy.windowSeconds;
      }
      fixed.retryAfterSeconds = Math.max(1, Math.ceil(failure.retryAfterSeconds));
    }
    if (problem) {
      fixed.type = problem.typeBase === undefined ? 'about:blank' : `${problem.typeBase}${failure.code}`;
      // RFC 9457 §4.2.1: with about:blank the title is the status phrase.
      fixed.title = problem.typeBase === undefined ? PHRASE[status] : fixed.error;
      fixed.detail = message;
    }
    const body = (extend ? { ...extend(failure), ...fixed } : fixed) as unknown as FailureBody;
    return { status, headers, body, json: JSON.stringify(body) };
  };

  // Most failures carry nothing but their code and reason (a flood of bad keys is all
  // `invalid_api_key`), so their answer is built once and shared, frozen. Not when a hook could
  // make it depend on the failure, nor for the codes whose body or headers carry its fields.
  if (extend !== undefined) return build;
  const memo = new Map<string, FailureResponse>();
  return (failure) => {
    if (failure.code === 'insufficient_scope' || failure.code === 'rate_limited' || failure.code === 'quota_exceeded' || failure.code === 'auth_unavailable' || typeof messages[failure.code] === 'function') {
      return build(failure);
    }
    const key = `${failure.code}:${'reason' in failure ? String(failure.reason) : ''}`;
    let answer = memo.get(key);
    if (answer === undefined) {
      const built = build(failure);
      answer = Object.freeze({ ...built, headers: Object.freeze(built.headers), body: Object.freeze(built.body) });
      if (memo.size < 64) memo.set(key, answer);
    }
    return answer;
  };
}

/** The HTTP status keyward uses for each failure code. */
export function statusOf(code: FailureCode): number {
  return STATUS[code];
}
