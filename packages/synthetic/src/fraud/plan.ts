import { apportion } from '../catalogue.js';
import type { OrderDraft } from '../model.js';
import type { Rng } from '../rng.js';
import type { FraudulentPattern } from '../types.js';
import { planAccountTakeovers } from './account-takeover.js';
import { planCardTesting } from './card-testing.js';
import type { FraudContext } from './common.js';
import { planMules } from './mule.js';
import { planRings } from './ring.js';

const PATTERNS: readonly FraudulentPattern[] = ['ring', 'card_testing', 'mule', 'account_takeover'];

/**
 * Exactly `total` fraud orders, split between the patterns by `mix`, sorted by time. Each
 * pattern draws from its own random stream, so changing one pattern's share leaves the shape
 * of the others' campaigns alone.
 */
export function planFraud(ctx: FraudContext, total: number, mix: Readonly<Record<FraudulentPattern, number>>, rng: Rng): OrderDraft[] {
  const budgets = apportion(total, PATTERNS.map((p) => mix[p]));
  const budget = (p: FraudulentPattern): number => budgets[PATTERNS.indexOf(p)] as number;
  const drafts: OrderDraft[] = [
    ...planRings(ctx, budget('ring'), rng.fork('ring')),
    ...planCardTesting(ctx, budget('card_testing'), rng.fork('card_testing')),
    ...planMules(ctx, budget('mule'), rng.fork('mule')),
    ...planAccountTakeovers(ctx, budget('account_takeover'), rng.fork('account_takeover')),
  ];
  // Takeovers need old accounts; a world without any gives their share to rings.
  if (drafts.length < total) drafts.push(...planRings(ctx, total - drafts.length, rng.fork('ring-top-up')));
  // Array#sort is stable, so equal timestamps keep the plan's order and the stream stays deterministic.
  return drafts.sort((a, b) => a.at - b.at);
}
