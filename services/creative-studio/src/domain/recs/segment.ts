/** Campaign audiences: does a shopper's profile satisfy the segment rules of `campaign-requested`. */
import type { CampaignRequestedEvent } from '@commerce/contracts';
import { DAY } from './defaults.js';
import { topOf, type ShopperProfile } from './profile.js';

export type SegmentRule = NonNullable<CampaignRequestedEvent['audience']['segment']>[number];
export type SegmentOp = SegmentRule['op'];

type FieldValue = { kind: 'number'; value: number } | { kind: 'string'; value: string | undefined } | { kind: 'set'; value: readonly string[] };

interface FieldDef {
  readonly describe: string;
  readonly read: (p: ShopperProfile, now: Date) => FieldValue;
}

const num = (value: number): FieldValue => ({ kind: 'number', value });
const str = (value: string | undefined): FieldValue => ({ kind: 'string', value });
const set = (value: readonly string[]): FieldValue => ({ kind: 'set', value });

/**
 * Orders in the 90 days before `now`. Exact from `recentOrderAt` for the last
 * `RecsDefaults.maxOrderIds` orders (enough for anyone but resellers); a profile without it
 * (written before the field existed) is estimated as its orders spread evenly over its
 * first-to-last span, clipped to the window.
 */
export function ordersLast90d(p: ShopperProfile, now: Date): number {
  const from = now.getTime() - 90 * DAY;
  if (p.recentOrderAt && p.recentOrderAt.length > 0) {
    let n = 0;
    for (const at of p.recentOrderAt) {
      const t = Date.parse(at);
      if (t >= from && t <= now.getTime()) n++;
    }
    return n;
  }
  const first = Date.parse(p.firstOrderAt);
  const last = Math.min(Date.parse(p.lastOrderAt), now.getTime());
  if (last < from) return 0;
  if (last <= first) return p.orders;
  return Math.round((p.orders * (last - Math.max(first, from))) / (last - first));
}

export const SEGMENT_FIELDS: Readonly<Record<string, FieldDef>> = {
  topCategory: { describe: 'category with the highest affinity', read: (p) => str(topOf(p.categories)) },
  topBrand: { describe: 'brand with the highest affinity', read: (p) => str(topOf(p.brands)) },
  topColour: { describe: 'colour with the highest affinity', read: (p) => str(topOf(p.colours)) },
  priceBand: { describe: 'price band with the highest affinity (budget, mid, premium, luxury)', read: (p) => str(topOf(p.priceBands)) },
  country: { describe: 'shipping country of the latest order (ISO 3166-1 alpha-2)', read: (p) => str(p.country) },
  orders: { describe: 'orders ever folded into the profile', read: (p) => num(p.orders) },
  ordersLast90d: { describe: 'orders in the last 90 days', read: (p, now) => num(ordersLast90d(p, now)) },
  daysSinceLastOrder: { describe: 'whole days since the latest order', read: (p, now) => num(Math.floor((now.getTime() - Date.parse(p.lastOrderAt)) / DAY)) },
  daysSinceFirstOrder: { describe: 'whole days since the first order', read: (p, now) => num(Math.floor((now.getTime() - Date.parse(p.firstOrderAt)) / DAY)) },
  categories: { describe: 'every category bought (use contains)', read: (p) => set(Object.keys(p.categories)) },
  brands: { describe: 'every brand bought (use contains)', read: (p) => set(Object.keys(p.brands)) },
  colours: { describe: 'every colour bought (use contains)', read: (p) => set(Object.keys(p.colours)) },
  bought: { describe: 'product ids bought (use contains)', read: (p) => set(p.bought) },
};

export class SegmentRuleError extends Error {
  readonly code = 'INVALID_SEGMENT_RULE';
  constructor(message: string) {
    super(message);
    this.name = 'SegmentRuleError';
  }
}

function describeRule(r: SegmentRule): string {
  return `${r.field} ${r.op} ${r.values ? JSON.stringify(r.values) : JSON.stringify(r.value)}`;
}

function fieldOf(rule: SegmentRule): FieldDef {
  const def = Object.hasOwn(SEGMENT_FIELDS, rule.field) ? SEGMENT_FIELDS[rule.field] : undefined;
  if (!def) {
    throw new SegmentRuleError(`segment rule "${describeRule(rule)}": unknown field "${rule.field}"; known fields: ${Object.keys(SEGMENT_FIELDS).join(', ')}`);
  }
  return def;
}

