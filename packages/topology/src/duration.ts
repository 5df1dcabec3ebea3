const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 } as const;

/** Parses `30s`, `10m`, `7d` into seconds; throws naming the setting when malformed. */
export function durationSeconds(value: string, setting: string): number {
  const m = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (m === null) throw new Error(`${setting}: "${value}" is not a duration; write <number><s|m|h|d>, e.g. 30s or 7d`);
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}

/** Seconds as the shortest exact duration string (`604800` -> `7d`). */
export function formatSeconds(seconds: number): string {
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds % size === 0 && seconds >= size) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
