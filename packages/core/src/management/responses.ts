import type { KeyManagerErrorCode } from '../errors.js';
import { KeyManagerError } from '../errors.js';
import { PHRASE, quote } from '../http/responses.js';

/** What an adapter sends back: status, headers and a ready JSON string. */
export interface ManagementResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Readonly<Record<string, unknown>>;
  /** `JSON.stringify(body)`. */
  readonly json: string;
}

/**
 * Codes of a management-route error body: the key manager's ({@link KeyManagerErrorCode}), and
 * the management API's own:
 *
 * - `invalid_json`: the body is not valid JSON (400).
 * - `body_too_large`: the body is over `bodyLimitBytes` (413, the connection is closed).
 * - `forbidden_scope`: the scope policy does not let this caller grant a requested scope (403).
 * - `csrf_failed`: a session caller's state-changing request failed the cross-site check (403; see `X-Keyward-CSRF`).
 * - `internal_error`: anything unexpected (500, reveals nothing).
 */
export type ManagementErrorCode = KeyManagerErrorCode | 'invalid_json' | 'body_too_large' | 'forbidden_scope' | 'csrf_failed' | 'internal_error';

/** A management route's refusal, as a value: its code, a message safe to show, the field to blame. */
export interface ManagementProblem {
  readonly code: ManagementErrorCode;
  readonly message: string;
  readonly field?: string | undefined;
}

/** Body of a management-route error: the documented fields (docs/management-api.md), plus `field` when one field is to blame. */
export interface ManagementErrorBody {
  readonly status: number;
  readonly error: string;
  readonly code: ManagementErrorCode;
  readonly message: string;
  readonly field?: string;
}

const STATUS: Readonly<Record<ManagementErrorCode, number>> = {
  invalid_json: 400,
  body_too_large: 413,
  forbidden_scope: 403,
  csrf_failed: 403,
  invalid_input: 422,
  invalid_scope: 422,
  invalid_expiry: 422,
  nickname_conflict: 409,
  key_limit: 422,
  not_found: 404,
  not_owner: 401,
  store_unavailable: 503,
  internal_error: 500,
};

const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });

/** A JSON answer with `Cache-Control: no-store` (management bodies may hold a key). */
export function reply(status: number, body: Record<string, unknown>, headers: Readonly<Record<string, string>> = JSON_HEADERS): ManagementResponse {
  return { status, headers, body, json: JSON.stringify(body) };
}

/** The problem an error thrown while serving a route stands for: a `KeyManagerError` by its code, anything else `internal_error`. */
export function problemOf(error: unknown): ManagementProblem {
  if (error instanceof KeyManagerError) return { code: error.code, message: error.message, field: error.field };
  return { code: 'internal_error', message: 'Internal error.' };
}

/** Where the answer's `WWW-Authenticate` and `Retry-After` come from. */
export interface ProblemResponseOptions {
  readonly realm?: string | undefined;
  readonly retryAfterSeconds?: number | undefined;
}

/**
 * The HTTP answer to a management problem. The 401 for another account's key keeps its body but
 * carries a bare `Bearer realm` challenge: the token is valid, so no `error="invalid_token"`
 * (which would tell the client to throw it away). A 413 closes the connection, since the rest of
 * the body was not read.
 */
export function problemResponse(problem: ManagementProblem, options: ProblemResponseOptions = {}): ManagementResponse {
  const status = STATUS[problem.code];
  const base: ManagementErrorBody = { status, error: PHRASE[status]!, code: problem.code, message: problem.message };
  const body = problem.field === undefined ? base : { ...base, field: problem.field };
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (status === 401) headers['www-authenticate'] = `Bearer realm=${quote(options.realm ?? 'keyward')}`;
  if (status === 503) headers['retry-after'] = String(options.retryAfterSeconds ?? 5);
  if (status === 413) headers.connection = 'close';
  return reply(status, { ...body }, headers);
}

/**
 * Map an error thrown while serving a management route to an HTTP answer: a
 * `KeyManagerError` by its code (409 nickname clash, 422 validation, 404 unknown id, 401 another
 * account's key, 503 store down), anything else to a bare 500 that reveals nothing.
 *
 * @example
 * ```ts
 * try { res.status(201).json(await keyward.keys.create(input)) }
 * catch (e) { const r = managementErrorResponse(e, { realm: 'api' }); res.status(r.status).set(r.headers).send(r.json) }
 * ```
 */
export function managementErrorResponse(error: unknown, options: ProblemResponseOptions = {}): ManagementResponse {
  return problemResponse(problemOf(error), options);
}
