// Parses horizons and windows such as `24h`, `90m`, `7d`, `168h`, `30s`, `1w` into milliseconds.
import { UserError } from '../core/errors.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds for a duration like `24h` or `1.5d`. Throws UserError on anything else. */
export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$/i.exec(text);
  if (!m) throw new UserError(`invalid duration '${text}'`, 'use a number and a unit: 90m, 24h, 7d (units s, m, h, d, w)');
  const ms = Number(m[1]) * UNIT_MS[m[2].toLowerCase()];
  if (!(ms > 0)) throw new UserError(`duration '${text}' must be greater than zero`, 'e.g. 24h');
  return ms;
}
