import type { FastifyRequest } from 'fastify';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { identify } from './auth.js';
import { IAP_ISSUER } from './iap.js';
import { parseServiceUrls } from './config.js';
import { sumMetrics } from './domain/services.js';

const req = (headers: Record<string, string>): FastifyRequest => ({ headers, ip: '10.0.0.7' }) as unknown as FastifyRequest;
const TOKEN = 'a-token-of-some-length';

describe('console authentication', () => {
  it('token mode: only the exact bearer token passes', async () => {
    await expect(identify(req({ authorization: `Bearer ${TOKEN}` }), { mode: 'token', token: TOKEN })).resolves.toBe('token@10.0.0.7');
    await expect(identify(req({ authorization: `Bearer ${TOKEN}x` }), { mode: 'token', token: TOKEN })).rejects.toThrow(/bearer token/);
    await expect(identify(req({ authorization: TOKEN }), { mode: 'token', token: TOKEN })).rejects.toThrow(/bearer token/);
    await expect(identify(req({}), { mode: 'token', token: TOKEN })).rejects.toThrow(/bearer token/);
  });

  describe('iap mode', () => {
    const AUD = '/projects/123/global/backendServices/456';
    const proxy = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keys = async (): Promise<Map<string, KeyObject>> => new Map([['k1', proxy.publicKey]]);
    const now = Math.floor(Date.now() / 1000);
    const jwt = (claims: Record<string, unknown>, key = proxy.privateKey, kid = 'k1'): string => {
      const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
      const input = `${enc({ alg: 'ES256', kid })}.${enc({ iss: IAP_ISSUER, aud: AUD, iat: now - 10, exp: now + 600, email: 'alice@example.com', ...claims })}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    };
    const settings = { mode: 'iap' as const, iapAudience: AUD, iapKeys: keys };
    const as = (assertion: string): FastifyRequest => req({ 'x-goog-iap-jwt-assertion': assertion, 'x-goog-authenticated-user-email': 'accounts.google.com:mallory@example.com' });

    it("takes the user from the proxy's verified assertion, never from the plain header", async () => {
      await expect(identify(as(jwt({})), settings)).resolves.toBe('alice@example.com');
      await expect(identify(req({ 'x-goog-authenticated-user-email': 'accounts.google.com:mallory@example.com' }), settings)).rejects.toThrow(/no Identity-Aware Proxy assertion/);
      await expect(identify(req({ authorization: `Bearer ${TOKEN}` }), { ...settings, token: TOKEN })).rejects.toThrow(/Identity-Aware Proxy/);
    });

    it('rejects a forged, foreign, expired or misaddressed assertion, saying which', async () => {
      await expect(identify(as(jwt({}, stranger.privateKey)), settings)).rejects.toThrow(/signature does not verify/);
      await expect(identify(as(jwt({}, proxy.privateKey, 'k9')), settings)).rejects.toThrow(/unknown key k9/);
      await expect(identify(as(jwt({ aud: '/projects/999/global/backendServices/1' })), settings)).rejects.toThrow(/not this console/);
      await expect(identify(as(jwt({ exp: now - 3600 })), settings)).rejects.toThrow(/expired/);
      await expect(identify(as(jwt({ iss: 'https://evil.example' })), settings)).rejects.toThrow(/issued by/);
      await expect(identify(as('not.a.jwt'), settings)).rejects.toThrow(/not readable/);
    });
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
