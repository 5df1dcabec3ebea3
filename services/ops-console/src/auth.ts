import { UnauthorizedError } from '@commerce/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthModes } from './config.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is calling, for authorisation and the audit trail; set by the auth hook. */
    identity?: string;
  }
}

export interface AuthSettings {
  readonly mode: (typeof AuthModes)[keyof typeof AuthModes];
  readonly token?: string;
}

const IAP_EMAIL = 'x-goog-authenticated-user-email';
const IAP_JWT = 'x-goog-iap-jwt-assertion';

/** Compares digests so neither the length nor a prefix of the token leaks through timing. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/**
 * Who the caller is, or an UnauthorizedError. Token mode: `Authorization: Bearer <OPS_CONSOLE_TOKEN>`.
 * IAP mode: the proxy's user header (`accounts.google.com:alice@example.com`), present only
 * together with its signed assertion.
 */
export function identify(req: FastifyRequest, s: AuthSettings): string {
  if (s.mode === AuthModes.Iap) {
    const email = req.headers[IAP_EMAIL];
    if (typeof email !== 'string' || email === '' || typeof req.headers[IAP_JWT] !== 'string') {
      throw new UnauthorizedError('no Identity-Aware Proxy identity on the request: open the console through the proxy');
    }
    return email.replace(/^accounts\.google\.com:/, '');
  }
  const header = req.headers.authorization ?? '';
  const m = /^Bearer (.+)$/.exec(header);
  if (!m || s.token === undefined || !sameSecret(m[1]!, s.token)) throw new UnauthorizedError('a valid bearer token is required');
  return `token@${req.ip}`;
}

export function authHook(s: AuthSettings) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    try {
      req.identity = identify(req, s);
    } catch (err) {
      await reply.code(401).send({ error: (err as Error).message, code: 'UNAUTHORIZED' });
    }
  };
}
