// The example's own data: seeded registries and an in-memory runs repository, plus the request
// validation and error bodies every framework sends the same way.
import { randomUUID } from 'node:crypto';
import { createOrganizationGuard } from '@keyward/core/adapter';

/**
 * @typedef {object} Registry
 * @property {string} slug
 * @property {string} name
 * @property {'public' | 'private'} visibility
 * @property {string} orgId
 * @property {string[]} prompts
 */

/** @type {readonly Registry[]} */
const SEEDED_REGISTRIES = Object.freeze([
  Object.freeze({ slug: 'public-prompts', name: 'Public prompts', visibility: 'public', orgId: 'acme', prompts: ['summarize', 'triage'] }),
  Object.freeze({ slug: 'acme-private', name: 'Acme private prompts', visibility: 'private', orgId: 'acme', prompts: ['acme-onboarding'] }),
]);

/**
 * Find a seeded registry by slug.
 *
 * @example
 * findRegistry('public-prompts')?.visibility; // 'public'
 *
 * @param {string} slug
 * @returns {Registry | undefined}
 */
export function findRegistry(slug) {
  return SEEDED_REGISTRIES.find((r) => r.slug === slug);
}

// Core's organization guard, so the example answers like `requireOrganization` does: anonymous
// → 401 missing_credentials, another organization (or none) → 403 forbidden_organization.
const sameOrganization = createOrganizationGuard((/** @type {Registry} */ registry) => registry.orgId);

/**
 * Who may read a registry: anyone for a public one; for a private one a principal of the same
 * organization. Returns `null` (allowed) or the keyward failure to answer with.
 *
 * @example
 * const failure = registryAccess(registry, req.auth);
 * if (failure) { const r = keyward.respond(failure); return res.status(r.status).set(r.headers).send(r.json); }
 *
 * @param {Registry} registry
 * @param {import('@keyward/core').Principal | null | undefined} principal
 * @returns {import('@keyward/core').AuthFailure | null}
 */
export function registryAccess(registry, principal) {
  return registry.visibility === 'public' ? null : sameOrganization(principal, registry);
}

/**
 * @typedef {object} Run
 * @property {string} id
 * @property {'queued'} status
 * @property {string} agent_type
 * @property {string} task
 */

/** @typedef {Pick<import('@keyward/core').Principal, 'orgId' | 'ownerId'>} RunOwner */

/**
 * Runs, kept in memory per organization: a run is only ever visible to the organization of the
 * key that queued it (a key with no organization gets a space of its own owner).
 *
 * @example
 * const runs = createRunsRepository();
 * const run = runs.create(req.auth, { agent_type: 'triage', task: 'hello' });
 * runs.get(req.auth, run.id); // the run; undefined for a key of another organization
 */
export function createRunsRepository() {
  /** @type {Map<string, Map<string, Run>>} */
  const bySpace = new Map();
  /** @param {RunOwner} principal */
  const space = (principal) => (principal.orgId !== null ? `org:${principal.orgId}` : `owner:${principal.ownerId}`);
  return {
    /**
     * @param {RunOwner} principal
     * @param {{ agent_type: string, task: string }} input
     * @returns {Run}
     */
    create(principal, input) {
      const run = { id: randomUUID(), status: /** @type {const} */ ('queued'), agent_type: input.agent_type, task: input.task };
      let runs = bySpace.get(space(principal));
      if (runs === undefined) bySpace.set(space(principal), (runs = new Map()));
      runs.set(run.id, run);
      return run;
    },
    /** @param {RunOwner} principal @returns {Run[]} */
    list(principal) {
      return [...(bySpace.get(space(principal))?.values() ?? [])];
    },
    /** @param {RunOwner} principal @param {string} id @returns {Run | undefined} */
    get(principal, id) {
      return bySpace.get(space(principal))?.get(id);
    },
  };
}

/** @typedef {ReturnType<typeof createRunsRepository>} RunsRepository */

const MAX_AGENT_TYPE = 100;
const MAX_TASK = 10_000;

