import { FormatRegistry } from '@sinclair/typebox';

// TypeBox validates `format` only for formats that are registered; an unregistered
// format fails every value. These are the formats the contracts use.

/**
 * RFC 3339 date-time with every field range-checked by the pattern itself; the day is
 * checked against its month below. Every event carries one or more of these and is checked
 * on both sides, so this is a pattern test, not Date.parse (which also lets 2026-02-30 and
 * 24:00 through).
 */
const RFC3339 = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,9})?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const digit = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** Whether a string is an RFC 3339 date-time naming a real calendar day. */
export function isDateTime(v: string): boolean {
  if (!RFC3339.test(v)) return false;
  const day = digit(v, 8) * 10 + digit(v, 9);
  if (day <= 28) return true;
  const year = digit(v, 0) * 1000 + digit(v, 1) * 100 + digit(v, 2) * 10 + digit(v, 3);
  const month = digit(v, 5) * 10 + digit(v, 6);
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function registerFormats(): void {
  if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);
  if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (v) => UUID.test(v));
  if (!FormatRegistry.Has('email')) FormatRegistry.Set('email', (v) => EMAIL.test(v));
}
