import createError from '@fastify/error';

/** Stable error codes of the service kit's HTTP surface. */
export const NotReadyError = createError<[string]>('SERVICE_NOT_READY', 'not ready: %s', 503);
export const UnauthorizedError = createError<[string]>('UNAUTHORIZED', 'unauthorized: %s', 401);
