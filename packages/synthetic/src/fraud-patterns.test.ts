import type { OrderPlacedEvent } from '@commerce/contracts';
import { lookupIp } from './geo-ip.js';
import { addressKey } from './identity.js';
import type { ShopperProfile, SyntheticOrder } from './types.js';
import { createWorld } from './world.js';

const DAY = 86_400_000;
const world = createWorld({ seed: 77, shoppers: 2_000, merchants: 30, products: 500, fraudShare: 0.06 });
let orders: SyntheticOrder[];
let shoppers: Map<string, ShopperProfile>;

beforeAll(() => {
  orders = [...world.orders({ count: 25_000 })];
  shoppers = new Map(world.shoppers().map((s) => [s.userId, s]));
}, 60_000);

function campaigns(pattern: string): Map<string, OrderPlacedEvent[]> {
  const out = new Map<string, OrderPlacedEvent[]>();
  for (const o of orders) {
    if (!o.truth.fraud || o.truth.pattern !== pattern) continue;
    const list = out.get(o.truth.campaignId) ?? [];
    list.push(o.event);
    out.set(o.truth.campaignId, list);
  }
  return out;
}

const distinct = <T>(items: readonly T[]): number => new Set(items).size;
const at = (e: OrderPlacedEvent): number => Date.parse(e.placedAt);
const ageDays = (e: OrderPlacedEvent): number => (at(e) - Date.parse(e.customer.accountCreatedAt)) / DAY;
const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** The honest orders' median total per currency, to compare fraud baskets within a currency. */
function honestMedians(): Map<string, number> {
  const byCurrency = new Map<string, number[]>();
  for (const o of orders) if (!o.truth.fraud) (byCurrency.get(o.event.total.currency) ?? byCurrency.set(o.event.total.currency, []).get(o.event.total.currency)!).push(o.event.total.value);
  return new Map([...byCurrency].map(([c, xs]) => [c, median(xs)]));
}

describe('fraud rings', () => {
  it('are 5-15 fresh accounts on a few shared devices, instruments and addresses', () => {
    const rings = campaigns('ring');
    expect(rings.size).toBeGreaterThanOrEqual(10);
    let full = 0;
    for (const [, events] of rings) {
      const users = distinct(events.map((e) => e.userId));
      if (users >= 5) full++;
      expect(users).toBeLessThanOrEqual(15);
      const devices = distinct(events.map((e) => e.device.deviceId));
      const instruments = distinct(events.map((e) => e.payment.instrumentId));
      const addresses = distinct(events.map((e) => addressKey(e.shippingAddress)));
      expect(devices).toBeLessThanOrEqual(3);
      expect(instruments).toBeLessThanOrEqual(3);
      expect(addresses).toBeLessThanOrEqual(3);
      if (users >= 5) {
        expect(devices).toBeLessThan(users);
        expect(instruments).toBeLessThan(users);
        expect(addresses).toBeLessThan(users);
      }
      expect(Math.max(...events.map(ageDays))).toBeLessThan(21);
    }
    // Only the last ring of the stream may be cut short by the fraud budget.
    expect(full).toBeGreaterThanOrEqual(rings.size - 1);
  });

  it('tie every member to another member through a device and through an instrument or an address', () => {
    const loose: string[] = [];
    for (const [ringId, events] of campaigns('ring')) {
      const users = [...new Set(events.map((e) => e.userId))];
      for (const user of users) {
        const own = events.filter((e) => e.userId === user);
        const others = events.filter((e) => e.userId !== user);
        const sharesDevice = own.some((e) => others.some((o) => o.device.deviceId === e.device.deviceId));
        const sharesMoneyOrGoods = own.some((e) =>
          others.some((o) => o.payment.instrumentId === e.payment.instrumentId || addressKey(o.shippingAddress) === addressKey(e.shippingAddress)),
        );
        if (!sharesDevice || !sharesMoneyOrGoods) loose.push(`${ringId}/${user}`);
      }
    }
    // The fraud budget cuts one ring short (its latest orders), which can strand a member.
    expect(new Set(loose.map((l) => l.split('/')[0])).size).toBeLessThanOrEqual(1);
    expect(loose.length).toBeLessThanOrEqual(2);
  });

  it('buy dear resellable goods in a burst of at most two days, with look-alike emails', () => {
    const medians = honestMedians();
    const rings = campaigns('ring');
    let dearer = 0;
    let total = 0;
    for (const [id, events] of rings) {
      const times = events.map(at);
      expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(2 * DAY);
      for (const e of events) {
        total++;
        if (e.total.value > 2 * medians.get(e.total.currency)!) dearer++;
        expect(['outerwear', 'shoes', 'bags']).toEqual(expect.arrayContaining(e.items.map((i) => i.category)));
      }
      const truth = orders.find((o) => o.truth.fraud && o.truth.campaignId === id)!.truth;
      expect(truth.fraud && truth.ringId).toBe(id);
      const domains = events.map((e) => e.customer.email.split('@')[1]);
      expect(distinct(domains)).toBeLessThanOrEqual(2);
    }
    expect(dearer / total).toBeGreaterThan(0.7);
  });
});

