import { describe, expect, it } from 'vitest';
import { compileUi, pageHtml } from './ui.js';

describe('option ui', () => {
  it('is off unless asked for', () => {
    expect(compileUi(undefined)).toBeNull();
    expect(compileUi(false)).toBeNull();
    expect(compileUi(true)?.matches('GET', '/ui/')).toBe(true);
  });

  it('refuses a bad value or an unknown name at start-up', () => {
    expect(() => compileUi('yes' as never)).toThrow(/"ui" must be true, false or \{ title \}/);
    expect(() => compileUi({ titel: 'x' } as never)).toThrow(/unknown option "ui.titel" \(did you mean "ui.title"\?\)/);
    expect(() => compileUi({ title: ' ' })).toThrow(/"ui.title" must be a non-empty string/);
  });

  it('matches only GET/HEAD of the page and its two assets, with or without a query', () => {
    const ui = compileUi({ title: 'Keys' })!;
    for (const path of ['/ui', '/ui/', '/ui/?x=1', '/ui/keyward-api-keys.js', '/ui/keyward-api-keys.css']) expect(ui.matches('get', path)).toBe(true);
    expect(ui.matches('HEAD', '/ui/')).toBe(true);
    for (const path of ['/ui/x.js', '/uix', '/', '/ui/keyward-api-keys.js/x']) expect(ui.matches('GET', path)).toBe(false);
    expect(ui.matches('POST', '/ui/')).toBe(false);
  });

  it('escapes the title and points the element at the mount point', () => {
    const html = pageHtml(`"Keys" & <b>'s`);
    expect(html).toContain('<title>&#34;Keys&#34; &#38; &#60;b&#62;&#39;s</title>');
    expect(html).toContain('endpoint=".."');
  });
});
