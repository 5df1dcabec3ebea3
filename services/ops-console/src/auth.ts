import { UnauthorizedError } from '@commerce/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthModes } from './config.js';
import { verifyIapAssertion, type KeySource } from './iap.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, for authorisation and the audit trail; set by the auth hook. */
    identity?: string;
  }
}

export interface AuthSettings {
  readonly mode: (typeof AuthModes)[keyof typeof AuthModes];
  readonly token?: string;
  /** IAP mode: the backend service's audience, `/projects/<number>/global/backendServices/<id>` (or `/apps/<project>` for App Engine). */
  readonly iapAudience?: string;
  /** IAP mode: the keys that sign assertions (Google's JWK set by default). */
  readonly iapKeys?: KeySource;
}

const IAP_JWT = 'x-goog-iap-jwt-assertion';

/** Compares digests so neither the length nor a prefix of the token leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * Who the caller is, or an UnauthorizedError. Token mode: `Authorization: Bearer <OPS_CONSOLE_TOKEN>`.
 * IAP mode: the email inside the proxy's signed assertion (`x-goog-iap-jwt-assertion`), verified
 * (signature, issuer, audience, expiry); the unsigned `x-goog-authenticated-user-email` header alone
 * is never trusted, since anything that reaches the service directly could set it.
 */
export async function identify(req: FastifyRequest, s: AuthSettings): Promise<string> {
  if (s.mode === AuthModes.Iap) {
    const jwt = req.headers[IAP_JWT];
    if (typeof jwt !== 'string' || jwt === '') throw new UnauthorizedError('no Identity-Aware Proxy assertion on the request: open the console through the proxy');
    if (s.iapAudience === undefined || s.iapKeys === undefined) throw new UnauthorizedError('IAP mode needs IAP_AUDIENCE');
    try {
      return await verifyIapAssertion(jwt, { audience: s.iapAudience, keys: s.iapKeys });
    } catch (err) {
      throw new UnauthorizedError((err as Error).message);
    }
  }
  const header = req.headers.authorization ?? '';
  const m = /^Bearer (.+)$/.exec(header);
  if (!m || s.token === undefined || !sameSecret(m[1]!, s.token)) throw new UnauthorizedError('a valid bearer token is required');
  return `token@${req.ip}`;
}

export function authHook(s: AuthSettings) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    try {
      req.identity = await identify(req, s);
    } catch (err) {
      await reply.code(401).send({ error: (err as Error).message, code: 'UNAUTHORIZED' });
    }
  };
}
