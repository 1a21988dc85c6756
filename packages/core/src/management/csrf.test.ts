import { describe, expect, it } from 'vitest';
import { csrfProblem } from './csrf.js';

const PAGE = { host: 'app.example:8080', origin: 'http://app.example:8080', 'sec-fetch-site': 'same-origin', 'x-keyward-csrf': '1' };

describe('csrfProblem', () => {
  it('lets reads through, and a state-changing request from a page of the same origin', () => {
    expect(csrfProblem('GET', {})).toBeNull();
    expect(csrfProblem('HEAD', { 'sec-fetch-site': 'cross-site' })).toBeNull();
    for (const method of ['POST', 'patch', 'PUT', 'DELETE']) expect(csrfProblem(method, PAGE)).toBeNull();
    expect(csrfProblem('POST', { ...PAGE, 'sec-fetch-site': 'none' })).toBeNull(); // typed in the address bar / a bookmark
    expect(csrfProblem('POST', { 'x-keyward-csrf': 'anything' })).toBeNull(); // no fetch metadata, no Origin: the header alone
    expect(csrfProblem('POST', { ...PAGE, origin: 'HTTP://APP.EXAMPLE:8080', host: 'App.Example:8080' })).toBeNull();
  });

  it('refuses a missing or empty header, another site, another origin, or ambiguous values', () => {
    const refused = [
      { ...PAGE, 'x-keyward-csrf': undefined },
      { ...PAGE, 'x-keyward-csrf': '  ' },
      { ...PAGE, 'sec-fetch-site': 'cross-site' },
      { ...PAGE, 'sec-fetch-site': 'same-site' },
      { ...PAGE, origin: 'https://evil.example' },
      { ...PAGE, origin: 'http://app.example:9090' },
      { ...PAGE, origin: 'null' },
      { ...PAGE, host: undefined },
      { ...PAGE, origin: ['http://app.example:8080', 'https://evil.example'] },
      { ...PAGE, 'x-keyward-csrf': ['1', '2'], 'sec-fetch-site': ['same-origin', 'cross-site'] },
    ];
    for (const headers of refused) {
      expect(csrfProblem('POST', headers)).toMatchObject({ code: 'csrf_failed', message: expect.any(String) });
    }
  });
});
