/**
 * Rotation policies and durations (docs/architecture.md, "The owners file"). One table of units serves both the owners file
 * (`rotation: 90d`) and the config file (`schedule: 24h`), so the two never disagree.
 */

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** Accepted units. Months are `mo`, because a bare `m` reads as minutes to half of all people. */
export const DURATION_UNITS: Record<string, { ms: number; name: string }> = {
  h: { ms: HOUR, name: 'hours' },
  d: { ms: DAY, name: 'days' },
  w: { ms: 7 * DAY, name: 'weeks' },
  mo: { ms: 30 * DAY, name: 'months (30 days)' },
  y: { ms: 365 * DAY, name: 'years (365 days)' },
};

/** Rotation words that are not durations. */
export const ROTATION_KEYWORDS = ['ephemeral', 'managed', 'never'] as const;
export type RotationKeyword = (typeof ROTATION_KEYWORDS)[number];

export type Rotation =
  | { kind: 'duration'; text: string; ms: number }
  | { kind: RotationKeyword; text: string };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const DURATION_FORM = /^([1-9][0-9]{0,5})([A-Za-z]+)$/;

/** `12h`, `30d`, `6w`, `3mo`, `1y` → milliseconds. */
export function parseDuration(text: string): ParseResult<number> {
  const trimmed = text.trim();
  const form = DURATION_FORM.exec(trimmed);
  const units = Object.keys(DURATION_UNITS).join(', ');
  if (!form) return { ok: false, error: `"${text}" is not a duration: write a whole number and a unit (${units}), e.g. 90d` };
  const unit = Object.hasOwn(DURATION_UNITS, form[2]) ? DURATION_UNITS[form[2]] : undefined;
  if (!unit) {
    const hint = form[2] === 'm' ? ` (write ${form[1]}mo for months)` : '';
    return { ok: false, error: `"${text}" has an unknown unit "${form[2]}"${hint}: use one of ${units}` };
  }
  return { ok: true, value: Number(form[1]) * unit.ms };
}

/** A rotation policy: a duration, or `ephemeral` | `managed` | `never`. */
export function parseRotation(text: string): ParseResult<Rotation> {
  const word = text.trim();
  if ((ROTATION_KEYWORDS as readonly string[]).includes(word)) {
    return { ok: true, value: { kind: word as RotationKeyword, text: word } };
  }
  const duration = parseDuration(text);
  if (!duration.ok) {
    return { ok: false, error: `${duration.error}; or use ${ROTATION_KEYWORDS.join(', ')}` };
  }
  return { ok: true, value: { kind: 'duration', text: text.trim(), ms: duration.value } };
}

const DATE_FORM = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` (UTC midnight). Rejects 2027-02-30 and friends. */
export function parseDate(text: string): ParseResult<Date> {
  const form = DATE_FORM.exec(text.trim());
  const error = `"${text}" is not a date: write YYYY-MM-DD, e.g. 2027-03-31`;
  if (!form) return { ok: false, error };
  const [year, month, day] = [Number(form[1]), Number(form[2]), Number(form[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return { ok: false, error };
  }
  return { ok: true, value: date };
}

/** A `review-by` date has passed once its whole day is over (UTC). */
export function isPast(reviewBy: Date, now: Date): boolean {
  return now.getTime() >= reviewBy.getTime() + DAY;
}

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

/** `5MB`, `512KiB`, `1048576` → bytes. Units are binary (5MB = 5 MiB, matching the default). */
export function parseSize(text: string): ParseResult<number> {
  const form = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = form ? (form[2] || 'b').toLowerCase() : '';
  const multiplier = form && Object.hasOwn(SIZE_UNITS, unit) ? SIZE_UNITS[unit] : undefined;
  if (!form || multiplier === undefined) {
    return { ok: false, error: `"${text}" is not a size: write bytes or a number with B, KB, MB or GB, e.g. 5MB` };
  }
  const bytes = Math.round(Number(form[1]) * multiplier);
  if (bytes < 1) return { ok: false, error: `"${text}" must be at least 1 byte` };
  return { ok: true, value: bytes };
}
