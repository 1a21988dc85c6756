/**
 * `<keyward-api-keys>`: the Settings → API Keys page of the keyward management routes, as a
 * custom element. Importing this file defines the element (once).
 *
 * @example
 * ```html
 * <script type="module" src="/assets/keyward-api-keys.js"></script>
 * <keyward-api-keys endpoint="/auth/api-keys"></keyward-api-keys>
 * ```
 *
 * @module
 */
import { LitElement, html, nothing } from 'lit';
import type { PropertyValues, TemplateResult } from 'lit';
import { ManagementClient, baseUrl } from './api.js';
import type { ApiProblem, ListedKey, Me } from './api.js';
import { NO_ERRORS, createDialog, revokeDialog, rotateDialog, shownOnceDialog } from './dialogs.js';
import type { CreateErrors, DialogHost } from './dialogs.js';
import { expiresSoon, expiryOf, fieldOf, formatDate } from './format.js';
import { styles } from './styles.js';

export type { ApiProblem, ListedKey, Me, MintedKey } from './api.js';

/**
 * The element class. Attribute `endpoint`: where the management routes are mounted (absolute,
 * or relative to the page). Property `token`: a management JWT sent as `Authorization: Bearer`
 * (memory only; without it the same-origin session cookie authenticates).
 *
 * @example
 * ```ts
 * import { KeywardApiKeys } from '@keyward/ui';
 * const element = document.querySelector('keyward-api-keys') as KeywardApiKeys;
 * element.token = await getManagementToken();
 * ```
 */
export class KeywardApiKeys extends LitElement implements DialogHost {
  static override properties = {
    endpoint: { type: String },
    token: { attribute: false },
    me: { state: true },
    keys: { state: true },
    problem: { state: true },
    busy: { state: true },
    createErrors: { state: true },
    target: { state: true },
    shown: { state: true },
    copyStatus: { state: true },
    announcement: { state: true },
  };
  static override styles = styles;

  declare endpoint: string;
  declare token: string | undefined;
  declare me: Me | null;
  declare keys: readonly ListedKey[] | null;
  declare problem: ApiProblem | null;
  declare busy: boolean;
  declare createErrors: CreateErrors;
  declare target: ListedKey | null;
  declare shown: { readonly title: string; readonly key: string } | null;
  declare copyStatus: string;
  declare announcement: string;

  /** Where focus goes back when the last dialog closes. */
  private opener: HTMLElement | null = null;
  private readonly api = new ManagementClient(() => baseUrl(this.endpoint, document.baseURI), () => this.token);

