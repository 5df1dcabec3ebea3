import { createBlobStore, type BlobStore } from '@commerce/blob-store';
import { ArchiveWriter } from '@commerce/ops';
import { createServiceApp, type BuiltService, type ServiceDeps } from '@commerce/service-kit';
import type { PubSub } from '@google-cloud/pubsub';
import type { ArchiverConfig } from './config.js';
import { archiverMetrics } from './domain/metrics.js';
import { TopicArchiver } from './domain/topic-archiver.js';

export const SERVICE = 'event-archiver';
/** The consumer name of archive subscriptions: `<topic>.archiver`. */
export const ARCHIVER_CONSUMER = 'archiver';

/** `auto`: every `<topic>.archiver` subscription of the project. */
export async function archiveSubscriptions(pubsub: PubSub, setting: string): Promise<string[]> {
  if (setting.trim() !== 'auto') {
    return setting.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }
  const [subs] = await pubsub.getSubscriptions();
  const names = subs.map((s) => s.name.split('/').pop()!).filter((n) => n.endsWith(`.${ARCHIVER_CONSUMER}`)).sort();
  if (names.length === 0) {
    const projectId = (await pubsub.getClientConfig()).projectId;
    throw new Error(`project ${projectId} has no '<topic>.${ARCHIVER_CONSUMER}' subscriptions; provision the topology first (\`make provision\`) or set ARCHIVE_SUBSCRIPTIONS`);
  }
  return names;
}

/** Wiring only: the blob store, one archiver per subscription, the HTTP surface. */
export async function buildApp(deps: ServiceDeps<ArchiverConfig>, store: BlobStore = createBlobStore(deps.config.BLOB_STORE_URL)): Promise<BuiltService & { archivers: TopicArchiver[] }> {
  const { config, bus, logger } = deps;
  const writer = new ArchiveWriter({ store, prefix: config.ARCHIVE_PREFIX });
  const metrics = archiverMetrics(deps.metricsRegistry);
  const archivers = (await archiveSubscriptions(bus.pubsub, config.ARCHIVE_SUBSCRIPTIONS)).map(
    (subscription) =>
      new TopicArchiver({
        pubsub: bus.pubsub,
        subscription,
        writer,
        logger,
        metrics,
        batchMaxMessages: config.ARCHIVE_BATCH_MAX_MESSAGES,
        batchMaxMs: config.ARCHIVE_BATCH_MAX_MS,
        maxBufferedMessages: config.ARCHIVE_MAX_BUFFERED_MESSAGES,
        stallTimeoutMs: config.STALL_TIMEOUT_MS,
      }),
  );
  const app = await createServiceApp({
    name: SERVICE,
    logger,
    bus,
    metricsRegistry: deps.metricsRegistry,
    healthDetails: () => ({ archive: store.url(config.ARCHIVE_PREFIX), subscriptions: archivers.map((a) => a.health()) }),
    readinessChecks: {
      subscriptions: async () => {
        const closed = archivers.filter((a) => !a.health().open).map((a) => a.subscription);
        if (closed.length > 0) throw new Error(`not pulling: ${closed.join(', ')}`);
      },
      'blob-store': async () => {
        await store.list(`${config.ARCHIVE_PREFIX}/`, { pageSize: 1 });
      },
    },
  });
  // A child plugin's onClose runs before the root's, where the bus closes the Pub/Sub client:
  // the archivers write and ack what they hold while the client is still open.
  await app.register(async (child) => {
    child.addHook('onClose', async () => {
      await Promise.all(archivers.map((a) => a.close()));
    });
  });
  return { app, subscriptions: archivers, archivers };
}
