/**
 * For authors of framework adapters (`@keyward/express`, `@keyward/fastify`, `@keyward/koa`, or
 * your own): the guards, the framework-free management API and the one option check. Core owns
 * every decision; an adapter maps its request to these inputs and sends back what they return
 * (`keyward.respond(failure)` gives status, headers and body). Applications never need this entry.
 *
 * @example
 * ```ts
 * import { assertKeyward, createScopeGuard } from '@keyward/core/adapter';
 * const guard = createScopeGuard('agents:run');
 * const failure = guard(req.auth);              // null when allowed
 * if (failure) send(keyward.respond(failure));
 * ```
 *
 * @module
 */
export { assertKeyward, createOrganizationGuard, createScopeGuard } from './http/guards.js';
export type { OrganizationGuard, ScopeGuard, ScopeGuardArguments } from './http/guards.js';
export { MANAGEMENT_OPTION_NAMES, createManagementApi } from './management/management.js';
export type { ManagementApi, ManagementAuthResult, ManagementOptions, ManagementRequest, ManagementResponse } from './management/management.js';
export type { ManagementAuthenticate, ManagementClaims, ManagementPrincipal, SessionPrincipal } from './management/principal.js';
export type { ManagementErrorBody, ManagementErrorCode } from './management/responses.js';
export type { ScopePolicy, ScopePolicyOption } from './management/scope-policy.js';
export type { ManagementUiOption } from './management/ui.js';
export { nodeRequestHeaders } from './verify/credentials.js';
export type { NodeHeaderSource } from './verify/credentials.js';
export { checkOptions } from './options.js';
export type { OptionNames } from './options.js';
export type { ScopeRequirement } from './verify/scopes.js';
export { KeywardConfigError } from './errors.js';
export type { AuthFailure } from './errors.js';
export type { Keyward } from './keyward.js';
export type { Principal } from './verify/principal.js';
export type { HeaderInput } from './verify/credentials.js';
export type { ScopeMode } from './verify/scopes.js';
export type { FailureResponse } from './http/responses.js';
export type { RespondContext } from './events/request-events.js';
export { createLeakReportApi } from './leaks/leak-reports.js';
export type { LeakLabel, LeakReportApi, LeakReportOptions, LeakReportResponse, LeakedKey } from './leaks/leak-reports.js';
export type { ReporterPublicKey } from './leaks/public-keys.js';
export { checkCost } from './ratelimit/limiter.js';
export type { RateLimitResult } from './ratelimit/limiter.js';
