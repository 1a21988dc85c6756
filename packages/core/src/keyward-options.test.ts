import { describe, expect, it } from 'vitest';
import { KeywardConfigError } from './errors.js';
import { createKeyward } from './keyward.js';
import type { KeywardOptions } from './keyward.js';
import { createManagementApi } from './management/management.js';
import { createScopeGuard } from './http/guards.js';
import { MemoryKeyStore } from './store/memory-store.js';

const base = { store: new MemoryKeyStore(), prefixes: ['eck_live_'], logger: false } as const;
const build = (extra: Record<string, unknown>) => () => createKeyward({ ...base, ...extra } as unknown as KeywardOptions);

describe('createKeyward option check', () => {
  // Every option group, with an unknown key in it: the error names the full path.
  const groups: [string, Record<string, unknown>, string][] = [
    ['top level', { stroe: 1 }, 'stroe'],
    ['cache', { cache: { maxx: 1 } }, 'cache.maxx'],
    ['usage', { usage: { flushInterval: 1 } }, 'usage.flushInterval'],
    ['keys', { keys: { allowScopes: [] } }, 'keys.allowScopes'],
    ['responses', { responses: { problemDetail: true } }, 'responses.problemDetail'],
    ['responses.problemDetails', { responses: { problemDetails: { typebase: 'x' } } }, 'responses.problemDetails.typebase'],
    ['jwt', { jwt: { secret: 's'.repeat(32), issuers: 'x' } }, 'jwt.issuers'],
    ['acceptJwt', { acceptJwt: { secret: 's'.repeat(32), audiences: 'x' } }, 'jwt.audiences'],
  ];
  it.each(groups)('rejects an unknown key in %s, naming its full path', (_name, extra, path) => {
    const attempt = build(extra);
    expect(attempt).toThrow(KeywardConfigError);
    expect(attempt).toThrow(`"${path}"`);
    try {
      attempt();
    } catch (error) {
      expect((error as KeywardConfigError).code).toBe('unknown_option');
    }
  });

  it('suggests the option meant when one is close', () => {
    expect(build({ responses: { problemDetail: true } })).toThrow(/unknown option "responses.problemDetail" \(did you mean "responses.problemDetails"\?\)/);
    expect(build({ storeTimeoutMS: 5 })).toThrow(/did you mean "storeTimeoutMs"/);
    expect(build({ cache: { ttl: 5 } })).toThrow(/did you mean "cache.ttlMs"/);
    expect(build({ zzzzzzzz: 1 })).not.toThrow(/did you mean/);
  });

  it('checks the type of every option, naming it and what is accepted', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ logger: 'console' }, /"logger" must be an object with a warn\(message\) method/],
      [{ logger: {} }, /"logger" must be an object with a warn/],
      [{ production: 'yes' }, /"production" must be true or false/],
      [{ now: 5 }, /"now" must be a function/],
      [{ random: {} }, /"random" must be a function/],
      [{ acceptJwt: 'yes' }, /"acceptJwt" must be true, false or JWT verifier options/],
      [{ cache: 'big' }, /"cache" must be an object or false/],
      [{ keys: false }, /"keys" must be an object/],
      [{ responses: { extendBody: 1 } }, /"responses.extendBody" must be a function/],
      [{ responses: { messages: 'x' } }, /"responses.messages" must be an object/],
      [{ storeTimeoutMs: -1 }, /"storeTimeoutMs" must be a number from 0 to 60000/],
      [{ retryAfterSeconds: 1.5 }, /"retryAfterSeconds" must be a whole number from 1 to 86400/],
      [{ cache: { max: 0 } }, /"cache.max" must be a whole number/],
      [{ usage: { maxBatch: 'a' } }, /"usage.maxBatch"/],
      [{ keys: { allowedScopes: 'agents:run' } }, /"keys.allowedScopes" must be an array of scopes/],
      [{ keys: { allowedScopes: ['a b'] } }, /"keys.allowedScopes": "a b" is not a valid scope/],
    ];
    for (const [extra, message] of cases) expect(build(extra), JSON.stringify(extra)).toThrow(message);
    expect(build({ logger: { warn() {} }, production: false, cache: false, usage: false })).not.toThrow();
  });

  it('the option checks of the adapter helpers reject unknown keys too', () => {
    const keyward = createKeyward({ ...base, jwt: { secret: 's'.repeat(32) } });
    expect(() => createManagementApi(keyward, { bodyLimit: 5 } as never)).toThrow(/apiKeyManagement: unknown option "bodyLimit" \(did you mean "bodyLimitBytes"\?\)/);
    expect(() => createScopeGuard(['a:b'], { mod: 'any' } as never)).toThrow(/requireScopes: unknown option "mod" \(did you mean "mode"\?\)/);
  });
});
