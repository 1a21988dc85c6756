import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { KeywardConfigError } from '../errors.js';
import { createFailureResponder } from '../http/responses.js';
import { createOpenApiComponents } from './components.js';
import { createManagementPaths, mergeOpenApi, securityRequirement } from './document.js';
import { FAILURE_CODES } from './failures.js';

const appDocument = () => ({
  openapi: '3.1.0',
  info: { title: 'Agents API', version: '1.0.0' },
  paths: {
    '/v1/run': { post: { operationId: 'run', responses: { 202: { description: 'Queued.' } } } },
    '/v1/registries/{slug}': {
      get: { operationId: 'registry', parameters: [{ name: 'slug', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'The registry.' } } },
    },
  },
});

async function expectValid(document: object): Promise<void> {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document) as Parameters<Validator['validate']>[0]);
  expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
  expect(result.valid).toBe(true);
  expect(validator.version).toBe('3.1');
}

describe('OpenAPI 3.1 output', () => {
  it('the validator is not vacuous: a broken document fails', async () => {
    const broken = { openapi: '3.1.0', info: { version: '1' }, paths: {}, components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'body' } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('components alone form a valid document, with an example of every failure code', async () => {
    const components = createOpenApiComponents();
    await expectValid({ openapi: '3.1.0', info: { title: 't', version: '1' }, paths: {}, components });
    const examples = Object.values(components.responses).flatMap((r) => Object.keys((r as { content: Record<string, { examples: object }> }).content['application/json']!.examples));
    expect(examples.sort()).toEqual([...FAILURE_CODES].sort());
    expect(components.securitySchemes).toMatchObject({ apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' }, bearer: { type: 'http', scheme: 'bearer' } });
  });

  it('examples are the bodies keyward sends, realm and problem details included', () => {
    const options = { realm: 'agents', problemDetails: true } as const;
    const components = createOpenApiComponents({ responses: options });
    const forbidden = components.responses.KeywardForbidden as { content: Record<string, { examples: Record<string, { value: unknown }> }> };
    const sent = createFailureResponder(options)({ code: 'insufficient_scope', required: ['agents:run'], provided: ['agents:read'], mode: 'all' });
    expect(forbidden.content['application/problem+json']!.examples.insufficient_scope!.value).toEqual(sent.body);
    expect(sent.body).toMatchObject({ status: 403, code: 'insufficient_scope', required: 'agents:run', provided: ['agents:read'] });
  });

  it('merges into an app document: security with scopes, failure responses, management paths', async () => {
    const original = appDocument();
    const merged = mergeOpenApi(original, {
      operations: { 'POST /v1/run': { scopes: ['agents:run'] }, 'GET /v1/registries/{slug}': { optional: true } },
      managementPath: '/auth/api-keys',
      rateLimited: true,
    });
    await expectValid(merged);
    const run = (merged.paths['/v1/run'] as unknown as { post: { security: unknown; responses: Record<string, unknown> } }).post;
    expect(run.security).toEqual([{ apiKey: ['agents:run'] }, { bearer: ['agents:run'] }]);
    expect(Object.keys(run.responses).sort()).toEqual(['202', '401', '403', '429', '503']);
    const registry = (merged.paths['/v1/registries/{slug}'] as unknown as { get: { security: unknown[]; responses: object } }).get;
    expect(registry.security[0]).toEqual({});
    expect(Object.keys(registry.responses)).not.toContain('403');
    expect(Object.keys(merged.paths)).toEqual(expect.arrayContaining(['/auth/api-keys', '/auth/api-keys/me', '/auth/api-keys/audit', '/auth/api-keys/{id}', '/auth/api-keys/{id}/rotate']));
    const management = merged.paths as Record<string, Record<string, { responses: Record<string, { description: string }> }>>;
    expect(management['/auth/api-keys/me']!.get!.responses['200']).toBeDefined();
    for (const [path, method] of [['/auth/api-keys', 'post'], ['/auth/api-keys/{id}', 'patch'], ['/auth/api-keys/{id}', 'delete'], ['/auth/api-keys/{id}/rotate', 'post']] as const) {
      expect(management[path]![method]!.responses['403']!.description).toContain('csrf_failed');
    }
    const schemas = ((merged as unknown as { components: unknown }).components as { schemas: Record<string, { required: string[] }> }).schemas;
    expect(schemas.KeywardApiKey!.required).toContain('createdBy');
    expect(schemas.KeywardManagementCaller!.required).toEqual(['ownerId', 'orgId', 'roles', 'admin', 'scopes', 'csrfHeader']);
    expect(Object.keys((merged.paths as Record<string, object>)['/auth/api-keys/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(original.paths['/v1/run'].post).not.toHaveProperty('security'); // the input is left as it was
    expect(mergeOpenApi(merged)).toEqual(merged); // merging again changes nothing
  });

  it('refuses what it cannot merge, with a message naming it', () => {
    expect(() => mergeOpenApi({ openapi: '3.0.3', info: {}, paths: {} })).toThrow(/OpenAPI 3\.1/);
    expect(() => mergeOpenApi(appDocument(), { operations: { 'POST /v1/nope': {} } })).toThrow(/no operation POST \/v1\/nope/);
    expect(() => mergeOpenApi(appDocument(), { operations: { '/v1/run': {} } })).toThrow(KeywardConfigError);
    expect(() => mergeOpenApi(appDocument(), { operations: { 'POST /v1/run': { scope: ['a'] } as never } })).toThrow(/unknown option "operations\["POST \/v1\/run"\]\.scope" \(did you mean/);
    expect(() => mergeOpenApi(appDocument(), { operations: { 'POST /v1/run': { scopes: ['agents:*'] } } })).toThrow(/not a valid scope/);
    const taken = { ...appDocument(), components: { schemas: { KeywardFailure: {} } } };
    expect(() => mergeOpenApi(taken)).toThrow(/components\.schemas\.KeywardFailure already exists/);
    expect(() => createManagementPaths('auth')).toThrow(/starting with "\/"/);
  });

  it('securityRequirement lists both schemes, and {} when optional', () => {
    expect(securityRequirement()).toEqual([{ apiKey: [] }, { bearer: [] }]);
    expect(securityRequirement(['a:b'], { optional: true })).toEqual([{}, { apiKey: ['a:b'] }, { bearer: ['a:b'] }]);
  });
});
