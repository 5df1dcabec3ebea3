/**
 * Card testing: a script checks which numbers from a stolen batch still work by placing
 * tiny orders, each with a fresh card and usually a fresh throwaway account, from one machine
 * behind one or two addresses, at night, minutes apart.
 *
 * In the graph: a star. One device (two at most) and one or two IPs, usually a data centre,
 * fan out to dozens of brand-new accounts and dozens of single-use cards that share a BIN or
 * two, all at one merchant, all within half an hour, each order the cheapest thing on sale.
 */
import { makeLine } from '../basket.js';
import { MS } from '../clock.js';
import { pickCity, stolenCardCountry } from '../identity.js';
import type { Device, OrderDraft, Product } from '../model.js';
import type { Rng } from '../rng.js';
import { FraudPatterns, type PostalAddress } from '../types.js';
import { fillBudget, targetMarket, type FraudContext } from './common.js';

const THROWAWAY_DOMAINS = ['mailinator.com', 'guerrillamail.com', 'yopmail.com', 'tempmail.dev', 'sharklasers.com', 'proton.me'] as const;
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** Local hours at which scripts run, when fewer analysts watch. */
const NIGHT_START_HOUR = 0;
const NIGHT_END_HOUR = 5;

function randomToken(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC.charAt(rng.int(0, ALPHANUMERIC.length - 1));
  return out;
}

/** A start at night in the target market when the stream is long enough to contain one. */
function nightStart(ctx: FraudContext, rng: Rng, durationMs: number, utcOffsetHours: number): number {
  const days = Math.floor((ctx.horizonMs - durationMs) / MS.day);
  if (days < 1) return ctx.startMs + rng.between(0, Math.max(0, ctx.horizonMs - durationMs));
  const firstMidnightUtc = Math.ceil((ctx.startMs + utcOffsetHours * MS.hour) / MS.day) * MS.day - utcOffsetHours * MS.hour;
  const day = rng.int(0, days - 1);
  const at = firstMidnightUtc + day * MS.day + rng.between(NIGHT_START_HOUR, NIGHT_END_HOUR) * MS.hour;
  return at + durationMs <= ctx.startMs + ctx.horizonMs ? at : ctx.startMs + rng.between(0, ctx.horizonMs - durationMs);
}

function campaign(ctx: FraudContext, rng: Rng): OrderDraft[] {
  const { identity, catalogue } = ctx;
  const campaignId = ctx.campaignIds.card_testing.next();
  const market = targetMarket(rng, catalogue);
  // One merchant whose checkout the script was written for.
  const cheap = catalogue.cheap(market.currency);
  const pool: readonly Product[] = cheap.length > 0 ? cheap : catalogue.products.filter((p) => p.active && p.stock > 0);
  const merchant = rng.pick(pool).merchant;
  const items = pool.filter((p) => p.merchant === merchant);
  const attempts = rng.int(15, 60);
  const meanGap = rng.between(8, 40) * MS.second;
  let duration = 0;
  const gaps = Array.from({ length: attempts }, () => (duration += rng.exponential(1 / meanGap)));
  const room = ctx.horizonMs * 0.95;
  const scale = duration > room ? room / duration : 1;
  const start = nightStart(ctx, rng, duration * scale, market.utcOffsetHours);

  const devices: Device[] = [identity.device(rng.chance(0.75) ? 'automation' : 'desktop', rng)];
  if (rng.chance(0.15)) devices.push(identity.device('automation', rng));
  const origin = stolenCardCountry(rng);
  const ips = [rng.chance(0.65) ? identity.hostingIp(rng) : identity.foreignIp(origin, rng)];
  if (rng.chance(0.3)) ips.push(identity.hostingIp(rng));
  // A batch of stolen numbers shares one or two BINs.
  const bins = rng.sample(origin.cardBins, rng.int(1, 2));
  const addresses: PostalAddress[] = Array.from({ length: rng.int(1, 2) }, () => identity.streetAddress(market, pickCity(market, rng), rng, false));
  const domain = rng.pick(THROWAWAY_DOMAINS);

  const drafts: OrderDraft[] = [];
  let account: { userId: string; email: string; createdAt: number; quota: number } | undefined;
  let accountUses = 0;
  for (let i = 0; i < attempts; i++) {
    const at = Math.round(start + (gaps[i] as number) * scale);
    if (!account || accountUses >= account.quota) {
      account = {
        userId: identity.ids.users.next(),
        email: identity.claimEmail(() => `${randomToken(rng, rng.int(7, 11))}@${domain}`),
        // Registered by the same script seconds before the attempt.
        createdAt: at - Math.round(rng.between(15 * MS.second, 3 * MS.minute) * scale),
        quota: rng.int(1, 3),
      };
      accountUses = 0;
    }
    accountUses++;
    const product = rng.weighted(items, items.map((p) => 1 / p.price));
    const device = rng.pick(devices);
    drafts.push({
      at,
      userId: account.userId,
      email: account.email,
      accountCreatedAt: Math.min(account.createdAt, at - 1),
      merchant,
      channel: device.channel,
      lines: [makeLine(product, rng.pick(product.colours), rng.pick(product.sizes), 1)],
      method: 'card',
      instrument: identity.card(origin.code, rng.pick(bins)),
      device,
      ip: rng.pick(ips),
      shipping: rng.pick(addresses),
      truth: { fraud: true, pattern: FraudPatterns.CardTesting, campaignId },
    });
  }
  return drafts;
}

export function planCardTesting(ctx: FraudContext, budget: number, rng: Rng): OrderDraft[] {
  return fillBudget(budget, () => campaign(ctx, rng));
}
