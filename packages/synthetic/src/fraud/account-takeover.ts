/**
 * Account takeover: a crew logs into long-standing honest accounts with phished or
 * credential-stuffed passwords and spends their credit. The account is old and has a clean
 * history; the session is not: a device it never used, an IP in another country (often a
 * data centre), a shipping address it never shipped to, and baskets far dearer than usual.
 *
 * In the graph: an old user node with its familiar device, card and home suddenly joined to
 * a new device, a foreign IP and a new address; and because one crew works through several
 * victims, those new nodes are shared between otherwise unrelated old accounts.
 */
import { instalmentCount, instalmentsAllowed, lineTotal } from '../basket.js';
import { MS } from '../clock.js';
import { addressKey, attackerCountry, pickCity } from '../identity.js';
import type { Device, Instrument, OrderDraft, PaymentMethod, Shopper } from '../model.js';
import type { Rng } from '../rng.js';
import { FraudPatterns, type PostalAddress } from '../types.js';
import { fillBudget, placeCampaign, resaleBasket, type FraudContext } from './common.js';

/** Only accounts at least this old are worth taking over (and only they have the credit). */
export const ATO_MIN_ACCOUNT_AGE_DAYS = 365;

export function eligibleVictims(ctx: FraudContext): Shopper[] {
  const cutoff = ctx.startMs - ATO_MIN_ACCOUNT_AGE_DAYS * MS.day;
  return ctx.shoppers.filter((s) => s.createdAt !== undefined && s.createdAt <= cutoff);
}

function crew(ctx: FraudContext, rng: Rng, victims: Shopper[], taken: Set<Shopper>): OrderDraft[] {
  const { identity, catalogue } = ctx;
  const campaignId = ctx.campaignIds.account_takeover.next();
  const free = victims.filter((v) => !taken.has(v));
  // Once every eligible account has been hit, crews go back to earlier victims.
  const pool = free.length > 0 ? free : victims;
  const market = rng.pick(pool).market;
  const local = pool.filter((v) => v.market === market);
  const chosen = rng.weightedSample(local, local.map((v) => v.activity), rng.int(1, 6));
  for (const v of chosen) taken.add(v);

  const duration = rng.between(0.5, 4) * MS.day;
  const { start, scale } = placeCampaign(rng, ctx, duration);
  const devices: Device[] = Array.from({ length: rng.int(1, 2) }, () =>
    identity.device(rng.weighted(['automation', 'desktop', 'emulator'] as const, [0.4, 0.4, 0.2]), rng),
  );
  const origin = attackerCountry(rng);
  const dropCity = pickCity(market, rng);
  const drops: PostalAddress[] = Array.from({ length: rng.int(1, 2) }, () => identity.streetAddress(market, dropCity, rng, true));

  const drafts: OrderDraft[] = [];
  for (const victim of chosen) {
    // Never from the victim's own country: a foreign line, or a VPN exit registered elsewhere.
    const ip = rng.chance(0.5) ? identity.foreignIp(origin, rng) : identity.hostingIp(rng, [victim.market.code]);
    const device = rng.pick(devices);
    const homeKey = addressKey(victim.household.address);
    const drop = drops.find((d) => addressKey(d) !== homeKey) ?? identity.streetAddress(market, dropCity, rng, true);
    let at = start + rng.between(0, duration) * scale;
    const orders = rng.weighted([1, 2, 3, 4], [0.4, 0.3, 0.2, 0.1]);
    // The stored card, or one the crew adds to the account.
    const stored = rng.pick(victim.cards);
    const added = identity.card(origin.code, rng.pick(origin.cardBins));
    for (let k = 0; k < orders; k++) {
      const lines = resaleBasket(rng, catalogue, victim.market, 3);
      const merchant = lines[0]!.product.merchant;
      const total = lineTotal(lines);
      let method: PaymentMethod = rng.weighted(['pay_later', 'instalments', 'card'] as const, [0.5, 0.3, 0.2]);
      if (method === 'instalments' && !instalmentsAllowed(total, merchant.market.currency)) method = 'pay_later';
      const instrument: Instrument = rng.chance(0.8) ? stored : added;
      drafts.push({
        at: Math.round(at),
        userId: victim.id,
        email: victim.email,
        accountCreatedAt: victim.createdAt as number,
        merchant,
        channel: device.channel,
        lines,
        method,
        instrument,
        ...(method === 'instalments' ? { instalments: instalmentCount(total, merchant.market.currency, rng) } : {}),
        device,
        ip,
        shipping: drop,
        // The stored billing address comes along with the stored card.
        ...(instrument === stored && rng.chance(0.6) ? { billing: victim.household.address } : {}),
        truth: { fraud: true, pattern: FraudPatterns.AccountTakeover, campaignId },
      });
      at += rng.exponential(1 / (12 * MS.minute)) * scale;
    }
  }
  return drafts;
}

export function planAccountTakeovers(ctx: FraudContext, budget: number, rng: Rng): OrderDraft[] {
  const victims = eligibleVictims(ctx);
  if (victims.length === 0) return [];
  const taken = new Set<Shopper>();
  return fillBudget(budget, () => crew(ctx, rng, victims, taken));
}