describe('card testing', () => {
  it('is many single-use cards from one or two devices within minutes', () => {
    const bursts = campaigns('card_testing');
    expect(bursts.size).toBeGreaterThanOrEqual(3);
    for (const [, events] of bursts) {
      const times = events.map(at);
      expect(Math.max(...times) - Math.min(...times)).toBeLessThan(60 * 60_000);
      expect(distinct(events.map((e) => e.device.deviceId))).toBeLessThanOrEqual(2);
      expect(distinct(events.map((e) => e.device.ip))).toBeLessThanOrEqual(2);
      expect(distinct(events.map((e) => e.payment.instrumentId))).toBe(events.length);
      expect(distinct(events.map((e) => e.payment.cardBin))).toBeLessThanOrEqual(2);
      expect(distinct(events.map((e) => e.merchantId))).toBe(1);
      if (events.length >= 10) expect(distinct(events.map((e) => e.userId))).toBeGreaterThanOrEqual(events.length / 3);
    }
  });

  it('uses brand-new accounts and the cheapest single items', () => {
    const medians = honestMedians();
    for (const [, events] of campaigns('card_testing')) {
      for (const e of events) {
        expect(ageDays(e) * 24 * 60).toBeLessThan(15);
        expect(e.items).toHaveLength(1);
        expect(e.items[0]!.quantity).toBe(1);
        expect(e.payment.method).toBe('card');
        expect(e.total.value).toBeLessThan(medians.get(e.total.currency)!);
      }
    }
  });
});

describe('account takeover', () => {
  it('hits old honest accounts from a device, country and address they never used', () => {
    const honestByUser = new Map<string, OrderPlacedEvent[]>();
    for (const o of orders) if (!o.truth.fraud) honestByUser.set(o.event.userId, [...(honestByUser.get(o.event.userId) ?? []), o.event]);
    const takeovers = [...campaigns('account_takeover').values()].flat();
    expect(takeovers.length).toBeGreaterThan(100);
    let withHistory = 0;
    for (const e of takeovers) {
      const victim = shoppers.get(e.userId);
      expect(victim).toBeDefined();
      expect(ageDays(e)).toBeGreaterThanOrEqual(365);
      expect(e.customer.email).toBe(victim!.email);
      expect(victim!.deviceIds).not.toContain(e.device.deviceId);
      expect(lookupIp(e.device.ip)?.country).not.toBe(victim!.homeCountry);
      expect(addressKey(e.shippingAddress)).not.toBe(addressKey(victim!.homeAddress));
      const history = honestByUser.get(e.userId) ?? [];
      if (history.length > 0) withHistory++;
      expect(history.map((h) => h.device.deviceId)).not.toContain(e.device.deviceId);
      expect(history.map((h) => addressKey(h.shippingAddress))).not.toContain(addressKey(e.shippingAddress));
    }
    // Busy shoppers are the likeliest victims, so most have an honest history to contrast with.
    expect(withHistory / takeovers.length).toBeGreaterThan(0.5);
  });

  it('spends far more than the victim usually does', () => {
    const medians = honestMedians();
    const takeovers = [...campaigns('account_takeover').values()].flat();
    expect(takeovers.filter((e) => e.total.value > 2 * medians.get(e.total.currency)!).length / takeovers.length).toBeGreaterThan(0.7);
  });

  it('links several victims through the crew’s device', () => {
    const crews = [...campaigns('account_takeover').values()];
    const shared = crews.filter((events) => distinct(events.map((e) => e.userId)) > distinct(events.map((e) => e.device.deviceId)));
    expect(shared.length).toBeGreaterThan(crews.length / 3);
  });
});

