import { ModelPublished, type ModelPublishedEvent } from '@commerce/contracts';
import type { BlobStore } from '@commerce/blob-store';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { MODEL_NAME, readThresholds, resolveVersion, setLatest, versionPrefix, type Manifest } from '../domain/gnn/registry.js';

export interface PublishCommandOptions {
  readonly version: string;
  readonly role: 'live' | 'shadow';
  readonly projectId: string;
  readonly emulatorHost?: string;
}

/**
 * Announces a stored version. For `live` the `latest.json` pointer moves first, so scorers that
 * miss the event (it reaches one instance per subscription) still follow it by polling.
 */
export async function publishCommand(opts: PublishCommandOptions, ctx: { store: BlobStore; log: (line: string) => void }): Promise<ModelPublishedEvent> {
  const version = await resolveVersion(ctx.store, opts.version);
  const prefix = versionPrefix(version);
  const manifest = JSON.parse((await ctx.store.get(`${prefix}/manifest.json`)).toString('utf8')) as Manifest & {
    metrics?: { validation?: Record<string, unknown> };
    dataset?: { window?: { from: string; to: string } | null };
  };
  const t = await readThresholds(ctx.store, version);
  const validation = manifest.metrics?.validation ?? {};
  const metrics = Object.fromEntries(Object.entries(validation).filter((e): e is [string, number] => typeof e[1] === 'number'));
  const window = manifest.dataset?.window ?? { from: manifest.createdAt, to: manifest.createdAt };
  const event: ModelPublishedEvent = {
    modelName: MODEL_NAME,
    version,
    role: opts.role,
    artifactPrefix: `${prefix}/`,
    metrics,
    thresholds: { review: t.review, decline: t.decline, alert: t.alert },
    trainingWindow: { from: window.from, to: window.to },
    publishedAt: new Date().toISOString(),
  };
  if (opts.role === 'live') await setLatest(ctx.store, version);
  const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: opts.projectId, ...(opts.emulatorHost ? { emulatorHost: opts.emulatorHost } : {}) }), source: 'fraud-trainer' });
  try {
    const receipt = await bus.publish(ModelPublished, event);
    ctx.log(`published ${MODEL_NAME}@${version} as ${opts.role} (event ${receipt.eventId}) to project ${opts.projectId}${opts.emulatorHost ? ` on emulator ${opts.emulatorHost}` : ''}`);
  } finally {
    await bus.close();
  }
  return event;
}
