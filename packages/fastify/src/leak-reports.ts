import type { FastifyPluginAsync } from 'fastify';
import { assertKeyward, createLeakReportApi } from '@keyward/core/adapter';
import type { Keyward, LeakReportOptions } from '@keyward/core/adapter';

/** Options of {@link apiKeyLeakReports}: the leak-report options, the instance, and Fastify's `prefix`. */
export interface ApiKeyLeakReportOptions extends LeakReportOptions {
  readonly keyward: Keyward;
  /** Fastify's own register option: where the endpoint lives, e.g. `/security/leaked-keys`. */
  readonly prefix?: string;
}

/**
 * The leaked-key endpoint for secret scanners (GitHub's secret-scanning partner format, ECDSA
 * signed), as a plugin with one `POST /` route under its `prefix`: the body is kept raw for the
 * signature (its own content-type parser, not shared with your routes), no API key is asked for.
 *
 * @example
 * ```ts
 * await app.register(apiKeyLeakReports, { keyward, prefix: '/security/leaked-keys', publicKeysUrl: 'https://api.github.com/meta/public_keys/secret_scanning' });
 * ```
 */
export const apiKeyLeakReports: FastifyPluginAsync<ApiKeyLeakReportOptions> = async (app, options) => {
  // Fastify's own register options are not ours; the rest is checked by createLeakReportApi.
  const { keyward, prefix: _prefix, logLevel: _level, logSerializers: _serializers, ...rest } = options as ApiKeyLeakReportOptions & Record<string, unknown>;
  assertKeyward('apiKeyLeakReports', keyward);
  const api = createLeakReportApi(keyward, rest);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: api.bodyLimitBytes }, (_request, body, done) => done(null, body));
  app.post('/', { config: { auth: false } }, async (request, reply) => {
    const answer = await api.handle({ headers: request.headers, body: request.body ?? '' });
    return reply.code(answer.status).headers(answer.headers).send(answer.json);
  });
};
