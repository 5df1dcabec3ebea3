import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/** Where Identity-Aware Proxy publishes the keys that sign its assertions (JWK set, ES256). */
export const IAP_KEYS_URL = 'https://www.gstatic.com/iap/verify/public_key-jwk';
export const IAP_ISSUER = 'https://cloud.google.com/iap';
/** Clock difference tolerated between the proxy and us. */
const CLOCK_SKEW_S = 30;
/** How long fetched keys are trusted before they are fetched again (Google rotates them rarely). */
const KEYS_TTL_MS = 60 * 60 * 1000;

export class IapAssertionError extends Error {
  override readonly name = 'IapAssertionError';
}

export type KeySource = () => Promise<Map<string, KeyObject>>;

/** Keys from a JWK set URL, cached for an hour and refetched when an unknown `kid` shows up. */
export function jwksKeySource(url = IAP_KEYS_URL): KeySource & { refresh: () => void } {
  let cached: { at: number; keys: Promise<Map<string, KeyObject>> } | undefined;
  const load = async (): Promise<Map<string, KeyObject>> => {
    const r = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!r.ok) throw new IapAssertionError(`could not fetch the IAP signing keys from ${url}: HTTP ${r.status}`);
    const set = (await r.json()) as { keys: Array<JsonWebKey & { kid: string }> };
    return new Map(set.keys.map((k) => [k.kid, createPublicKey({ key: k, format: 'jwk' })]));
  };
  const source = (async () => {
    if (cached === undefined || Date.now() - cached.at > KEYS_TTL_MS) {
      cached = { at: Date.now(), keys: load() };
      cached.keys.catch(() => (cached = undefined));
    }
    return cached.keys;
  }) as KeySource & { refresh: () => void };
  source.refresh = () => {
    cached = undefined;
  };
  return source;
}

const b64url = (s: string): Buffer => Buffer.from(s, 'base64url');

/**
 * Verifies an `x-goog-iap-jwt-assertion` (ES256, signed by IAP, for our backend's audience, in
 * date) and returns the signed-in user's email. Anything else throws, saying what was wrong.
 */
export async function verifyIapAssertion(jwt: string, opts: { audience: string; keys: KeySource; nowS?: number }): Promise<string> {
  const parts = jwt.split('.');
  if (parts.length !== 3) throw new IapAssertionError('the IAP assertion is not a JWT');
  let header: { alg?: string; kid?: string };
  let payload: { iss?: string; aud?: string | string[]; exp?: number; iat?: number; email?: string };
  try {
    header = JSON.parse(b64url(parts[0]!).toString('utf8'));
    payload = JSON.parse(b64url(parts[1]!).toString('utf8'));
  } catch {
    throw new IapAssertionError('the IAP assertion is not readable JSON');
  }
  if (header.alg !== 'ES256') throw new IapAssertionError(`the IAP assertion is signed with ${header.alg}, not ES256`);
  let key = (await opts.keys()).get(header.kid ?? '');
  if (key === undefined && 'refresh' in opts.keys) {
    (opts.keys as { refresh: () => void }).refresh();
    key = (await opts.keys()).get(header.kid ?? '');
  }
  if (key === undefined) throw new IapAssertionError(`the IAP assertion names an unknown key ${header.kid}`);
  const signed = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key, dsaEncoding: 'ieee-p1363' }, b64url(parts[2]!));
  if (!signed) throw new IapAssertionError('the IAP assertion signature does not verify');
  const now = opts.nowS ?? Math.floor(Date.now() / 1000);
  if (payload.iss !== IAP_ISSUER) throw new IapAssertionError(`the IAP assertion was issued by ${payload.iss}, not ${IAP_ISSUER}`);
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(opts.audience)) throw new IapAssertionError(`the IAP assertion is for ${audiences.join(', ')}, not this console (${opts.audience})`);
  if (typeof payload.exp !== 'number' || payload.exp + CLOCK_SKEW_S < now) throw new IapAssertionError('the IAP assertion has expired');
  if (typeof payload.iat !== 'number' || payload.iat - CLOCK_SKEW_S > now) throw new IapAssertionError('the IAP assertion is issued in the future');
  if (!payload.email) throw new IapAssertionError('the IAP assertion carries no email');
  return payload.email;
}
