// A small fetch client for the end-to-end walk: JSON in, JSON out, credentials by name.
import { expect, vi } from 'vitest';

/**
 * @typedef {object} CallOptions
 * @property {string} [key] Sent as `X-API-Key`.
 * @property {string} [bearer] Sent as `Authorization: Bearer <value>` (a key or a JWT).
 * @property {string} [authorization] A raw `Authorization` value.
 * @property {unknown} [body] JSON-encoded.
 * @property {string} [rawBody] Sent as is, with `content-type: application/json`.
 */

/**
 * @typedef {object} Answer
 * @property {number} status
 * @property {Headers} headers
 * @property {any} body The parsed JSON body.
 */

/**
 * A client for `baseUrl` whose every answer must be JSON without a stack trace.
 *
 * @example
 * const call = createClient(app.url);
 * const { status, body } = await call('POST', '/v1/run', { key, body: { agent_type: 'triage', task: 'x' } });
 *
 * @param {string} baseUrl
 */
export function createClient(baseUrl) {
  /**
   * @param {string} method
   * @param {string} path
   * @param {CallOptions} [options]
   * @returns {Promise<Answer>}
   */
  return async function call(method, path, options = {}) {
    /** @type {Record<string, string>} */
    const headers = {};
    if (options.key !== undefined) headers['x-api-key'] = options.key;
    if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
    if (options.authorization !== undefined) headers.authorization = options.authorization;
    let body;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(new URL(path, baseUrl), { method, headers, body });
    const text = await response.text();
    const where = `${method} ${path} → ${response.status}`;
    expect(response.headers.get('content-type') ?? '', `${where}: content-type`).toMatch(/^application\/json/);
    expect(text, `${where}: no stack trace in the body`).not.toMatch(/\n\s+at /);
    return { status: response.status, headers: response.headers, body: JSON.parse(text) };
  };
}

/**
 * Poll `condition` (every 10 ms) until it holds; fail after `timeoutMs`.
 *
 * @example
 * await waitUntil(async () => (await call('GET', '/v1/runs', { key })).status === 401, 1_000);
 *
 * @param {() => boolean | Promise<boolean>} condition
 * @param {number} timeoutMs
 */
export function waitUntil(condition, timeoutMs) {
  return vi.waitFor(
    async () => {
      if (!(await condition())) throw new Error(`condition not met within ${timeoutMs} ms`);
    },
    { timeout: timeoutMs, interval: 10 },
  );
}
