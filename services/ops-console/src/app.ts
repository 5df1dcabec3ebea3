import { createBlobStore, type BlobStore } from '@commerce/blob-store';
import { FraudAlert } from '@commerce/contracts';
import type { SubscriptionHandle } from '@commerce/event-kit';
import { ArchiveReader, AuditLog } from '@commerce/ops';
import { createServiceApp, type BuiltService, type ServiceDeps } from '@commerce/service-kit';
import { AuthModes, parseServiceUrls, type OpsConsoleConfig } from './config.js';
import type { EventView } from './domain/events.js';
import { ReplayRunner } from './domain/replays.js';
import { jwksKeySource, type KeySource } from './iap.js';
import { apiRoutes } from './routes/api.js';
import { PAGE } from './ui/page.js';

export const SERVICE = 'ops-console';
const LIVE_ALERTS_KEPT = 200;

export interface ConsoleStores {
  /** Archive, replays and audit. */
  readonly store?: BlobStore;
  /** Enhanced images and lookbooks. */
  readonly media?: BlobStore;
}

export interface ConsoleOverrides extends ConsoleStores {
  /** Keys that sign IAP assertions (tests; Google's JWK set otherwise). */
  readonly iapKeys?: KeySource;
}

/** Wiring only: stores, the live alert subscription, the API, the page. */
export async function buildApp(deps: ServiceDeps<OpsConsoleConfig>, stores: ConsoleOverrides = {}): Promise<BuiltService> {
  const { iapKeys } = stores;
  const { config, bus, logger } = deps;
  if (config.CONSOLE_AUTH === AuthModes.Token && config.OPS_CONSOLE_TOKEN === undefined) {
    throw new Error('ops-console cannot start: CONSOLE_AUTH=token needs OPS_CONSOLE_TOKEN (at least 16 characters), or set CONSOLE_AUTH=iap behind Identity-Aware Proxy');
  }
  if (config.CONSOLE_AUTH === AuthModes.Iap && config.IAP_AUDIENCE === undefined) {
    throw new Error('ops-console cannot start: CONSOLE_AUTH=iap needs IAP_AUDIENCE (/projects/<number>/global/backendServices/<id>, from the load balancer)');
  }
  const store = stores.store ?? createBlobStore(config.BLOB_STORE_URL);
  const media = stores.media ?? (config.MEDIA_BLOB_STORE_URL ? createBlobStore(config.MEDIA_BLOB_STORE_URL) : store);
  const replays = new ReplayRunner(logger);

  const liveAlerts: EventView[] = [];
  const subscriptions: SubscriptionHandle[] = [];
  if (config.LIVE_ALERTS_SUBSCRIPTION !== '') {
    subscriptions.push(
      bus.subscribe(FraudAlert, config.LIVE_ALERTS_SUBSCRIPTION, async (alert, ctx) => {
        liveAlerts.push({ messageId: ctx.messageId, publishTime: ctx.publishTime.toISOString(), attributes: ctx.attributes, data: alert });
        if (liveAlerts.length > LIVE_ALERTS_KEPT) liveAlerts.shift();
      }),
    );
  }

  const app = await createServiceApp({
    name: SERVICE,
    logger,
    bus,
    metricsRegistry: deps.metricsRegistry,
    healthDetails: () => ({ auth: config.CONSOLE_AUTH, archive: store.url(config.ARCHIVE_PREFIX) }),
    readinessChecks: {
      'blob-store': async () => {
        await store.list(`${config.ARCHIVE_PREFIX}/`, { pageSize: 1 });
      },
    },
  });
  // The page carries no data and no secret; it asks the API, which checks every request.
  app.get('/', async (_req, reply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' blob:")
      .header('x-frame-options', 'DENY')
      .send(PAGE),
  );
  await app.register(async (api) => {
    await apiRoutes(api, {
      base: { pubsub: bus.pubsub, projectId: config.GOOGLE_CLOUD_PROJECT, ...(config.PUBSUB_EMULATOR_HOST ? { emulatorHost: config.PUBSUB_EMULATOR_HOST } : {}), store, archive: new ArchiveReader({ store, prefix: config.ARCHIVE_PREFIX }), audit: new AuditLog(store) },
      media,
      auth: {
        mode: config.CONSOLE_AUTH,
        ...(config.OPS_CONSOLE_TOKEN ? { token: config.OPS_CONSOLE_TOKEN } : {}),
        ...(config.IAP_AUDIENCE ? { iapAudience: config.IAP_AUDIENCE, iapKeys: iapKeys ?? jwksKeySource(config.IAP_KEYS_URL) } : {}),
      },
      operators: String(config.CONSOLE_OPERATORS).split(',').map((s: string) => s.trim()).filter((s: string) => s !== ''),
      replays,
      services: parseServiceUrls(config.SERVICE_URLS),
      recentMax: config.RECENT_EVENTS_MAX,
      liveAlerts: () => liveAlerts,
    });
    // Before the bus closes (a child's onClose runs first): running replays checkpoint and stop.
    api.addHook('onClose', async () => replays.close());
  });
  return { app, subscriptions };
}
