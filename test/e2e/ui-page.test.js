// The Settings → API Keys page (docs/ui.md) in a real Chromium, on each built reference app:
// sign in (session cookie) or hand the element a management JWT, create a key in the page, read
// it from the shown-once dialog, call the API with it (202), revoke it in the page, call again
// (401); rotate with a grace period on the way. Every state is scanned with axe-core; express saves screenshots (desktop and 375 px).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FRAMEWORKS, exampleDir } from './support/apps.js';
import { SCREENSHOTS, launchChromium, seriousViolations } from './support/browser.js';
import { startExampleProcess } from './support/process.js';
import { signManagementToken } from './support/tokens.js';

const SECRET = 'ui-page-test-jwt-secret-0123456789-0123456789';
const TASK = { agent_type: 'triage', task: 'from the page' };
/** @type {import('playwright-core').Browser} */
let browser;
/** @type {Map<string, import('./support/process.js').ExampleProcess>} */
const apps = new Map();

beforeAll(async () => {
  browser = await launchChromium();
  for (const framework of FRAMEWORKS) apps.set(framework, await startExampleProcess(exampleDir(framework), { KEYWARD_JWT_SECRET: SECRET }));
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([...apps.values()].map((app) => app.stop()));
});

/** @param {string} url @param {string} key */
const run = (url, key) => fetch(`${url}/v1/run`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(TASK) });

/** The element of the page, and the deep active element's id / text (focus inside the shadow root). @param {import('playwright-core').Page} page */
const focused = (page) =>
  page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active === null ? '' : `${active.tagName.toLowerCase()}#${active.id}:${(active.textContent ?? '').trim().slice(0, 40)}`;
  });

