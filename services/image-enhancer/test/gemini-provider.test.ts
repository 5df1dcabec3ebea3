import { ImageEnhanced, ImageUploaded, type ImageEnhancedEvent } from '@commerce/contracts';
import { createBlobStore, type BlobStore } from '@commerce/blob-store';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { loadConfig, type BuiltService } from '@commerce/service-kit';
import { drain, emulatorHost, eventually, uniqueProject } from '@commerce/testing';
import { loadTopology, provision } from '@commerce/topology';
import type { PubSub } from '@google-cloud/pubsub';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.js';
import { ImageEnhancerConfig } from '../src/config.js';
import { storageNotification } from '../src/domain/announce.js';
import type { GenAiClientOptions } from '../src/domain/providers/gemini.js';
import { fromRaw } from '../src/domain/raw.js';
import { asJpeg, cleanSample } from '../src/domain/samples.js';

const BUCKET = 'shop-product-images';
const SIZE = { width: 320, height: 400 };

describe('IMAGE_PROVIDER=gemini: the service against the emulator and a local stand-in for Vertex AI', () => {
  let admin: PubSub;
  let uploader: PubSubEventBus;
  let bus: PubSubEventBus;
  let service: BuiltService;
  let root: string;
  let store: BlobStore;
  let vertex: Server;
  let mode: 'image' | 'unavailable' = 'image';
  const calls: string[] = [];

  beforeAll(async () => {
    const regenerated = (await fromRaw(await cleanSample({ seed: 41, ...SIZE })).png().toBuffer()).toString('base64');
    vertex = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls.push(req.url ?? '');
        res.writeHead(mode === 'image' ? 200 : 503, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            mode === 'image'
              ? { candidates: [{ content: { role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data: regenerated } }] }, finishReason: 'STOP' }] }
              : { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } },
          ),
        );
      });
    });
    await new Promise<void>((r) => vertex.listen(0, '127.0.0.1', r));
    const projectId = uniqueProject('image-gemini');
    const host = emulatorHost();
    admin = createPubSubClient({ projectId, emulatorHost: host });
    await provision(admin, loadTopology('local'));
    root = await mkdtemp(join(tmpdir(), 'image-gemini-'));
    store = createBlobStore(join(root, BUCKET));
    const config = loadConfig(
      ImageEnhancerConfig,
      {
        GOOGLE_CLOUD_PROJECT: projectId,
        PUBSUB_EMULATOR_HOST: host,
        BLOB_STORE_URL: join(root, '{bucket}'),
        TARGET_LONG_SIDE_PX: '400',
        VARIANT_WIDTHS: '160',
        IMAGE_PROVIDER: 'gemini',
        GEMINI_BASE_URL: `http://127.0.0.1:${(vertex.address() as AddressInfo).port}`,
        GEMINI_MAX_ATTEMPTS: '2',
        GEMINI_RETRY_BASE_MS: '10',
      },
      'image-enhancer',
    ) as unknown as ImageEnhancerConfig;
    const logger = pino({ level: 'silent' });
    const metricsRegistry = new Registry();
    bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'image-enhancer', logger, metricsRegistry });
    const googleAuthOptions = { authClient: { getRequestHeaders: async () => new Headers({ authorization: 'Bearer test-token' }) } } as unknown as GenAiClientOptions['googleAuthOptions'];
    service = await buildApp({ config, logger, bus, metricsRegistry }, { googleAuthOptions, fetch: (url, init) => fetch(url, init) });
    await Promise.all(service.subscriptions.map((s) => s.ready));
    uploader = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'cloud-storage-notification' });
  });

  afterAll(async () => {
    await service?.app.close();
    await uploader?.close();
    await admin?.close();
    vertex?.closeAllConnections();
    await new Promise<void>((r) => (vertex ? vertex.close(() => r()) : r()));
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function enhance(key: string, data: Buffer): Promise<ImageEnhancedEvent> {
    const acked = async (): Promise<number> => (await bus.metrics.registry.getSingleMetric('eventkit_messages_acked_total')!.get()).values.reduce((s, v) => s + v.value, 0);
    const before = await acked();
    await uploader.publish(ImageUploaded, storageNotification(BUCKET, await store.put(key, data, { contentType: 'image/jpeg' })));
    expect(await eventually(async () => (await acked()) > before, 120_000, 250)).toBe(true);
    const [m] = await drain(admin, 'image-enhanced.archiver', { expect: 1, quietMs: 3000 });
    return ImageEnhanced.parse(JSON.parse(m!.data.toString())) as ImageEnhancedEvent;
  }

  it('regenerates a cluttered photo with Gemini, handles a good one locally, and falls back when Vertex is down', async () => {
    const good = await enhance('catalogue/good.jpg', await asJpeg(await cleanSample({ seed: 42, ...SIZE })));
    expect(good.provider).toBe('local');
    expect(calls).toHaveLength(0);

    const cluttered = await enhance('catalogue/cluttered.jpg', await asJpeg(await cleanSample({ seed: 43, clutter: true, background: '#9a8f80', ...SIZE })));
    expect(cluttered.provider).toBe('gemini');
    expect(cluttered.operations[0]).toBe('regenerate');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/gemini-2\.5-flash-image:generateContent$/);

    mode = 'unavailable';
    const fallback = await enhance('catalogue/cluttered-2.jpg', await asJpeg(await cleanSample({ seed: 44, clutter: true, background: '#9a8f80', ...SIZE })));
    expect(fallback.provider).toBe('local');
    expect(calls).toHaveLength(3);
    const metrics = (await service.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toContain('image_enhancer_provider_fallbacks_total 1');
    const health = (await service.app.inject({ method: 'GET', url: '/healthz' })).json();
    expect(health).toMatchObject({ provider: 'gemini', fallback: 'local', calls: 3, fallbacks: 1 });
  });
});
