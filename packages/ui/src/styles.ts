import { css } from 'lit';

/**
 * The element's own styles (shadow DOM, adopted as a constructed style sheet, so a strict
 * `style-src 'self'` allows them). Colours come from custom properties a page may override:
 * `--keyward-accent`, `--keyward-danger`, `--keyward-text`, `--keyward-muted`, `--keyward-surface`, `--keyward-border`.
 */
export const styles = css`
  :host {
    --accent: var(--keyward-accent, #1d4ed8);
    --danger: var(--keyward-danger, #b91c1c);
    --text: var(--keyward-text, #111827);
    --muted: var(--keyward-muted, #4b5563);
    --surface: var(--keyward-surface, #ffffff);
    --border: var(--keyward-border, #d1d5db);
    display: block;
    container-type: inline-size;
    color: var(--text);
    font: 1rem/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  }
  .vh { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
  .toolbar { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.75rem; margin-block-end: 1rem; }
  .toolbar p { margin: 0; color: var(--muted); }
  button { font: inherit; border-radius: 0.375rem; border: 1px solid var(--border); background: var(--surface); color: var(--text); padding: 0.375rem 0.875rem; cursor: pointer; min-height: 2.25rem; }
  button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
  button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
  button.link { border-color: transparent; background: none; color: var(--accent); text-decoration: underline; padding-inline: 0.5rem; }
  button.link.danger-text { color: var(--danger); }
  button:disabled { opacity: 0.6; cursor: progress; }
  :focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
  table { width: 100%; border-collapse: collapse; }
  th, td { text-align: start; padding: 0.5rem 0.625rem; border-block-end: 1px solid var(--border); vertical-align: middle; }
  th { font-size: 0.875rem; color: var(--muted); font-weight: 600; }
  td.actions { white-space: nowrap; text-align: end; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875rem; }
  .scopes { display: flex; flex-wrap: wrap; gap: 0.25rem; margin: 0; padding: 0; list-style: none; }
  .scopes li { border: 1px solid var(--border); border-radius: 999px; padding: 0 0.5rem; font-size: 0.8125rem; }
  .muted { color: var(--muted); }
  .empty, .problem { padding: 1.5rem; border: 1px dashed var(--border); border-radius: 0.5rem; text-align: center; }
  .problem { border-style: solid; border-color: var(--danger); color: var(--danger); }
  dialog { border: 1px solid var(--border); border-radius: 0.75rem; padding: 1.25rem; width: min(34rem, calc(100vw - 2rem)); max-height: calc(100vh - 2rem); box-sizing: border-box; color: var(--text); background: var(--surface); }
  dialog::backdrop { background: rgb(17 24 39 / 0.55); }
  dialog h2 { margin: 0 0 0.75rem; font-size: 1.25rem; }
  .field { margin-block-end: 1rem; }
  .field > label, legend { display: block; font-weight: 600; margin-block-end: 0.25rem; }
  input[type='text'], input[type='date'], input.key { font: inherit; width: 100%; box-sizing: border-box; padding: 0.375rem 0.5rem; border: 1px solid var(--muted); border-radius: 0.375rem; color: var(--text); background: var(--surface); }
  input.key { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.875rem; }
  input[aria-invalid='true'], fieldset[aria-invalid='true'] { border-color: var(--danger); }
  fieldset { border: 1px solid var(--border); border-radius: 0.5rem; margin: 0 0 1rem; padding: 0.5rem 0.75rem; }
  .choice { display: grid; grid-template-columns: auto 1fr; column-gap: 0.5rem; align-items: start; padding-block: 0.25rem; }
  .choice input { margin-block-start: 0.3rem; width: 1.05rem; height: 1.05rem; }
  .choice .description { grid-column: 2; color: var(--muted); font-size: 0.875rem; }
  .hint { color: var(--muted); font-size: 0.875rem; margin: 0.25rem 0 0; }
  .error { color: var(--danger); font-size: 0.875rem; margin: 0.25rem 0 0; }
  .error:empty { display: none; }
  .warning { border-inline-start: 4px solid #b45309; background: #fffbeb; padding: 0.5rem 0.75rem; margin: 0 0 1rem; }
  .copy-row { display: flex; gap: 0.5rem; }
  .copy-row input { flex: 1; min-width: 0; }
  .buttons { display: flex; flex-wrap: wrap; justify-content: flex-end; gap: 0.5rem; margin-block-start: 1rem; }
  /* A long scope list scrolls the dialog; its buttons stay in view at the bottom. */
  dialog .buttons { position: sticky; bottom: -1.25rem; background: var(--surface); padding-block: 0.75rem 1.25rem; margin-block-end: -1.25rem; border-block-start: 1px solid var(--border); }
  @container (max-width: 44rem) {
    table, tbody, tr, td { display: block; }
    thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    tr { border: 1px solid var(--border); border-radius: 0.5rem; margin-block-end: 0.75rem; padding: 0.5rem 0.75rem; }
    td { display: grid; grid-template-columns: 7rem 1fr; gap: 0.5rem; border: 0; padding: 0.25rem 0; }
    td::before { content: attr(data-label); color: var(--muted); font-size: 0.875rem; font-weight: 600; }
    td.actions { display: flex; justify-content: flex-start; flex-wrap: wrap; gap: 0.5rem; text-align: start; }
    td.actions::before { content: none; }
    td.actions button.link { padding-inline: 0; margin-inline-end: 1rem; }
  }
`;
