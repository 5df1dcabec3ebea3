import { OpsError } from './errors.js';

/** `key=value` on attributes; several filters must all match. */
export interface AttributeFilter {
  readonly key: string;
  readonly value: string;
}

export function parseFilter(text: string): AttributeFilter {
  const i = text.indexOf('=');
  if (i <= 0) throw new OpsError(`filter ${JSON.stringify(text)} is not attr=value`, 'e.g. --filter ce-type=OrderPlaced --filter dlq-error-code=UNKNOWN_MERCHANT');
  return { key: text.slice(0, i), value: text.slice(i + 1) };
}

export function matchesFilters(attributes: Readonly<Record<string, string>>, filters: readonly AttributeFilter[]): boolean {
  for (const f of filters) if (attributes[f.key] !== f.value) return false;
  return true;
}

/** Parses a time given as ISO 8601, epoch milliseconds, or relative to now (`-2h`, `-30m`, `-7d`, `now`). */
export function parseTime(text: string, now = Date.now()): Date {
  const t = text.trim();
  if (t === 'now') return new Date(now);
  const rel = /^-(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(t);
  if (rel) return new Date(now - Number(rel[1]) * { s: 1e3, m: 6e4, h: 36e5, d: 864e5 }[rel[2] as 's' | 'm' | 'h' | 'd']);
  if (/^\d{12,}$/.test(t)) return new Date(Number(t));
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) throw new OpsError(`${JSON.stringify(text)} is not a time`, 'use ISO 8601 (2026-11-21T10:00:00Z), epoch milliseconds, `now`, or relative like -2h, -30m, -7d');
  return d;
}

/** Attributes that mark a message as a copy made by these tools. */
export const OpsAttributes = {
  ReplayId: 'ops-replay-id',
  ReplayOriginalMessageId: 'ops-replay-original-message-id',
  RedriveId: 'ops-redrive-id',
  RedriveOriginalMessageId: 'ops-redrive-original-message-id',
  RedriveDeadLetterReason: 'ops-redrive-dead-letter-reason',
  RedrivenAt: 'ops-redriven-at',
} as const;
