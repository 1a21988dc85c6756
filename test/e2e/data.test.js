import { describe, expect, it } from 'vitest';
import { RUN_LIMITS, createRunsRepository, findRegistry, parseRunInput, registryAccess } from '../../examples/express/reference-app.js';

describe('runs repository', () => {
  it('keeps each organization to its own runs', () => {
    const runs = createRunsRepository();
    const acme = { orgId: 'acme', ownerId: 'u1' };
    const globex = { orgId: 'globex', ownerId: 'u2' };
    const run = runs.create(acme, { agent_type: 'triage', task: 't' });
    expect(run).toMatchObject({ status: 'queued', agent_type: 'triage', task: 't' });
    expect(runs.get({ orgId: 'acme', ownerId: 'someone else' }, run.id)).toEqual(run);
    expect(runs.get(globex, run.id)).toBeUndefined();
    expect(runs.list(globex)).toEqual([]);
    expect(runs.list(acme)).toEqual([run]);
  });

  it('gives a key without organization a space of its owner', () => {
    const runs = createRunsRepository();
    const run = runs.create({ orgId: null, ownerId: 'solo' }, { agent_type: 'a', task: 't' });
    expect(runs.list({ orgId: null, ownerId: 'solo' })).toEqual([run]);
    expect(runs.list({ orgId: null, ownerId: 'other' })).toEqual([]);
    expect(runs.list({ orgId: 'solo', ownerId: 'solo' })).toEqual([]);
  });

  it('is capped: the newest runs of each organization, for the organizations that queued last', () => {
    expect(RUN_LIMITS).toEqual({ perOrganization: 1_000, organizations: 100 });
    const runs = createRunsRepository({ perOrganization: 3, organizations: 2 });
    const org = (/** @type {string} */ orgId) => ({ orgId, ownerId: 'u' });
    const acme = [1, 2, 3, 4, 5].map((n) => runs.create(org('acme'), { agent_type: 'a', task: `t${n}` }));
    expect(runs.list(org('acme'))).toEqual(acme.slice(2));
    expect(runs.get(org('acme'), acme[0]?.id ?? '')).toBeUndefined();
    const globex = runs.create(org('globex'), { agent_type: 'a', task: 'g' });
    runs.create(org('acme'), { agent_type: 'a', task: 't6' }); // acme is now the last written
    runs.create(org('initech'), { agent_type: 'a', task: 'i' }); // a third organization: globex goes
    expect(runs.get(org('globex'), globex.id)).toBeUndefined();
    expect(runs.list(org('globex'))).toEqual([]);
    expect(runs.list(org('acme')).map((r) => r.task)).toEqual(['t4', 't5', 't6']);
    expect(runs.list(org('initech'))).toHaveLength(1);
  });
});

describe('parseRunInput', () => {
  it('accepts agent_type and task strings and drops other fields', () => {
    expect(parseRunInput({ agent_type: 'triage', task: 'x', extra: 1 })).toEqual({ ok: true, value: { agent_type: 'triage', task: 'x' } });
  });
  it.each([undefined, null, [], 'x', {}, { agent_type: 'a' }, { task: 't' }, { agent_type: ' ', task: 't' }, { agent_type: 'a', task: 1 }, { agent_type: 'a'.repeat(101), task: 't' }])(
    'refuses %j with a 422 body',
    (body) => {
      const result = parseRunInput(body);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatchObject({ status: 422, error: 'Unprocessable Entity', code: 'invalid_input' });
    },
  );
});

describe('registries', () => {
  it('public is open; private needs a principal of its organization', () => {
    const open = findRegistry('public-prompts');
    const closed = findRegistry('acme-private');
    if (!open || !closed) throw new Error('seeded registries missing');
    expect(findRegistry('nope')).toBeUndefined();
    expect(registryAccess(open, null)).toBeNull();
    expect(registryAccess(closed, null)).toEqual({ code: 'missing_credentials' });
    expect(registryAccess(closed, { orgId: 'acme' })).toBeNull();
    expect(registryAccess(closed, { orgId: 'globex' })).toMatchObject({ code: 'forbidden_organization' });
    expect(registryAccess(closed, { orgId: null })).toMatchObject({ code: 'forbidden_organization' });
  });
});