/**
 * Validate the body of `POST /v1/run`: `{ "agent_type": string, "task": string }`, both
 * non-empty (at most 100 and 10 000 characters). Other fields are ignored.
 *
 * @example
 * const input = parseRunInput(req.body);
 * if (!input.ok) return res.status(422).json(input.error);
 *
 * @param {unknown} body
 * @returns {{ ok: true, value: { agent_type: string, task: string } } | { ok: false, error: ErrorBody }}
 */
export function parseRunInput(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('The body must be a JSON object with "agent_type" and "task".');
  const { agent_type: agentType, task } = /** @type {Record<string, unknown>} */ (body);
  if (typeof agentType !== 'string' || agentType.trim() === '' || agentType.length > MAX_AGENT_TYPE) {
    return invalid(`"agent_type" must be a non-empty string of at most ${MAX_AGENT_TYPE} characters.`, 'agent_type');
  }
  if (typeof task !== 'string' || task.trim() === '' || task.length > MAX_TASK) {
    return invalid(`"task" must be a non-empty string of at most ${MAX_TASK} characters.`, 'task');
  }
  return { ok: true, value: { agent_type: agentType, task } };
}

/** @typedef {{ status: number, error: string, code: string, message: string, field?: string }} ErrorBody */

/**
 * @param {string} message
 * @param {string} [field]
 * @returns {{ ok: false, error: ErrorBody }}
 */
function invalid(message, field) {
  return { ok: false, error: errorBody(422, 'invalid_input', message, field) };
}

const PHRASES = /** @type {Record<number, string>} */ ({
  400: 'Bad Request',
  404: 'Not Found',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
});

/**
 * An error body shaped like keyward's own (`status`, `error`, `code`, `message`), for the app's
 * errors: unknown routes, missing runs, invalid bodies.
 *
 * @example
 * res.status(404).json(errorBody(404, 'not_found', 'No such run.'));
 *
 * @param {number} status
 * @param {string} code
 * @param {string} message
 * @param {string} [field]
 * @returns {ErrorBody}
 */
export function errorBody(status, code, message, field) {
  const body = { status, error: PHRASES[status] ?? 'Error', code, message };
  return field === undefined ? body : { ...body, field };
}

/**
 * Read a JSON request body from a Node stream (for frameworks without a body parser, like Koa):
 * `undefined` when empty, else the parsed value; 400 when it is not JSON, 413 over `limit` bytes.
 *
 * @example
 * const body = await readJsonBody(ctx.req);
 * if (!body.ok) { ctx.status = body.error.status; ctx.body = body.error; return; }
 *
 * @param {AsyncIterable<Buffer | string>} stream
 * @param {{ limit?: number }} [options] Default 64 KiB.
 * @returns {Promise<{ ok: true, value: unknown } | { ok: false, error: ErrorBody }>}
 */
export async function readJsonBody(stream, { limit = 65_536 } = {}) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    // Past the limit, drain without keeping anything so the 413 can still be sent.
    if (size <= limit) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  }
  if (size > limit) return { ok: false, error: errorBody(413, 'body_too_large', `The body exceeds ${limit} bytes.`) };
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: INVALID_JSON };
  }
}

/** 404 for a route that does not exist. */
export const ROUTE_NOT_FOUND = Object.freeze(errorBody(404, 'not_found', 'No such route.'));
/** 404 for a run that does not exist or belongs to another organization (the two look alike). */
export const RUN_NOT_FOUND = Object.freeze(errorBody(404, 'not_found', 'No such run.'));
/** 404 for an unknown registry slug. */
export const REGISTRY_NOT_FOUND = Object.freeze(errorBody(404, 'not_found', 'No such registry.'));
/** 400 for a body that is not JSON. */
export const INVALID_JSON = Object.freeze(errorBody(400, 'invalid_json', 'The request body is not valid JSON.'));
/** 500 without any detail: the error itself goes nowhere near the client. */
export const INTERNAL_ERROR = Object.freeze(errorBody(500, 'internal_error', 'Internal error.'));
