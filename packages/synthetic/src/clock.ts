/** Simulated time. Everything is epoch milliseconds derived from the world's start. */

export const MS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

const TWO_DIGITS: readonly string[] = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

/** Year, month, day of a day count since 1970-01-01 (Hinnant's civil-from-days). */
function civil(days: number): [year: number, month: number, day: number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/**
 * The same string as `new Date(ms).toISOString()` for years 1000-9999, by arithmetic.
 * Generating an order formats two timestamps, and `Date#toISOString` was a fifth of the
 * generator's time.
 */
export function iso(epochMs: number): string {
  const ms = Math.round(epochMs);
  const days = Math.floor(ms / MS.day);
  let rest = ms - days * MS.day;
  const [y, mo, d] = civil(days);
  const h = Math.floor(rest / MS.hour);
  rest -= h * MS.hour;
  const mi = Math.floor(rest / MS.minute);
  rest -= mi * MS.minute;
  const s = Math.floor(rest / MS.second);
  const milli = rest - s * MS.second;
  const msText = milli < 10 ? `00${milli}` : milli < 100 ? `0${milli}` : String(milli);
  return `${y}-${TWO_DIGITS[mo]}-${TWO_DIGITS[d]}T${TWO_DIGITS[h]}:${TWO_DIGITS[mi]}:${TWO_DIGITS[s]}.${msText}Z`;
}

export function yyyymmdd(epochMs: number): string {
  const [y, mo, d] = civil(Math.floor(Math.round(epochMs) / MS.day));
  return `${y}${TWO_DIGITS[mo]}${TWO_DIGITS[d]}`;
}

/**
 * Relative shopping activity per local hour (Central European Time): almost nothing at 04:00,
 * a lunch bump, and the evening sofa peak that fashion apps see.
 */
const HOURLY_ACTIVITY = [
  0.35, 0.2, 0.12, 0.08, 0.07, 0.1, 0.25, 0.55, 0.8, 0.95, 1.05, 1.15, 1.3, 1.2, 1.1, 1.1, 1.15, 1.3, 1.5, 1.75, 1.9, 1.85, 1.45, 0.8,
] as const;

/** The platform's traffic is mostly CET; a single offset is enough for a daily curve. */
const PLATFORM_UTC_OFFSET_HOURS = 1;

/**
 * Warps a homogeneous Poisson process into one that follows the daily curve. Arrivals are
 * generated in "activity time", where the rate is constant, and mapped to wall time through
 * the inverse of the cumulative activity; the mean rate over a whole day is unchanged.
 */
export class DiurnalClock {
  readonly #weights: number[];
  /** Cumulative activity (ms) at the start of each local hour; 25 entries. */
  readonly #cumulative: number[];
  readonly #offsetMs: number;

  constructor(hourly: readonly number[] = HOURLY_ACTIVITY, utcOffsetHours = PLATFORM_UTC_OFFSET_HOURS) {
    if (hourly.length !== 24 || hourly.some((w) => !(w > 0))) throw new RangeError('diurnal profile needs 24 positive weights');
    const mean = hourly.reduce((s, w) => s + w, 0) / 24;
    this.#weights = hourly.map((w) => w / mean);
    this.#cumulative = [0];
    for (let h = 0; h < 24; h++) this.#cumulative.push((this.#cumulative[h] as number) + (this.#weights[h] as number) * MS.hour);
    this.#offsetMs = utcOffsetHours * MS.hour;
  }

  /** Cumulative activity at a wall-clock instant. */
  activityAt(epochMs: number): number {
    const local = epochMs + this.#offsetMs;
    const day = Math.floor(local / MS.day);
    const inDay = local - day * MS.day;
    const hour = Math.min(23, Math.floor(inDay / MS.hour));
    return day * MS.day + (this.#cumulative[hour] as number) + (inDay - hour * MS.hour) * (this.#weights[hour] as number);
  }

  /** The wall-clock instant at which cumulative activity reaches `activity`. */
  wallAt(activity: number): number {
    const day = Math.floor(activity / MS.day);
    const inDay = activity - day * MS.day;
    let hour = 0;
    while (hour < 23 && (this.#cumulative[hour + 1] as number) <= inDay) hour++;
    const local = day * MS.day + hour * MS.hour + (inDay - (this.#cumulative[hour] as number)) / (this.#weights[hour] as number);
    return local - this.#offsetMs;
  }
}
