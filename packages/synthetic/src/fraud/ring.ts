/**
 * Fraud rings: a handful of freshly registered accounts (synthetic identities) run from a few
 * handsets, funded by a few shared cards, shipping to a few drop addresses, buying expensive
 * resellable goods on credit in a burst before the first invoice falls due.
 *
 * In the graph: a dense bipartite cluster. 5-15 young user nodes all tied to the same 1-3
 * devices, 1-3 instruments and 1-3 address buildings (line1 varied with "c/o" names), a /24 of
 * IPs, with look-alike emails; everything inside one or two days.
 */
import { instalmentCount, instalmentsAllowed, lineTotal } from '../basket.js';
import { MS } from '../clock.js';
import { pickCity, withExtraLine } from '../identity.js';
import type { Device, Instrument, OrderDraft, PaymentMethod } from '../model.js';
import { PREPAID_BINS } from '../reference/markets.js';
import type { Rng } from '../rng.js';
import { FraudPatterns, type PostalAddress } from '../types.js';
import { fillBudget, placeCampaign, resaleBasket, targetMarket, type FraudContext } from './common.js';

const PRIVACY_DOMAINS = ['proton.me', 'gmail.com', 'outlook.com', 'mail.com', 'gmx.com', 'tuta.io'] as const;

function ring(ctx: FraudContext, rng: Rng): OrderDraft[] {
  const { identity, catalogue } = ctx;
  const ringId = ctx.campaignIds.ring.next();
  const market = targetMarket(rng, catalogue);
  const city = pickCity(market, rng);
  const members = rng.int(5, 15);
  const burst = Math.min(48 * MS.hour, Math.max(MS.hour, rng.lognormal(10 * MS.hour, 0.7)));
  const { start, scale } = placeCampaign(rng, ctx, burst);

  // Never more shared things than pairs of members, so every member shares each kind with someone.
  const shared = (): number => Math.min(rng.int(1, 3), Math.floor(members / 2));
  const devices: Device[] = Array.from({ length: shared() }, () => identity.device(rng.chance(0.6) ? 'emulator' : 'phone', rng));
  const instruments: Instrument[] = Array.from({ length: shared() }, () => {
    if (rng.chance(0.5)) {
      const prepaid = rng.pick(PREPAID_BINS);
      return identity.card(prepaid.country, prepaid.bin);
    }
    return identity.card(market.code, rng.pick(market.cardBins));
  });
  const drops: PostalAddress[] = Array.from({ length: shared() }, () => {
    const points = identity.pickupPoints(market, city);
    return rng.chance(0.3) && points.length > 0 ? rng.pick(points) : identity.streetAddress(market, city, rng, true);
  });
  // Residential proxies in one /24, sometimes with a data-centre exit mixed in.
  const subnet = `${rng.pick(market.broadband)}.${rng.int(0, 255)}`;
  const ips = Array.from({ length: rng.int(1, 4) }, () => `${subnet}.${rng.int(1, 254)}`);
  if (rng.chance(0.25)) ips.push(identity.hostingIp(rng));

  // Bulk-registered emails look alike: one stem with a counter, or plus-addressing on one inbox.
  const scheme = rng.weighted(['counter', 'plus', 'names'] as const, [0.4, 0.25, 0.35]);
  const stem = `${rng.pick(market.firstNames)}${rng.pick(market.lastNames)}`.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
  const domain = rng.pick(PRIVACY_DOMAINS);
  let counter = rng.int(1, 80);

  const drafts: OrderDraft[] = [];
  for (let i = 0; i < members; i++) {
    const person = identity.person(market, rng);
    const email = identity.claimEmail((attempt) => {
      const n = counter++ + attempt;
      if (scheme === 'counter') return `${stem}${n}@${domain}`;
      if (scheme === 'plus') return `${stem}+${n}@gmail.com`;
      const token = `${person.first}.${person.last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
      return `${token}${rng.int(1000, 9999)}@${domain}`;
    });
    const userId = identity.ids.users.next();
    // Accounts are opened in the days before the burst, a few of them the same morning.
    const createdAt = start - Math.round(Math.min(20 * MS.day, Math.max(20 * MS.minute, rng.lognormal(2 * MS.day, 1.1))));
    const device = devices[i % devices.length] as Device;
    const instrument = instruments[i % instruments.length] as Instrument;
    const drop = drops[i % drops.length] as PostalAddress;
    // Each identity claims its own home; the goods still go to the drop.
    const claimedHome = identity.streetAddress(market, pickCity(market, rng), rng, false);
    const orders = rng.weighted([1, 2, 3], [0.5, 0.35, 0.15]);
    for (let k = 0; k < orders; k++) {
      const at = Math.round(start + rng.between(0, burst) * scale);
      const lines = resaleBasket(rng, catalogue, market, 2);
      const merchant = lines[0]!.product.merchant;
      const total = lineTotal(lines);
      let method: PaymentMethod = rng.weighted(['pay_later', 'instalments', 'card'] as const, [0.55, 0.25, 0.2]);
      if (method === 'instalments' && !instalmentsAllowed(total, merchant.market.currency)) method = 'pay_later';
      // On later orders a member sometimes borrows another handset or card of the ring.
      const usedDevice = k > 0 && rng.chance(0.2) ? rng.pick(devices) : device;
      const usedInstrument = k > 0 && rng.chance(0.2) ? rng.pick(instruments) : instrument;
      drafts.push({
        at,
        userId,
        email,
        accountCreatedAt: Math.min(createdAt, at - MS.minute),
        merchant,
        channel: usedDevice.channel,
        lines,
        method,
        instrument: usedInstrument,
        ...(method === 'instalments' ? { instalments: instalmentCount(total, merchant.market.currency, rng) } : {}),
        device: usedDevice,
        ip: rng.pick(ips),
        shipping: rng.chance(0.6) ? withExtraLine(drop, `c/o ${person.last}`) : drop,
        ...(rng.chance(0.5) ? { billing: claimedHome } : {}),
        truth: { fraud: true, pattern: FraudPatterns.Ring, campaignId: ringId, ringId },
      });
    }
  }
  return drafts;
}

export function planRings(ctx: FraudContext, budget: number, rng: Rng): OrderDraft[] {
  return fillBudget(budget, () => ring(ctx, rng));
}
