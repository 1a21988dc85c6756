import type { Context, Middleware, Next } from 'koa';
import { KeywardConfigError, assertKeyward, createLeakReportApi } from '@keyward/core/adapter';
import type { Keyward, LeakReportOptions } from '@keyward/core/adapter';

/**
 * The leaked-key endpoint for secret scanners (GitHub's secret-scanning partner format, ECDSA
 * signed) as Koa middleware for one path: verifies the signature over the raw body, revokes each
 * reported live key, answers the labels. Register it before a body parser, or use one that keeps
 * `ctx.request.rawBody` (koa-bodyparser does).
 *
 * @example
 * ```ts
 * app.use(apiKeyLeakReports(keyward, { path: '/security/leaked-keys', publicKeysUrl: 'https://api.github.com/meta/public_keys/secret_scanning' }));
 * ```
 */
export function apiKeyLeakReports(keyward: Keyward, options: LeakReportOptions & { readonly path: string }): Middleware {
  assertKeyward('apiKeyLeakReports', keyward);
  const { path, ...rest } = options ?? ({} as never);
  if (typeof path !== 'string' || !path.startsWith('/')) throw new KeywardConfigError('apiKeyLeakReports: "path" must be a path starting with "/"');
  const api = createLeakReportApi(keyward, rest);
  return async (ctx: Context, next: Next) => {
    if (ctx.path !== path || ctx.method !== 'POST') return next();
    const raw = (ctx.request as { rawBody?: unknown }).rawBody;
    const body: unknown = ctx.req.readableEnded ? raw : ctx.req;
    if (ctx.req.readableEnded && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new KeywardConfigError('apiKeyLeakReports needs the raw body: register it before the body parser, or keep ctx.request.rawBody');
    }
    const answer = await api.handle({ headers: ctx.headers, body });
    ctx.status = answer.status;
    ctx.set(answer.headers);
    ctx.body = answer.json;
  };
}
