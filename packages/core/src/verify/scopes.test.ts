import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywardConfigError } from '../errors.js';
import { checkOrganization, compileScopes, isValidGrant, isValidScope, scopeGranted } from './scopes.js';

describe('scopeGranted', () => {
  it.each([
    [['agents:run'], 'agents:run', true],
    [['agents:read'], 'agents:run', false],
    [['agents:*'], 'agents:run', true],
    [['agents:*'], 'agents:runs:list', true],
    [['agents:*'], 'agentsx:run', false],
    [['agents:*'], 'agents', false],
    [['*'], 'anything:at:all', true],
    [[], 'agents:run', false],
    [['agents:run:*'], 'agents:run', false],
    [['agents:run:*'], 'agents:run:fast', true],
  ])('%j grants %s: %s', (granted, required, expected) => {
    expect(scopeGranted(granted, required)).toBe(expected);
  });

  it('property: "*" grants every valid scope and an exact grant always matches', () => {
    const scope = fc.stringMatching(/^[a-z]{1,8}(?::[a-z]{1,8}){0,2}$/);
    fc.assert(
      fc.property(scope, fc.array(scope), (s, others) => {
        expect(scopeGranted(['*'], s)).toBe(true);
        expect(scopeGranted([...others, s], s)).toBe(true);
        const ns = s.split(':')[0]!;
        expect(scopeGranted([`${ns}:*`], s)).toBe(s.includes(':'));
      }),
    );
  });
});

describe('compileScopes', () => {
  const principal = (scopes: string[]) => ({ scopes });

  it('requires all by default and reports required/provided', () => {
    const req = compileScopes(['agents:run', 'agents:read']);
    expect(req.check(principal(['agents:run', 'agents:read']))).toBeNull();
    expect(req.check(principal(['agents:run']))).toEqual({
      code: 'insufficient_scope',
      required: ['agents:run', 'agents:read'],
      provided: ['agents:run'],
      mode: 'all',
    });
  });

  it('any-of mode', () => {
    const req = compileScopes(['triage:read', 'triage:write'], { mode: 'any' });
    expect(req.check(principal(['triage:write']))).toBeNull();
    expect(req.check(principal(['agents:run']))).toMatchObject({ code: 'insufficient_scope', mode: 'any' });
  });

  it('wildcard grants satisfy requirements', () => {
    expect(compileScopes('agents:run').check(principal(['agents:*']))).toBeNull();
    expect(compileScopes(['agents:run', 'batch:run']).check(principal(['*']))).toBeNull();
  });

  it.each([[[]], [['agents:*']], [['*']], [['has space']], [['']], [[42]]])('rejects %j at configuration time', (scopes) => {
    expect(() => compileScopes(scopes as string[])).toThrow(KeywardConfigError);
  });

  it('rejects an unknown mode', () => {
    expect(() => compileScopes('a', { mode: 'some' as never })).toThrow(/mode/);
  });

  it('validates scope and grant strings', () => {
    expect(isValidScope('agents:run')).toBe(true);
    expect(isValidScope('agents:*')).toBe(false);
    expect(isValidGrant('agents:*')).toBe(true);
    expect(isValidGrant('*')).toBe(true);
    expect(isValidGrant('a*')).toBe(false);
    expect(isValidGrant('a'.repeat(129))).toBe(false);
  });
});

describe('checkOrganization', () => {
  it('passes the same organization, refuses another or none', () => {
    expect(checkOrganization({ orgId: 'acme' }, 'acme')).toBeNull();
    expect(checkOrganization({ orgId: 'globex' }, 'acme')).toEqual({ code: 'forbidden_organization', orgId: 'acme' });
    expect(checkOrganization({ orgId: null }, 'acme')).toMatchObject({ code: 'forbidden_organization' });
  });
});