  constructor() {
    super();
    this.endpoint = '';
    this.token = undefined;
    this.me = null;
    this.keys = null;
    this.problem = null;
    this.busy = false;
    this.createErrors = NO_ERRORS;
    this.target = null;
    this.shown = null;
    this.copyStatus = '';
    this.announcement = '';
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('endpoint') || changed.has('token')) void this.reload();
  }

  /** Fetch `GET /me` and the list again. */
  async reload(): Promise<void> {
    if (this.endpoint === '') {
      this.problem = { status: 0, code: 'no_endpoint', message: 'Set the endpoint attribute to where the API-key routes are mounted.', field: null };
      return;
    }
    const me = await this.api.me();
    if (!me.ok) return void (this.problem = me.problem);
    this.me = me.value;
    const keys = await this.api.list();
    if (!keys.ok) return void (this.problem = keys.problem);
    [this.keys, this.problem] = [keys.value, null];
  }

  protected override render(): TemplateResult {
    return html`
      <div class="toolbar">
        <p>${this.me?.admin === true ? 'Every API key of your organization.' : 'API keys let scripts and services call the API as you.'}</p>
        <button type="button" class="primary" id="open-create" ?disabled=${this.me === null} @click=${this.openCreate}>Create key</button>
      </div>
      ${this.renderBody()}
      <p class="vh" role="status" aria-live="polite" id="announcer">${this.announcement}</p>
      ${createDialog(this)} ${shownOnceDialog(this)} ${revokeDialog(this)} ${rotateDialog(this)}
    `;
  }

  private renderBody(): TemplateResult {
    if (this.problem !== null) {
      const text = this.problem.status === 401 ? 'You are not signed in, or your session has ended. Sign in again to manage API keys.' : this.problem.message;
      return html`<p class="problem" role="alert">${text}</p>`;
    }
    if (this.keys === null) return html`<p class="empty" aria-busy="true">Loading API keys…</p>`;
    if (this.keys.length === 0) return html`<p class="empty">No API keys yet. Create one to call the API from a script or service.</p>`;
    const admin = this.me?.admin === true;
    return html`<table>
      <caption class="vh">API keys</caption>
      <thead><tr>
        <th scope="col">Name</th><th scope="col">Key</th><th scope="col">Scopes</th><th scope="col">Created</th>
        <th scope="col">Last used</th><th scope="col">Expires</th>${admin ? html`<th scope="col">Created by</th>` : nothing}
        <th scope="col"><span class="vh">Actions</span></th>
      </tr></thead>
      <tbody>${this.keys.map((key) => this.renderRow(key, admin))}</tbody>
    </table>`;
  }

  private renderRow(key: ListedKey, admin: boolean): TemplateResult {
    const date = (iso: string | null, fallback: string, withTime = false) =>
      iso === null ? html`<span class="muted">${fallback}</span>` : html`<time datetime=${iso}>${formatDate(iso, fallback, undefined, withTime)}</time>`;
    return html`<tr>
      <td data-label="Name">${key.nickname}</td>
      <td data-label="Key"><code>${key.start}…</code></td>
      <td data-label="Scopes">${key.scopes.length === 0 ? html`<span class="muted">None</span>` : html`<ul class="scopes">${key.scopes.map((s) => html`<li>${s}</li>`)}</ul>`}</td>
      <td data-label="Created">${date(key.createdAt, '—')}</td>
      <td data-label="Last used">${date(key.lastUsedAt, 'Never')}</td>
      <td data-label="Expires">${date(key.expiresAt, 'Never', expiresSoon(key.expiresAt))}</td>
      ${admin ? html`<td data-label="Created by">${key.createdBy ?? '—'}</td>` : nothing}
      <td class="actions">
        <button type="button" class="link" @click=${(event: Event) => this.openFor('rotate', key, event)}>Rotate<span class="vh"> ${key.nickname}</span></button>
        <button type="button" class="link danger-text" @click=${(event: Event) => this.openFor('revoke', key, event)}>Revoke<span class="vh"> ${key.nickname}</span></button>
      </td>
    </tr>`;
  }

  private dialog(id: string): HTMLDialogElement {
    return this.renderRoot.querySelector(`dialog#${id}`) as HTMLDialogElement;
  }

  /** Open a dialog, remembering what had focus (kept across chained dialogs: create → shown once). */
  private async open(id: string, from: Event | null): Promise<void> {
    if (from !== null) this.opener = from.currentTarget as HTMLElement;
    await this.updateComplete;
    const dialog = this.dialog(id);
    dialog.showModal();
    const first = dialog.querySelector<HTMLElement>('[autofocus], input:not([type=hidden]):not([readonly]), input.key, button');
    first?.focus();
  }

  private openCreate = (event: Event): void => {
    this.createErrors = NO_ERRORS;
    this.dialog('create').querySelector('form')?.reset();
    void this.open('create', event);
  };

  private openFor(kind: 'revoke' | 'rotate', key: ListedKey, event: Event): void {
    this.target = key;
    this.dialog(kind).querySelector('form')?.reset();
    void this.open(kind, event);
  }

  closeDialog = (event: Event): void => {
    (event.currentTarget as HTMLElement).closest('dialog')?.close();
  };

  /** Every close (button, Escape): forget the shown key, and give focus back when no dialog is left open. */
  dialogClosed = (event: Event): void => {
    if ((event.currentTarget as HTMLDialogElement).id === 'shown') [this.shown, this.copyStatus] = [null, ''];
    if (this.renderRoot.querySelector('dialog[open]') !== null) return;
    const back = this.opener?.isConnected === true ? this.opener : this.renderRoot.querySelector<HTMLElement>('#open-create');
    this.opener = null;
    back?.focus();
  };

  private announce(text: string): void {
    // Cleared first so that the same sentence twice is announced twice.
    this.announcement = '';
    requestAnimationFrame(() => (this.announcement = text));
  }

  submitCreate = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const nickname = String(data.get('nickname') ?? '').trim();
    if (nickname === '') return this.refuseCreate({ ...NO_ERRORS, nickname: 'Enter a name for the key.' }, form);
    this.busy = true;
    const result = await this.api.create({ nickname, scopes: data.getAll('scopes').map(String), expiresAt: expiryOf(String(data.get('expires') ?? '')) });
    this.busy = false;
    if (!result.ok) {
      if (result.problem.status === 401) return void (this.dialog('create').close(), (this.problem = result.problem));
      return this.refuseCreate({ ...NO_ERRORS, [fieldOf(result.problem)]: result.problem.message }, form);
    }
    this.dialog('create').close();
    this.showOnce(`Your new API key “${result.value.nickname}”`, result.value.key);
    this.announce(`API key “${result.value.nickname}” created.`);
    await this.reload();
  };

  private refuseCreate(errors: CreateErrors, form: HTMLFormElement): void {
    this.createErrors = errors;
    const first = errors.nickname !== '' ? '#nickname' : errors.scopes !== '' ? 'input[name=scopes]' : errors.expiresAt !== '' ? '#expires' : 'button[type=submit]';
    void this.updateComplete.then(() => form.querySelector<HTMLElement>(first)?.focus());
  }

  private showOnce(title: string, key: string): void {
    this.shown = { title, key };
    void this.open('shown', null);
  }

  submitRevoke = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const key = this.target;
    if (key === null) return;
    this.busy = true;
    const result = await this.api.revoke(key.id);
    this.busy = false;
    this.dialog('revoke').close();
    this.announce(result.ok ? `API key “${key.nickname}” revoked.` : `Could not revoke “${key.nickname}”: ${result.problem.message}`);
    await this.reload();
  };

  submitRotate = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    const key = this.target;
    if (key === null) return;
    const grace = Number(new FormData(event.currentTarget as HTMLFormElement).get('grace') ?? 0);
    this.busy = true;
    const result = await this.api.rotate(key.id, grace);
    this.busy = false;
    this.dialog('rotate').close();
    if (!result.ok) return void this.announce(`Could not rotate “${key.nickname}”: ${result.problem.message}`);
    this.showOnce(`New key for “${key.nickname}”`, result.value.key);
    this.announce(`API key “${key.nickname}” rotated.`);
    await this.reload();
  };

  copy = async (): Promise<void> => {
    const input = this.renderRoot.querySelector<HTMLInputElement>('#new-key');
    if (input === null || this.shown === null) return;
    try {
      await navigator.clipboard.writeText(this.shown.key);
      this.copyStatus = 'Copied to the clipboard.';
    } catch {
      // No clipboard access (permissions, insecure context): select the key for Ctrl+C / ⌘C.
      input.focus();
      input.select();
      this.copyStatus = 'Selected: press Ctrl+C (⌘C on a Mac) to copy.';
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'keyward-api-keys': KeywardApiKeys;
  }
}

if (customElements.get('keyward-api-keys') === undefined) customElements.define('keyward-api-keys', KeywardApiKeys);
