import { binCountry, lookupIp } from './geo-ip.js';
import { createWorld } from './world.js';

describe('synthetic GeoIP', () => {
  const orders = [...createWorld({ seed: 8, shoppers: 800, merchants: 20, products: 300, fraudShare: 0.1 }).orders({ count: 6_000 })];

  it('knows every address and BIN the generator used', () => {
    expect(orders.filter((o) => lookupIp(o.event.device.ip) === undefined).map((o) => o.event.device.ip)).toEqual([]);
    const cards = orders.filter((o) => o.event.payment.cardBin !== undefined);
    expect(cards.length).toBeGreaterThan(1_000);
    expect(cards.filter((o) => binCountry(o.event.payment.cardBin!) !== o.event.payment.cardCountry)).toEqual([]);
  });

  it('puts card details only on card-funded payments and instalment counts only on instalments', () => {
    for (const { event } of orders) {
      expect(event.payment.cardBin !== undefined).toBe(event.payment.instrumentId.startsWith('card-'));
      expect(event.payment.instalments !== undefined).toBe(event.payment.method === 'instalments');
    }
  });

  it('reads IPv4 and IPv6 prefixes and rejects what it does not know', () => {
    expect(lookupIp('81.230.12.7')).toEqual({ country: 'SE', kind: 'broadband' });
    expect(lookupIp('2a01:598:1:2::1')).toEqual({ country: 'DE', kind: 'mobile' });
    expect(lookupIp('185.220.1.1')).toEqual({ country: 'DE', kind: 'hosting' });
    expect(lookupIp('10.0.0.1')).toBeUndefined();
    expect(lookupIp('not an ip')).toBeUndefined();
    expect(binCountry('000000')).toBeUndefined();
  });
});
