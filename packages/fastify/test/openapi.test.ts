import swagger from '@fastify/swagger';
import { Validator } from '@seriousme/openapi-schema-validator';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { MemoryKeyStore, createKeyward } from '@keyward/core';
import { createOpenApiComponents } from '@keyward/core/openapi';
import keywardPlugin, { apiKeyManagement, openApiTransform, openApiTransformObject } from '../src/index.js';

describe('OpenAPI through @fastify/swagger', () => {
  it('routes with config.scopes get their security requirement; the document validates as OAS 3.1', async () => {
    const keyward = createKeyward({ store: new MemoryKeyStore(), prefixes: ['eck_live_'], jwt: { secret: 's'.repeat(40) }, keys: { allowedScopes: ['agents:run'] }, logger: false });
    const app = Fastify();
    await app.register(swagger, {
      // @fastify/swagger reads the security schemes while it builds each operation.
      openapi: { openapi: '3.1.0', info: { title: 'Agents API', version: '1.0.0' }, components: { securitySchemes: createOpenApiComponents().securitySchemes } },
      transform: openApiTransform(),
      transformObject: openApiTransformObject({ managementPath: '/auth/api-keys' }),
    });
    await app.register(keywardPlugin, { keyward });
    await app.register(apiKeyManagement, { keyward, prefix: '/internal/keys' });
    app.post('/v1/run', { config: { scopes: ['agents:run'] }, schema: { response: { 202: { type: 'object', properties: { id: { type: 'string' } } } } } }, async () => ({ id: 'r1' }));
    app.get('/v1/registries/:slug', { config: { auth: 'optional' } }, async () => ({}));
    app.get('/health', { config: { auth: false } }, async () => ({ status: 'ok' }));
    await app.ready();
    const document = app.swagger() as unknown as { paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>> };

    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const run = document.paths['/v1/run']!.post!;
    expect(run.security).toEqual([{ apiKey: ['agents:run'] }, { bearer: ['agents:run'] }]);
    expect(Object.keys(run.responses).sort()).toEqual(['202', '401', '403', '503']);
    expect(document.paths['/v1/registries/{slug}']!.get!.security).toEqual([{}, { apiKey: [] }, { bearer: [] }]);
    expect(document.paths['/health']!.get!.security).toBeUndefined();
    expect(document.paths['/auth/api-keys']!.post).toMatchObject({ security: [{ managementToken: [] }] });
    await app.close();
    await keyward.close();
  });
});