/** The rule's values for `in`: `values` when given, else `value` split on commas. */
function listOf(rule: SegmentRule): string[] {
  const raw = rule.values && rule.values.length > 0 ? rule.values : rule.value.split(',');
  return raw.map((v) => v.trim()).filter((v) => v.length > 0);
}

function numberOf(rule: SegmentRule, text: string): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n)) throw new SegmentRuleError(`segment rule "${describeRule(rule)}": ${rule.field} is numeric, "${text}" is not a number`);
  return n;
}

const same = (a: string, b: string): boolean => a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;

function holds(rule: SegmentRule, v: FieldValue): boolean {
  const { op } = rule;
  if (v.kind === 'number') {
    switch (op) {
      case 'eq': return v.value === numberOf(rule, rule.value);
      case 'neq': return v.value !== numberOf(rule, rule.value);
      case 'gte': return v.value >= numberOf(rule, rule.value);
      case 'lte': return v.value <= numberOf(rule, rule.value);
      case 'in': return listOf(rule).some((x) => v.value === numberOf(rule, x));
      case 'contains': throw new SegmentRuleError(`segment rule "${describeRule(rule)}": contains does not apply to the numeric field ${rule.field}; use eq, neq, gte, lte or in`);
      default: throw unknownOp(rule);
    }
  }
  if (v.kind === 'set') {
    switch (op) {
      case 'contains': return v.value.some((x) => same(x, rule.value));
      case 'in': { const wanted = listOf(rule); return v.value.some((x) => wanted.some((w) => same(x, w))); }
      case 'eq': case 'neq': case 'gte': case 'lte': throw new SegmentRuleError(`segment rule "${describeRule(rule)}": ${rule.field} is a set; use contains or in`);
      default: throw unknownOp(rule);
    }
  }
  const s = v.value;
  switch (op) {
    // A shopper without the field (no orders in any category) matches no eq, and every neq.
    case 'eq': return s !== undefined && same(s, rule.value);
    case 'neq': return s === undefined || !same(s, rule.value);
    case 'in': return s !== undefined && listOf(rule).some((x) => same(s, x));
    case 'contains': return s !== undefined && s.toLowerCase().includes(rule.value.toLowerCase());
    case 'gte':
    case 'lte': throw new SegmentRuleError(`segment rule "${describeRule(rule)}": ${op} needs a numeric field, ${rule.field} is text; numeric fields: ${Object.entries(SEGMENT_FIELDS).filter(([, d]) => d.read(EMPTY, new Date(0)).kind === 'number').map(([k]) => k).join(', ')}`);
    default: throw unknownOp(rule);
  }
}

/** The contract's type lets any string through as op (its union is built with map), so check at run time too. */
function unknownOp(rule: SegmentRule): SegmentRuleError {
  return new SegmentRuleError(`segment rule "${describeRule(rule)}": unknown op "${rule.op}"; known ops: eq, neq, gte, lte, in, contains`);
}

const EMPTY: ShopperProfile = {
  shopperId: '', country: '', orders: 0, firstOrderAt: new Date(0).toISOString(), lastOrderAt: new Date(0).toISOString(),
  categories: {}, brands: {}, colours: {}, priceBands: {}, bought: [], lastOrderIds: [],
};

/**
 * Throws a `SegmentRuleError` for the first rule that can never be evaluated (unknown field,
 * operator that does not fit the field, non-numeric value for a numeric field). Call it once
 * per campaign: a bad audience is a permanent error, not something to find at the 500th shopper.
 */
export function validateSegment(rules: readonly SegmentRule[]): void {
  for (const rule of rules) holds(rule, fieldOf(rule).read(EMPTY, new Date(0)));
}

/** All rules must hold (AND). Text compares ignore case; numeric fields compare as numbers. */
export function matchesSegment(p: ShopperProfile, rules: readonly SegmentRule[], now: Date): boolean {
  // Every field is looked up before any rule is evaluated: an unknown field errors for every shopper, not only for those the earlier rules let through.
  const fields = rules.map(fieldOf);
  return rules.every((rule, i) => holds(rule, (fields[i] as FieldDef).read(p, now)));
}
