import { KeywardConfigError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { ManagementResponse } from './responses.js';
import { problemResponse } from './responses.js';

/** Option `ui` of the management API: serve the Settings → API Keys page at `<mount>/ui/`. */
export type ManagementUiOption = boolean | { readonly title?: string };

/** The page's strict policy: only its own script, style sheet and API calls; no framing, no inline code. */
export const UI_CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': UI_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
} as const;

const ASSETS = {
  'keyward-api-keys.js': { type: 'text/javascript; charset=utf-8', pick: (a: { script: string }) => a.script },
  'keyward-api-keys.css': { type: 'text/css; charset=utf-8', pick: (a: { style: string }) => a.style },
} as const;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The HTML page: no inline script or style; the element's `endpoint=".."` is the mount point, whatever it is. */
export function pageHtml(title: string): string {
  const t = escapeHtml(title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t}</title>
<link rel="stylesheet" href="keyward-api-keys.css">
<script type="module" src="keyward-api-keys.js"></script>
</head>
<body>
<main>
<header><h1>${t}</h1></header>
<div class="card"><keyward-api-keys endpoint=".."></keyward-api-keys></div>
</main>
</body>
</html>
`;
}

const text = (status: number, type: string, body: string, cache: string): ManagementResponse => ({
  status,
  headers: { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': cache },
  body: {},
  json: '',
  text: body,
});

/** Serves the page and its two assets; `serve` answers `null` for anything else. */
export interface UiRoutes {
  /** Whether `method path` is one of the page's routes (they need no authentication: the page holds no data). */
  matches(method: string, path: string): boolean;
  serve(method: string, path: string): Promise<ManagementResponse | null>;
}

const routeOf = (method: string, path: string): string | null => {
  const verb = method.toUpperCase();
  if (verb !== 'GET' && verb !== 'HEAD') return null;
  const query = path.indexOf('?');
  const bare = query === -1 ? path : path.slice(0, query);
  if (bare === '/ui' || bare === '/ui/') return bare;
  const asset = bare.startsWith('/ui/') ? bare.slice(4) : '';
  return Object.hasOwn(ASSETS, asset) ? asset : null;
};

/**
 * The page routes for option `ui`, or `null` when it is off. `GET /ui` redirects to `ui/` (a
 * relative `Location`), so that the page's relative links resolve below the mount point wherever
 * the adapter is mounted, without the adapter telling core its path.
 */
export function compileUi(option: ManagementUiOption | undefined): UiRoutes | null {
  if (option === undefined || option === false) return null;
  if (option !== true && (typeof option !== 'object' || option === null)) throw new KeywardConfigError('apiKeyManagement: "ui" must be true, false or { title }');
  const { title = 'API keys' } = option === true ? {} : checkOptions('apiKeyManagement', option, { title: true }, 'ui.');
  if (typeof title !== 'string' || title.trim() === '' || title.length > 200) throw new KeywardConfigError('apiKeyManagement: "ui.title" must be a non-empty string of at most 200 characters');
  const html = pageHtml(title);
  let assets: Promise<{ script: string; style: string }> | undefined;
  return {
    matches: (method, path) => routeOf(method, path) !== null,
    async serve(method, path) {
      const route = routeOf(method, path);
      if (route === null) return null;
      if (route === '/ui') return { ...text(308, 'text/plain; charset=utf-8', 'Moved to ui/\n', 'no-cache'), headers: { ...SECURITY_HEADERS, location: 'ui/', 'content-type': 'text/plain; charset=utf-8' } };
      if (route === '/ui/') return text(200, 'text/html; charset=utf-8', html, 'no-cache');
      assets ??= import('./ui-assets.js').then((m) => ({ script: m.script, style: m.style }));
      try {
        const loaded = await assets;
        const asset = ASSETS[route as keyof typeof ASSETS];
        return text(200, asset.type, asset.pick(loaded), 'no-cache');
      } catch {
        assets = undefined;
        return problemResponse({ code: 'internal_error', message: 'Internal error.' });
      }
    },
  };
}
