/** The grace periods a rotation offers: the old key keeps working this long after the new one is minted. */
export const GRACE_PERIODS: readonly { readonly label: string; readonly seconds: number }[] = [
  { label: 'None: the old key stops working now', seconds: 0 },
  { label: '1 hour', seconds: 3_600 },
  { label: '24 hours', seconds: 86_400 },
  { label: '7 days', seconds: 604_800 },
];

/**
 * A date for people: `12 Mar 2026` in the reader's locale, or `fallback` for none.
 *
 * @example
 * ```ts
 * formatDate(null, 'Never') // 'Never'
 * ```
 */
export function formatDate(iso: string | null | undefined, fallback: string, locale?: string, withTime = false): string {
  if (iso === null || iso === undefined) return fallback;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return fallback;
  return new Intl.DateTimeFormat(locale, withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' }).format(date);
}

/** Whether an expiry is close enough (within two days) for its time of day to matter, e.g. a rotation's grace period. */
export function expiresSoon(iso: string | null, now: number = Date.now()): boolean {
  return iso !== null && new Date(iso).getTime() - now < 2 * 86_400_000;
}

/**
 * The expiry the create form sends for a chosen `<input type="date">` day: the end of that day,
 * in the reader's time zone, as ISO-8601; `null` when no day is chosen.
 *
 * @example
 * ```ts
 * expiryOf('') // null
 * ```
 */
export function expiryOf(day: string): string | null {
  if (day === '') return null;
  const date = new Date(`${day}T23:59:59`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Today as `YYYY-MM-DD` in the reader's time zone (the earliest expiry the date picker offers). */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Which create-form field a refusal belongs to: `nickname`, `scopes`, `expiresAt`, or `form` for the rest. */
export function fieldOf(problem: { readonly code: string; readonly field: string | null }): 'nickname' | 'scopes' | 'expiresAt' | 'form' {
  if (problem.field === 'nickname' || problem.code === 'nickname_conflict') return 'nickname';
  if (problem.field === 'scopes' || problem.code === 'invalid_scope' || problem.code === 'forbidden_scope') return 'scopes';
  if (problem.field === 'expiresAt' || problem.code === 'invalid_expiry') return 'expiresAt';
  return 'form';
}