describe('mules', () => {
  it('are a few aged accounts funded by many instruments, shipping to a few drops', () => {
    const mules = campaigns('mule');
    expect(mules.size).toBeGreaterThanOrEqual(5);
    for (const [, events] of mules) {
      expect(distinct(events.map((e) => e.userId))).toBeLessThanOrEqual(3);
      expect(distinct(events.map((e) => addressKey(e.shippingAddress)))).toBeLessThanOrEqual(3);
      for (const e of events) expect(ageDays(e)).toBeGreaterThanOrEqual(30);
      if (events.length >= 8) {
        expect(distinct(events.map((e) => e.payment.instrumentId))).toBeGreaterThanOrEqual(events.length * 0.6);
        const billing = events.filter((e) => e.billingAddress).map((e) => addressKey(e.billingAddress!));
        expect(distinct(billing)).toBeGreaterThanOrEqual(billing.length * 0.6);
      }
    }
  });

  it('never share an instrument with honest shoppers', () => {
    const honestInstruments = new Set(orders.filter((o) => !o.truth.fraud).map((o) => o.event.payment.instrumentId));
    const muleInstruments = [...campaigns('mule').values()].flat().map((e) => e.payment.instrumentId);
    expect(muleInstruments.filter((i) => honestInstruments.has(i))).toEqual([]);
  });
});

describe('honest traffic', () => {
  const honest = (): OrderPlacedEvent[] => orders.filter((o) => !o.truth.fraud).map((o) => o.event);

  it('shares a device only within a household and a card never', () => {
    const usersOf = (key: (e: OrderPlacedEvent) => string): Map<string, Set<string>> => {
      const m = new Map<string, Set<string>>();
      for (const e of honest()) m.set(key(e), (m.get(key(e)) ?? new Set()).add(e.userId));
      return m;
    };
    const households = new Map([...shoppers.values()].map((s) => [s.userId, s.householdId]));
    for (const [, users] of usersOf((e) => e.device.deviceId)) {
      expect(distinct([...users].map((u) => households.get(u)))).toBe(1);
      expect(users.size).toBeLessThanOrEqual(3);
    }
    expect(Math.max(...[...usersOf((e) => e.payment.instrumentId).values()].map((s) => s.size))).toBe(1);
  });

  it('comes from home-country networks and never a data centre, except on holiday', () => {
    const wrong: string[] = [];
    for (const o of orders) {
      if (o.truth.fraud) continue;
      const ip = lookupIp(o.event.device.ip);
      const travelling = o.truth.quirks?.includes('travel') ?? false;
      const home = shoppers.get(o.event.userId)!.homeCountry;
      if (!ip || ip.kind === 'hosting' || (ip.country === home) === travelling) wrong.push(`${o.event.orderId} ${o.event.device.ip} ${home}`);
    }
    expect(wrong).toEqual([]);
  });

  it('includes odd-looking but honest orders so that no single signal separates fraud', () => {
    const quirks = new Set(orders.flatMap((o) => (o.truth.fraud ? [] : (o.truth.quirks ?? []))));
    expect(quirks).toEqual(new Set(['new_account', 'new_device', 'travel', 'gift', 'shared_device']));
    const newAccounts = orders.filter((o) => !o.truth.fraud && ageDays(o.event) < 1);
    expect(newAccounts.length).toBeGreaterThan(20);
    const sharedIps = new Map<string, Set<string>>();
    for (const e of honest()) sharedIps.set(e.device.ip, (sharedIps.get(e.device.ip) ?? new Set()).add(e.userId));
    // Mobile carriers put many subscribers behind one address.
    expect(Math.max(...[...sharedIps.values()].map((s) => s.size))).toBeGreaterThan(10);
  });
});
