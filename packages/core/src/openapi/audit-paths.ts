import type { OpenApiObject } from './components.js';

const error = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/KeywardManagementError' } } } });

/** One audit event as `GET /audit` lists it: the common fields, then the event's own (docs/events.md). */
const AUDIT_EVENT = {
  type: 'object',
  required: ['id', 'type', 'time', 'actor', 'orgId', 'keyId', 'requestId'],
  properties: {
    id: { type: 'string', description: 'Unique, sortable (`evt_…`).' },
    type: { type: 'string', enum: ['authn_token_created', 'authn_token_updated', 'authn_token_rotated', 'authn_token_revoked', 'leak_reported'] },
    time: { type: 'string', format: 'date-time' },
    actor: { type: 'string', description: '`user:<ownerId>` (management API) or `system`.' },
    orgId: { type: ['string', 'null'] },
    keyId: { type: ['string', 'null'] },
    requestId: { type: ['string', 'null'], description: "The request's `X-Request-Id`, when it had one." },
  },
  additionalProperties: true,
};

/**
 * `GET <mount>/audit`: the organization's audit events, newest first, for organization admins.
 *
 * @example
 * ```ts
 * const paths = { ...createManagementPaths('/auth/api-keys') }; // includes '/auth/api-keys/audit'
 * ```
 */
export function auditPaths(base: string, security: readonly OpenApiObject[]): OpenApiObject {
  return {
    [`${base}/audit`]: {
      get: {
        operationId: 'keywardListAuditEvents', summary: "List the organization's audit events (admins only)", tags: ['API keys'], security,
        parameters: [
          { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 }, description: 'Page size (default 20).' },
          { name: 'cursor', in: 'query', required: false, schema: { type: 'string' }, description: 'The `nextCursor` of the previous page.' },
        ],
        responses: {
          200: {
            description: 'Newest first; `nextCursor` is `null` on the last page.',
            content: { 'application/json': { schema: { type: 'object', required: ['events', 'nextCursor'], properties: { events: { type: 'array', items: AUDIT_EVENT }, nextCursor: { type: ['string', 'null'] } } } } },
          },
          401: error('No valid management token.'),
          403: error('The caller is not an admin of an organization (`forbidden_role`).'),
          404: error('The key store keeps no audit events.'),
          422: error('`limit` or `cursor` is invalid.'),
          503: error('The key store is unavailable; retry later.'),
        },
      },
    },
  };
}
