import { describe, expect, it } from 'vitest';
import type { ScenarioContext } from './http-scenarios-helpers.js';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Option `ui` (docs/ui.md): the page and its two assets below the mount point, strict headers, no authentication to load. */
export function uiScenarios(ctx: ScenarioContext): void {
  const expectStrictHeaders = (headers: Headers) => {
    expect(headers.get('content-security-policy')).toBe(CSP);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('no-referrer');
  };

  describe('management page (option ui)', () => {
    it('redirects /ui to ui/ with a relative Location, so links resolve below any mount point', async () => {
      const res = await fetch(`${ctx.url()}/auth/api-keys/ui`, { redirect: 'manual' });
      expect(res.status).toBe(308);
      expect(res.headers.get('location')).toBe('ui/');
      expect(new URL(res.headers.get('location')!, `${ctx.url()}/auth/api-keys/ui`).pathname).toBe('/auth/api-keys/ui/');
    });

    it('serves the page without a credential: the title escaped, no inline script or style, relative assets', async () => {
      const res = await fetch(`${ctx.url()}/auth/api-keys/ui/`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expectStrictHeaders(res.headers);
      const html = await res.text();
      expect(html).toContain('<title>Keys of &#60;Acme&#62;</title>');
      expect(html).not.toContain('<Acme>');
      expect(html).toContain('<script type="module" src="keyward-api-keys.js"></script>');
      expect(html).toContain('<link rel="stylesheet" href="keyward-api-keys.css">');
      expect(html).toContain('<keyward-api-keys endpoint=".."></keyward-api-keys>');
      expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script type="module" src="keyward-api-keys.js">']);
      expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    });

    it('serves the element and the style sheet with their types and the same headers', async () => {
      const js = await fetch(`${ctx.url()}/auth/api-keys/ui/keyward-api-keys.js`);
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expectStrictHeaders(js.headers);
      const script = await js.text();
      expect(script).toContain('keyward-api-keys');
      expect(script).not.toMatch(/^import\s|\bfrom\s*["']lit/m); // self-contained: no bare import left
      const css = await fetch(`${ctx.url()}/auth/api-keys/ui/keyward-api-keys.css`);
      expect(css.status).toBe(200);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
      expect(await css.text()).toContain('body');
    });

    it('leaves every other path below /ui to the management routes, which still need a token', async () => {
      const anonymous = await ctx.request('GET', '/auth/api-keys/ui/other.js');
      expect([401, 404]).toContain(anonymous.status);
      const token = await ctx.token(`ui_${Date.now()}`, 'acme');
      expect((await ctx.request('GET', '/auth/api-keys/ui/other.js', { authorization: `Bearer ${token}` })).status).toBe(404);
      expect((await ctx.request('GET', '/auth/api-keys/', {})).status).toBe(401);
    });
  });
}
