/**
 * Mules: a few aged, ordinary-looking accounts turn stolen cards and hijacked bank accounts
 * into resellable goods. Every order is funded by a different instrument (whose holder lives
 * somewhere else entirely), and everything ships to the same two or three drop addresses.
 *
 * In the graph: one to three user nodes, each with one steady device and home IP, fanning out
 * to many instruments used once or twice, whose billing addresses are all different, while
 * the shipping edges converge on a few drops shared across the mules. Spread over weeks.
 */
import { instalmentCount, instalmentsAllowed, lineTotal } from '../basket.js';
import { MS } from '../clock.js';
import { pickCity, stolenCardCountry } from '../identity.js';
import type { Device, Instrument, OrderDraft, PaymentMethod, Person } from '../model.js';
import type { Rng } from '../rng.js';
import { FraudPatterns, type PostalAddress } from '../types.js';
import { fillBudget, placeCampaign, resaleBasket, targetMarket, type FraudContext } from './common.js';

interface MuleAccount {
  readonly userId: string;
  readonly email: string;
  readonly createdAt: number;
  readonly device: Device;
  readonly homeIp: string;
}

function campaign(ctx: FraudContext, rng: Rng): OrderDraft[] {
  const { identity, catalogue } = ctx;
  const campaignId = ctx.campaignIds.mule.next();
  const market = targetMarket(rng, catalogue);
  const duration = rng.between(3, 21) * MS.day;
  const { start, scale } = placeCampaign(rng, ctx, duration);

  const mules: MuleAccount[] = Array.from({ length: rng.int(1, 3) }, () => {
    const person: Person = identity.person(market, rng);
    return {
      userId: identity.ids.users.next(),
      email: identity.personalEmail(person, market, rng),
      // Recruited accounts, or accounts opened and left to age so they pass new-account checks.
      createdAt: start - Math.round(rng.between(30, 400) * MS.day),
      device: identity.device(rng.chance(0.6) ? 'phone' : 'desktop', rng),
      homeIp: identity.homeIp(market, rng),
    };
  });
  const dropCity = pickCity(market, rng);
  const drops: PostalAddress[] = Array.from({ length: rng.int(2, 3) }, () => {
    const points = identity.pickupPoints(market, dropCity);
    return rng.chance(0.3) && points.length > 0 ? rng.pick(points) : identity.streetAddress(market, dropCity, rng, true);
  });

  const orders = rng.int(8, 30);
  const used: { instrument: Instrument; billing: PostalAddress }[] = [];
  const drafts: OrderDraft[] = [];
  for (let i = 0; i < orders; i++) {
    const mule = rng.pick(mules);
    const at = Math.round(start + rng.between(0, duration) * scale);
    let funding: { instrument: Instrument; billing: PostalAddress };
    if (used.length > 0 && rng.chance(0.15)) {
      funding = rng.pick(used);
    } else {
      const domestic = rng.chance(0.6);
      const foreign = stolenCardCountry(rng);
      const instrument = rng.chance(0.2)
        ? identity.bank(market.code)
        : domestic
          ? identity.card(market.code, rng.pick(market.cardBins))
          : identity.card(foreign.code, rng.pick(foreign.cardBins));
      // The victim's address, wherever they live in the market.
      funding = { instrument, billing: identity.streetAddress(market, pickCity(market, rng), rng, false) };
      used.push(funding);
    }
    const lines = resaleBasket(rng, catalogue, market, 2);
    const merchant = lines[0]!.product.merchant;
    const total = lineTotal(lines);
    let method: PaymentMethod =
      funding.instrument.kind === 'bank' ? rng.weighted(['bank_transfer', 'pay_later'] as const, [0.7, 0.3]) : rng.weighted(['card', 'pay_later', 'instalments'] as const, [0.5, 0.35, 0.15]);
    if (method === 'instalments' && !instalmentsAllowed(total, merchant.market.currency)) method = 'pay_later';
    const r = rng.uniform();
    const ip = r < 0.6 ? mule.homeIp : r < 0.85 ? identity.mobileIp(market, rng) : identity.hostingIp(rng);
    drafts.push({
      at,
      userId: mule.userId,
      email: mule.email,
      accountCreatedAt: mule.createdAt,
      merchant,
      channel: mule.device.channel,
      lines,
      method,
      instrument: funding.instrument,
      ...(method === 'instalments' ? { instalments: instalmentCount(total, merchant.market.currency, rng) } : {}),
      device: mule.device,
      ip,
      shipping: rng.pick(drops),
      ...(rng.chance(0.8) ? { billing: funding.billing } : {}),
      truth: { fraud: true, pattern: FraudPatterns.Mule, campaignId },
    });
  }
  return drafts;
}

export function planMules(ctx: FraudContext, budget: number, rng: Rng): OrderDraft[] {
  return fillBudget(budget, () => campaign(ctx, rng));
}
