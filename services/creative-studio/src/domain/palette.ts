import { createHash } from 'node:crypto';

/** The catalogue's colour names (packages/synthetic) as paint; unknown names get a stable grey-ish hue. */
export const COLOUR_HEX: Readonly<Record<string, string>> = {
  black: '#1d1d1f',
  white: '#f4f4f2',
  'off-white': '#ecebe4',
  navy: '#1f2a44',
  'grey melange': '#9a9a9c',
  grey: '#8d8d90',
  beige: '#d8c8a8',
  camel: '#c19a6b',
  brown: '#6b4a2f',
  olive: '#6b6b3a',
  khaki: '#bdb07a',
  burgundy: '#6d1f2f',
  red: '#c8102e',
  pink: '#f2a7b8',
  'light blue': '#a8c8e8',
  blue: '#2f5fae',
  green: '#2e7d4f',
  cream: '#f3ead3',
  yellow: '#f2c94c',
  lilac: '#c8a2c8',
  silver: '#c0c0c8',
  gold: '#c9a64a',
};

export function colourHex(name: string | undefined): string {
  if (name === undefined) return '#8d8d90';
  const known = COLOUR_HEX[name.toLowerCase()];
  if (known) return known;
  const h = createHash('sha256').update(name).digest();
  return `hsl(${h[0]! % 360}, 25%, 55%)`;
}

/** Relative luminance in [0, 1] of a #rrggbb colour (hsl() counts as mid grey). */
export function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return 0.5;
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((x) => parseInt(x, 16) / 255);
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export interface ThemePalette {
  readonly background: string;
  readonly accent: string;
  readonly ink: string;
  readonly muted: string;
}

const PALETTES: readonly ThemePalette[] = [
  { background: '#f3ede4', accent: '#8a5a3b', ink: '#231f1c', muted: '#6f655c' },
  { background: '#e9eef2', accent: '#2f4f6f', ink: '#14202b', muted: '#5b6b78' },
  { background: '#f4ece9', accent: '#a3455a', ink: '#2a1a1e', muted: '#7a6166' },
  { background: '#edf0e6', accent: '#4f6b3a', ink: '#1d2418', muted: '#626d58' },
  { background: '#1f1d24', accent: '#d9b36c', ink: '#f5f1ea', muted: '#b9b2a6' },
  { background: '#f6f3ea', accent: '#c0392b', ink: '#1e1b16', muted: '#6d675c' },
];

/** Words that pick a palette; otherwise the theme's hash does, so a campaign always looks the same. */
const THEME_WORDS: ReadonlyArray<[RegExp, number]> = [
  [/winter|snow|frost|vinter|layer|lager/i, 1],
  [/autumn|fall|höst|harvest|wool/i, 0],
  [/party|holiday|night|fest|glam|jul|christmas/i, 4],
  [/spring|vår|garden|green|nature/i, 3],
  [/summer|sommar|sun|beach/i, 5],
  [/love|valentine|rose|pink/i, 2],
];

export function themePalette(theme: string): ThemePalette {
  for (const [re, i] of THEME_WORDS) if (re.test(theme)) return PALETTES[i]!;
  return PALETTES[createHash('sha256').update(theme).digest()[0]! % PALETTES.length]!;
}