describe.each(FRAMEWORKS)('API-keys page on %s', (framework) => {
  it.each(['session', 'jwt'])('signed in by %s: create in the page → 202 → revoke in the page → 401, accessible in every state', async (via) => {
    const app = /** @type {import('./support/process.js').ExampleProcess} */ (apps.get(framework));
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    const page = await context.newPage();
    /** @type {string[]} */
    const consoleLines = [];
    page.on('console', (message) => {
      if (!message.location().url.endsWith('/favicon.ico')) consoleLines.push(`${message.type()}: ${message.text()}`); // the app has no icon
    });
    page.on('pageerror', (error) => consoleLines.push(`pageerror: ${error.message}`));
    const shoot = async (/** @type {string} */ state) => {
      if (framework !== 'express' || via !== 'session') return;
      await page.screenshot({ path: join(SCREENSHOTS, `${state}-desktop.png`) });
      await page.setViewportSize({ width: 375, height: 740 });
      await page.screenshot({ path: join(SCREENSHOTS, `${state}-375.png`) });
      await page.setViewportSize({ width: 1280, height: 800 });
    };
    const scan = async (/** @type {string} */ state) => expect(await seriousViolations(page), state).toEqual([]);

    try {
      if (via === 'session') {
        await page.goto(`${app.url}/login`);
        await scan('login');
        await shoot('login');
        await page.getByRole('button', { name: /Sign in as demo-user/ }).click();
        await page.waitForURL(`${app.url}/auth/api-keys/ui/`);
      } else {
        // No session: the page says so, until the element is handed a token (memory only).
        await page.goto(`${app.url}/auth/api-keys/ui`);
        expect(page.url()).toBe(`${app.url}/auth/api-keys/ui/`); // /ui → ui/ (relative redirect)
        await expect.poll(() => page.getByRole('alert').textContent()).toContain('not signed in');
        const token = signManagementToken(SECRET, { sub: `page-${framework}`, org: 'acme' });
        await page.evaluate((value) => {
          /** @type {any} */ (document.querySelector('keyward-api-keys')).token = value;
        }, token);
      }
      const create = page.getByRole('button', { name: 'Create key', exact: true });
      await expect.poll(() => create.isEnabled()).toBe(true);
      await expect.poll(() => page.getByText(/No API keys yet|Every API key/).count()).toBeGreaterThan(0);
      await scan('list (empty)');
      await shoot('list-empty');

      // Create, by keyboard only: Enter on the button, type, Space on a scope, Enter to submit.
      await create.focus();
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Create API key' });
      await dialog.waitFor();
      expect(await focused(page)).toMatch(/^input#nickname/);
      const nickname = `page ${via}`;
      await page.keyboard.type(nickname);
      await dialog.getByRole('checkbox', { name: 'agents:run' }).focus();
      await page.keyboard.press('Space');
      expect(await dialog.getByRole('checkbox', { name: 'agents:run' }).isChecked()).toBe(true);
      expect(await dialog.getByText('Queue agent runs (POST /v1/run).').count()).toBe(1); // the scope's description
      await scan('create dialog');
      await shoot('create-dialog');
      await dialog.getByRole('button', { name: 'Create key' }).focus();
      await page.keyboard.press('Enter');

      const shown = page.getByRole('dialog', { name: /Your new API key/ });
      await shown.waitFor();
      await expect.poll(() => shown.getByText('This key is shown only once.').count()).toBe(1);
      const key = await shown.getByRole('textbox', { name: 'API key', exact: true }).inputValue();
      expect(key).toMatch(/^eck_live_/);
      await shown.getByRole('button', { name: 'Copy' }).click();
      await expect.poll(() => shown.getByRole('status').textContent()).toMatch(/Copied|Selected/);
      await scan('shown-once dialog');
      await shoot('shown-once-dialog');
      await shown.getByRole('button', { name: 'Done' }).click();
      await expect.poll(() => focused(page)).toMatch(/^button#open-create/); // focus restored
      expect(await page.locator('#new-key').inputValue()).toBe(''); // forgotten once closed
      await expect.poll(() => page.getByRole('cell', { name: nickname, exact: true }).count()).toBe(1);
      // Only the start hint is listed; the key itself is nowhere in the page any more.
      const pageText = await page.evaluate(() => {
        const root = /** @type {ShadowRoot} */ (document.querySelector('keyward-api-keys')?.shadowRoot);
        return root.innerHTML + [...root.querySelectorAll('input')].map((input) => input.value).join(' ');
      });
      expect(pageText).not.toContain(key);
      expect(pageText).toContain('…');
      // demo-user is acme's admin: every key of acme, with its creator; a JWT caller is a member.
      expect(await page.getByRole('columnheader', { name: 'Created by' }).count()).toBe(via === 'session' ? 1 : 0);
      await scan('list with a key');
      await shoot('list');

      expect((await run(app.url, key)).status).toBe(202);

      // Rotate with a grace period: the new key is shown once; both keys work during the grace.
      await page.getByRole('button', { name: `Rotate ${nickname}` }).click();
      const rotate = page.getByRole('dialog', { name: `Rotate “${nickname}”` });
      await rotate.waitFor();
      await rotate.getByRole('radio', { name: '1 hour' }).check();
      await scan('rotate dialog');
      await shoot('rotate-dialog');
      await rotate.getByRole('button', { name: 'Rotate key' }).click();
      const rotated = page.getByRole('dialog', { name: `New key for “${nickname}”` });
      await rotated.waitFor();
      const newKey = await rotated.getByRole('textbox', { name: 'API key', exact: true }).inputValue();
      expect(newKey).toMatch(/^eck_live_/);
      expect(newKey).not.toBe(key);
      await rotated.getByRole('button', { name: 'Done' }).click();
      expect((await run(app.url, key)).status).toBe(202);
      expect((await run(app.url, newKey)).status).toBe(202);
      // The old key stays listed (with its grace-period expiry) beside the new one.
      await expect.poll(() => page.getByRole('cell', { name: nickname, exact: true }).count()).toBe(2);

      // Revoke in the page, after the confirmation.
      await page.getByRole('row').filter({ hasText: newKey.slice(0, 12) }).getByRole('button', { name: `Revoke ${nickname}` }).click();
      const confirm = page.getByRole('dialog', { name: `Revoke “${nickname}”?` });
      await confirm.waitFor();
      expect(await confirm.textContent()).toContain('Revocation is immediate and cannot be undone.');
      expect(await focused(page)).toMatch(/Cancel/); // the safe choice has focus
      await scan('revoke confirmation');
      await shoot('revoke-dialog');
      await confirm.getByRole('button', { name: 'Revoke key' }).click();
      await expect.poll(() => page.locator('#announcer').textContent()).toContain(`API key “${nickname}” revoked.`);
      await expect.poll(() => page.getByRole('cell', { name: nickname, exact: true }).count()).toBe(1);

      expect((await run(app.url, newKey)).status).toBe(401);
      expect((await run(app.url, key)).status).toBe(202); // the old one, still in its grace period

      // An expiry in the past: the server's 422 is shown next to the expiry field, which gets focus.
      await create.click();
      await dialog.waitFor();
      await dialog.getByRole('textbox', { name: 'Name' }).fill('expired already');
      await page.locator('#expires').fill('2001-02-03');
      await dialog.getByRole('button', { name: 'Create key' }).click();
      await expect.poll(() => page.locator('#expires-error').textContent()).toContain('expiresAt must be in the future');
      const expiry = page.locator('#expires');
      expect(await expiry.getAttribute('aria-invalid')).toBe('true');
      expect(await expiry.getAttribute('aria-describedby')).toContain('expires-error');
      expect(await focused(page)).toMatch(/^input#expires/);
      await scan('create dialog with an error');
      await page.keyboard.press('Escape');
      await expect.poll(() => focused(page)).toMatch(/^button#open-create/);
      // The key was never in a URL, in storage or on the console.
      const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
      for (const secret of [key, newKey]) {
        expect(page.url()).not.toContain(secret);
        expect(stored).not.toContain(secret);
        expect(consoleLines.join('\n')).not.toContain(secret);
      }
      // No script error and no CSP violation; the refusals this test provokes (401 before the token, the 422) are logged by the browser itself.
      expect(consoleLines.filter((line) => /^(error|pageerror)/.test(line) && !/Failed to load resource: .* status of (401|422)/.test(line))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
