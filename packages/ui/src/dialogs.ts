import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import type { ListedKey, Me } from './api.js';
import { GRACE_PERIODS, today } from './format.js';

/** Messages next to the create form's fields (empty: none). */
export interface CreateErrors {
  nickname: string;
  scopes: string;
  expiresAt: string;
  form: string;
}

export const NO_ERRORS: CreateErrors = { nickname: '', scopes: '', expiresAt: '', form: '' };

/** What the dialogs show and do; the element implements it. */
export interface DialogHost {
  readonly me: Me | null;
  readonly busy: boolean;
  readonly createErrors: CreateErrors;
  readonly target: ListedKey | null;
  readonly shown: { readonly title: string; readonly key: string } | null;
  readonly copyStatus: string;
  submitCreate(event: SubmitEvent): void;
  submitRevoke(event: SubmitEvent): void;
  submitRotate(event: SubmitEvent): void;
  copy(): void;
  closeDialog(event: Event): void;
  dialogClosed(event: Event): void;
}

/** Create: a unique name, scopes from `GET /me` with their descriptions, an optional expiry day. */
export function createDialog(host: DialogHost): TemplateResult {
  const e = host.createErrors;
  const scopes = host.me?.scopes ?? [];
  return html`<dialog id="create" aria-labelledby="create-title" @close=${host.dialogClosed}>
    <form novalidate @submit=${host.submitCreate}>
      <h2 id="create-title">Create API key</h2>
      <div class="field">
        <label for="nickname">Name</label>
        <input id="nickname" name="nickname" type="text" autocomplete="off" required maxlength="100" aria-invalid=${e.nickname === '' ? 'false' : 'true'} aria-describedby="nickname-hint nickname-error" />
        <p class="hint" id="nickname-hint">Unique among your keys, e.g. "CI deploy".</p>
        <p class="error" id="nickname-error">${e.nickname}</p>
      </div>
      ${scopes.length === 0
        ? html`<p class="hint">This key gets the default scopes.</p>`
        : html`<fieldset aria-invalid=${e.scopes === '' ? 'false' : 'true'} aria-describedby="scopes-error">
            <legend>Scopes</legend>
            ${scopes.map((scope, i) => html`<div class="choice">
              <input type="checkbox" id=${`scope-${i}`} name="scopes" value=${scope.name} aria-describedby=${scope.description === null ? nothing : `scope-${i}-description`} />
              <label for=${`scope-${i}`}><code>${scope.name}</code></label>
              ${scope.description === null ? nothing : html`<span class="description" id=${`scope-${i}-description`}>${scope.description}</span>`}
            </div>`)}
            <p class="error" id="scopes-error">${e.scopes}</p>
          </fieldset>`}
      <div class="field">
        <label for="expires">Expires on <span class="muted">(optional)</span></label>
        <input id="expires" name="expires" type="date" min=${today()} aria-invalid=${e.expiresAt === '' ? 'false' : 'true'} aria-describedby="expires-hint expires-error" />
        <p class="hint" id="expires-hint">Leave empty for a key that does not expire. It stops working at the end of that day.</p>
        <p class="error" id="expires-error">${e.expiresAt}</p>
      </div>
      <p class="error" id="create-error" role="alert">${e.form}</p>
      <div class="buttons">
        <button type="button" value="cancel" @click=${host.closeDialog}>Cancel</button>
        <button type="submit" class="primary" ?disabled=${host.busy}>Create key</button>
      </div>
    </form>
  </dialog>`;
}

/** The new key, once: with a Copy button and the warning that it cannot be shown again. */
export function shownOnceDialog(host: DialogHost): TemplateResult {
  const shown = host.shown;
  return html`<dialog id="shown" aria-labelledby="shown-title" aria-describedby="shown-warning" @close=${host.dialogClosed}>
    <h2 id="shown-title">${shown?.title ?? 'Your new API key'}</h2>
    <p class="warning" id="shown-warning"><strong>This key is shown only once.</strong> Copy it now and store it somewhere safe: you cannot see it again.</p>
    <label for="new-key" class="field">API key</label>
    <div class="copy-row">
      <input id="new-key" class="key" type="text" readonly autocomplete="off" spellcheck="false" .value=${shown?.key ?? ''} />
      <button type="button" class="primary" @click=${host.copy}>Copy</button>
    </div>
    <p class="hint" role="status" id="copy-status">${host.copyStatus}</p>
    <div class="buttons">
      <button type="button" @click=${host.closeDialog}>Done</button>
    </div>
  </dialog>`;
}

/** Revoke: a confirmation that says what revoking means. */
export function revokeDialog(host: DialogHost): TemplateResult {
  const name = host.target?.nickname ?? '';
  return html`<dialog id="revoke" aria-labelledby="revoke-title" aria-describedby="revoke-text" @close=${host.dialogClosed}>
    <form @submit=${host.submitRevoke}>
      <h2 id="revoke-title">Revoke “${name}”?</h2>
      <p id="revoke-text">Revocation is immediate and cannot be undone. Anything still using this key is refused from now on.</p>
      <div class="buttons">
        <button type="button" autofocus @click=${host.closeDialog}>Cancel</button>
        <button type="submit" class="danger" ?disabled=${host.busy}>Revoke key</button>
      </div>
    </form>
  </dialog>`;
}

/** Rotate: a grace period for the old key, then the new key shown once. */
export function rotateDialog(host: DialogHost): TemplateResult {
  const name = host.target?.nickname ?? '';
  return html`<dialog id="rotate" aria-labelledby="rotate-title" aria-describedby="rotate-text" @close=${host.dialogClosed}>
    <form @submit=${host.submitRotate}>
      <h2 id="rotate-title">Rotate “${name}”</h2>
      <p id="rotate-text">A new key with the same name and scopes replaces this one. Its value is shown once.</p>
      <fieldset>
        <legend>Keep the old key working for</legend>
        ${GRACE_PERIODS.map((period, i) => html`<div class="choice">
          <input type="radio" id=${`grace-${i}`} name="grace" value=${String(period.seconds)} ?checked=${i === 0} />
          <label for=${`grace-${i}`}>${period.label}</label>
        </div>`)}
      </fieldset>
      <div class="buttons">
        <button type="button" @click=${host.closeDialog}>Cancel</button>
        <button type="submit" class="primary" ?disabled=${host.busy}>Rotate key</button>
      </div>
    </form>
  </dialog>`;
}
