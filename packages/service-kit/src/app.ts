import type { EventBus } from '@commerce/event-kit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { collectDefaultMetrics, type Registry } from 'prom-client';
import { eventBusPlugin } from './bus-plugin.js';

export interface ServiceAppOptions {
  readonly name: string;
  readonly version?: string;
  readonly logger: Logger;
  readonly bus: EventBus;
  readonly metricsRegistry: Registry;
  /** Dependencies that must answer for the service to be ready (blob store, model...). Throw when not. */
  readonly readinessChecks?: Record<string, () => Promise<void>>;
  /** Extra facts for /healthz, e.g. the compute backend a model runs on. */
  readonly healthDetails?: () => Record<string, unknown>;
}

const READINESS_CHECK_TIMEOUT_MS = 2000;
const withDefaultMetrics = new WeakSet<Registry>();

/**
 * The Fastify app every service builds on: /healthz (alive), /readyz (subscriptions open and
 * dependencies answering), /metrics (Prometheus). It never listens: server code does.
 */
export async function createServiceApp(o: ServiceAppOptions): Promise<FastifyInstance> {
  // pino's Logger is a FastifyBaseLogger; the cast keeps the app's type the default FastifyInstance.
  const app = Fastify({ loggerInstance: o.logger as FastifyBaseLogger });
  // Probes and scrapes arrive every few seconds: log them only when they go wrong.
  const quiet = { logLevel: 'warn' } as const;
  await app.register(eventBusPlugin, { bus: o.bus });
  if (!withDefaultMetrics.has(o.metricsRegistry)) {
    collectDefaultMetrics({ register: o.metricsRegistry });
    withDefaultMetrics.add(o.metricsRegistry);
  }
  const startedAt = Date.now();

  app.get('/healthz', quiet, async () => ({
    status: 'ok',
    service: o.name,
    version: o.version ?? '0.0.0',
    uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
    ...o.healthDetails?.(),
  }));

  app.get('/readyz', quiet, async (_req, reply) => {
    const bus = o.bus.health();
    const checks: Record<string, { ok: boolean; error?: string }> = {};
    await Promise.all(
      Object.entries(o.readinessChecks ?? {}).map(async ([name, check]) => {
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${READINESS_CHECK_TIMEOUT_MS} ms`)), READINESS_CHECK_TIMEOUT_MS).unref()),
          ]);
          checks[name] = { ok: true };
        } catch (err) {
          checks[name] = { ok: false, error: (err as Error).message };
        }
      }),
    );
    const ready = bus.ready && Object.values(checks).every((c) => c.ok);
    return reply.code(ready ? 200 : 503).send({ ready, service: o.name, subscriptions: bus.subscriptions, checks });
  });

  app.get('/metrics', quiet, async (_req, reply) => {
    return reply.header('content-type', o.metricsRegistry.contentType).send(await o.metricsRegistry.metrics());
  });

  return app;
}
