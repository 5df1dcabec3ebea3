import type { FastifyRequest } from 'fastify';
import { identify } from './auth.js';
import { parseServiceUrls } from './config.js';
import { sumMetrics } from './domain/services.js';

const req = (headers: Record<string, string>): FastifyRequest => ({ headers, ip: '10.0.0.7' }) as unknown as FastifyRequest;
const TOKEN = 'a-token-of-some-length';

describe('console authentication', () => {
  it('token mode: only the exact bearer token passes', () => {
    expect(identify(req({ authorization: `Bearer ${TOKEN}` }), { mode: 'token', token: TOKEN })).toBe('token@10.0.0.7');
    expect(() => identify(req({ authorization: `Bearer ${TOKEN}x` }), { mode: 'token', token: TOKEN })).toThrow(/bearer token/);
    expect(() => identify(req({ authorization: TOKEN }), { mode: 'token', token: TOKEN })).toThrow(/bearer token/);
    expect(() => identify(req({}), { mode: 'token', token: TOKEN })).toThrow(/bearer token/);
  });

  it("iap mode: the proxy's user, only with its signed assertion present", () => {
    const h = { 'x-goog-authenticated-user-email': 'accounts.google.com:alice@example.com', 'x-goog-iap-jwt-assertion': 'eyJ...' };
    expect(identify(req(h), { mode: 'iap' })).toBe('alice@example.com');
    expect(() => identify(req({ 'x-goog-authenticated-user-email': 'accounts.google.com:alice@example.com' }), { mode: 'iap' })).toThrow(/Identity-Aware Proxy/);
    expect(() => identify(req({ authorization: `Bearer ${TOKEN}` }), { mode: 'iap', token: TOKEN })).toThrow(/Identity-Aware Proxy/);
  });
});

describe('service settings and metrics', () => {
  it('reads SERVICE_URLS and rejects entries without a name', () => {
    expect(parseServiceUrls('fraud-scorer=http://127.0.0.1:8081/, event-archiver=http://127.0.0.1:8090')).toEqual([
      { name: 'fraud-scorer', url: 'http://127.0.0.1:8081' },
      { name: 'event-archiver', url: 'http://127.0.0.1:8090' },
    ]);
    expect(parseServiceUrls('')).toEqual([]);
    expect(() => parseServiceUrls('http://x')).toThrow(/name=url/);
  });

  it('sums the key counters over their labels', () => {
    const text = ['# HELP x', 'eventkit_messages_acked_total{subscription="a"} 3', 'eventkit_messages_acked_total{subscription="b"} 4', 'eventkit_messages_acked_totalx 9', 'other 1'].join('\n');
    expect(sumMetrics(text, ['eventkit_messages_acked_total'])).toEqual({ eventkit_messages_acked_total: 7 });
  });
});
