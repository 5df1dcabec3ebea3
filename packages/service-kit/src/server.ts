import { PubSubEventBus, createPubSubClient, type SubscriptionHandle } from '@commerce/event-kit';
import type { Static, TObject } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { loadConfig, type BaseConfig } from './config.js';
import { createLogger } from './logger.js';

export interface ServiceDeps<C> {
  readonly config: C;
  readonly logger: Logger;
  readonly bus: PubSubEventBus;
  readonly metricsRegistry: Registry;
}

export interface BuiltService {
  readonly app: FastifyInstance;
  /** Subscriptions the service opened; start-up waits until each is verified and pulling. */
  readonly subscriptions: readonly SubscriptionHandle[];
}

export interface RunServiceSpec<S extends TObject> {
  readonly name: string;
  readonly version?: string;
  readonly configSchema: S;
  readonly build: (deps: ServiceDeps<Static<S> & BaseConfig>) => Promise<BuiltService>;
}

/**
 * The process entry of a service: validated config, logger, one Pub/Sub client and bus,
 * the app, listen, and a graceful shutdown on SIGTERM/SIGINT (stop pulling, finish or
 * nack in-flight work, flush publishers, close clients). Resolves once the service is up.
 */
export async function runService<S extends TObject>(spec: RunServiceSpec<S>): Promise<{ close: () => Promise<void>; url: string }> {
  const config = loadConfig(spec.configSchema, process.env, spec.name) as Static<S> & BaseConfig;
  const logger = createLogger({ service: spec.name, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const metricsRegistry = new Registry();
  const pubsub = createPubSubClient({ projectId: config.GOOGLE_CLOUD_PROJECT, ...(config.PUBSUB_EMULATOR_HOST ? { emulatorHost: config.PUBSUB_EMULATOR_HOST } : {}) });
  const bus = new PubSubEventBus({
    pubsub,
    source: spec.name,
    logger,
    metricsRegistry,
    maxInFlight: config.MAX_IN_FLIGHT,
    streams: config.SUBSCRIBER_STREAMS,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    stallTimeoutMs: config.STALL_TIMEOUT_MS,
    batching: { maxMessages: config.PUBLISH_BATCH_MAX_MESSAGES, maxMs: config.PUBLISH_BATCH_MAX_MS, orderedMaxMs: config.PUBLISH_ORDERED_BATCH_MAX_MS },
  });
  const { app, subscriptions } = await spec.build({ config, logger, bus, metricsRegistry });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => (closing ??= app.close());
  const onSignal = (signal: NodeJS.Signals): void => {
    if (closing) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    logger.info({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down: no new messages, finishing in-flight work');
    const hardStop = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 10_000);
    hardStop.unref();
    close().then(
      () => {
        logger.info('shut down cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  try {
    await Promise.all(subscriptions.map((s) => s.ready));
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  const url = await app.listen({ port: config.PORT, host: config.HOST });
  logger.info({ url, subscriptions: subscriptions.map((s) => s.subscription), emulator: config.PUBSUB_EMULATOR_HOST ?? null }, `${spec.name} is up`);
  return { close, url };
}

/** Ends a service's main(): a failed start prints its reason plainly and exits non-zero. */
export function exitOnStartupFailure(service: string) {
  return (err: unknown): never => {
    process.stderr.write(`${service}: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(1);
  };
}
