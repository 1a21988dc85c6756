import { describe, expect, it } from 'vitest';
// The demo sign-in of the reference apps: the same file beside each server.js.
import { SESSION_COOKIE, createDemoSessions } from '../../examples/express/demo-session.js';

const SECRET = 'demo-session-test-secret-0123456789-0123456789';
const T0 = Date.UTC(2030, 0, 1);
const cookieOf = (/** @type {{ headers: Record<string, string> }} */ answer) => answer.headers['set-cookie']?.split(';')[0] ?? '';

describe('demo sessions', () => {
  const sessions = createDemoSessions({ secret: SECRET, enabled: true, now: () => T0 });

  it('signs in a demo user with an HttpOnly SameSite=Lax cookie and a 303 to the API-keys page', () => {
    const answer = sessions.login({ host: 'app.test', origin: 'http://app.test', 'sec-fetch-site': 'same-origin' }, 'user=member-user');
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe('/auth/api-keys/ui/');
    expect(answer.headers['set-cookie']).toMatch(new RegExp(`^${SESSION_COOKIE}=member-user\\.\\d+\\.[\\w-]{43}; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600$`));
    expect(sessions.authenticate(`other=1; ${cookieOf(answer)}`)).toEqual({ ownerId: 'member-user', orgId: 'acme', roles: ['member'] });
  });

  it('refuses cross-site sign-ins, unknown users, forged, expired and foreign cookies', () => {
    expect(sessions.login({ host: 'app.test', 'sec-fetch-site': 'cross-site' }, 'user=demo-user').status).toBe(403);
    expect(sessions.login({ host: 'app.test', origin: 'https://evil.test' }, 'user=demo-user').status).toBe(403);
    expect(sessions.login({ host: 'app.test' }, 'user=root').status).toBe(400);
    const cookie = cookieOf(sessions.login({ host: 'app.test' }, 'user=member-user'));
    expect(sessions.authenticate(cookie.replace('member-user', 'demo-user'))).toBeNull(); // the signature covers the user
    expect(createDemoSessions({ secret: SECRET, enabled: true, now: () => T0 + 3_601_000 }).authenticate(cookie)).toBeNull();
    expect(createDemoSessions({ secret: `${SECRET}!`, enabled: true, now: () => T0 }).authenticate(cookie)).toBeNull();
    expect(sessions.authenticate(undefined)).toBeNull();
  });

  it('signs out by clearing the cookie', () => {
    const answer = sessions.logout({ host: 'app.test' });
    expect(answer.status).toBe(303);
    expect(answer.headers['set-cookie']).toBe(`${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  });

  it('is off when disabled (NODE_ENV=production): no login page, no session accepted', () => {
    const off = createDemoSessions({ secret: SECRET, enabled: false, now: () => T0 });
    const cookie = cookieOf(sessions.login({ host: 'app.test' }, 'user=demo-user'));
    expect(off.loginPage().status).toBe(404);
    expect(off.login({ host: 'app.test' }, 'user=demo-user').status).toBe(404);
    expect(off.authenticate(cookie)).toBeNull();
  });
});
