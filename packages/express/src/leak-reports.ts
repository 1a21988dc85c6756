import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { KeywardConfigError, assertKeyward, createLeakReportApi } from '@keyward/core/adapter';
import type { Keyward, LeakReportOptions } from '@keyward/core/adapter';

/**
 * The leaked-key endpoint for secret scanners (GitHub's secret-scanning partner format, ECDSA
 * signed): verifies the signature over the raw body, revokes each reported live key, answers the
 * labels. Mount it before any JSON body parser (or behind `express.raw()`): the signature covers
 * the exact bytes.
 *
 * @example
 * ```ts
 * app.post('/security/leaked-keys', apiKeyLeakReports(keyward, { publicKeysUrl: 'https://api.github.com/meta/public_keys/secret_scanning' }));
 * ```
 */
export function apiKeyLeakReports(keyward: Keyward, options: LeakReportOptions): RequestHandler {
  assertKeyward('apiKeyLeakReports', keyward);
  const api = createLeakReportApi(keyward, options);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const body: unknown = req.readableEnded ? req.body : req;
    if (req.readableEnded && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      return next(new KeywardConfigError('apiKeyLeakReports needs the raw body: mount it before express.json(), or behind express.raw()'));
    }
    api.handle({ headers: req.headers, body }).then((answer) => void res.status(answer.status).set(answer.headers).end(answer.json), next);
  };
}
