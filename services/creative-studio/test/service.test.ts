import { CampaignCompleted, CampaignRequested, LookbookReady, OrderPlaced, ProductUpdated, type CampaignCompletedEvent, type CampaignRequestedEvent, type LookbookReadyEvent, type OrderPlacedEvent, type ProductUpdatedEvent } from '@commerce/contracts';
import { createBlobStore, type BlobStore } from '@commerce/blob-store';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { loadConfig, type BuiltService } from '@commerce/service-kit';
import { createWorld } from '@commerce/synthetic';
import { emulatorHost, eventually, uniqueProject } from '@commerce/testing';
import { loadTopology, provision } from '@commerce/topology';
import type { PubSub } from '@google-cloud/pubsub';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import sharp from 'sharp';
import { buildApp } from '../src/app.js';
import { CreativeStudioConfig } from '../src/config.js';
import { referencedFiles } from '../src/domain/html.js';
import { writeProductImages } from '../src/domain/product-images.js';

const sum = async (registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> =>
  ((await registry.getSingleMetric(name)?.get())?.values ?? []).filter((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x)).reduce((s, v) => s + v.value, 0);

describe('creative-studio as a service against the emulator', () => {
  let admin: PubSub;
  let traffic: PubSubEventBus;
  let monitor: PubSubEventBus;
  let bus: PubSubEventBus;
  let registry: Registry;
  let service: BuiltService;
  let root: string;
  let blobs: BlobStore;
  const ready: LookbookReadyEvent[] = [];
  const completed: CampaignCompletedEvent[] = [];
  let products: ProductUpdatedEvent[];
  let orders: OrderPlacedEvent[];

  beforeAll(async () => {
    const projectId = uniqueProject('creative-studio');
    const host = emulatorHost();
    admin = createPubSubClient({ projectId, emulatorHost: host });
    await provision(admin, loadTopology('local'));
    root = await mkdtemp(join(tmpdir(), 'creative-studio-it-'));
    blobs = createBlobStore(root);
    const config = loadConfig(
      CreativeStudioConfig,
      { GOOGLE_CLOUD_PROJECT: projectId, PUBSUB_EMULATOR_HOST: host, BLOB_STORE_URL: root, CAMPAIGN_BATCH_SIZE: '7', PAGE_WIDTH_PX: '360', PAGE_HEIGHT_PX: '450', LOG_LEVEL: 'silent' },
      'creative-studio',
    ) as unknown as CreativeStudioConfig;
    const logger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
    registry = new Registry();
    bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'creative-studio', logger, metricsRegistry: registry, maxInFlight: config.MAX_IN_FLIGHT });
    service = await buildApp({ config, logger, bus, metricsRegistry: registry });
    await Promise.all(service.subscriptions.map((s) => s.ready));
    traffic = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'traffic-generator' });
    monitor = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: host }), source: 'test-monitor' });
    // Every delivery is counted, duplicates included: the point of the replay test.
    const watch = [
      monitor.subscribe(LookbookReady, 'lookbook-ready.demo-monitor', async (e) => void ready.push(e)),
      monitor.subscribe(CampaignCompleted, 'campaign-completed.demo-monitor', async (e) => void completed.push(e)),
    ];
    await Promise.all(watch.map((w) => w.ready));

    // A small fashion world: its catalogue with generated photos, and honest order traffic.
    const world = createWorld({ seed: 11, shoppers: 60, merchants: 8, products: 160, fraudShare: 0 });
    products = world.products();
    await writeProductImages(blobs, products, { width: 240 });
    orders = [...world.orders({ count: 240 })].map((o) => o.event);
    await Promise.all(products.map((p) => traffic.publish(ProductUpdated, p)));
    await Promise.all(orders.map((o) => traffic.publish(OrderPlaced, o)));
    const expected = products.length + orders.length;
    expect(await eventually(async () => (await sum(registry, 'creative_studio_projection_updates_total')) >= expected, 120_000, 250)).toBe(true);
  });

  afterAll(async () => {
    await service?.app.close();
    await traffic?.close();
    await monitor?.close();
    await admin?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  function campaign(campaignId: string, audience: CampaignRequestedEvent['audience'], locale = 'en-GB'): CampaignRequestedEvent {
    return { ...CampaignRequested.example, campaignId, name: `Test ${campaignId}`, theme: 'autumn layers', audience, locale, formats: ['image', 'video'], budget: { value: 0, currency: 'SEK' } };
  }

  async function untilCompleted(campaignId: string): Promise<CampaignCompletedEvent> {
    expect(await eventually(() => completed.some((c) => c.campaignId === campaignId), 240_000, 250)).toBe(true);
    return completed.find((c) => c.campaignId === campaignId)!;
  }

  it('a campaign for a few dozen shoppers: one lookbook-ready each, one campaign-completed with the right counts, pages that open', async () => {
    const shoppers = [...new Set(orders.map((o) => o.userId))];
    expect(shoppers.length).toBeGreaterThanOrEqual(30);
    const targeted = shoppers.slice(0, 30);
    await traffic.publish(CampaignRequested, campaign('c-dozens', { shopperIds: targeted }, 'sv-SE'));
    const done = await untilCompleted('c-dozens');
    expect(done).toMatchObject({ campaignId: 'c-dozens', shoppersTargeted: 30, lookbooksReady: 30, failures: 0, failureReasons: {}, cost: { value: 0, currency: 'SEK' } });
    const mine = ready.filter((r) => r.campaignId === 'c-dozens');
    expect(mine.map((r) => r.shopperId).sort()).toEqual([...targeted].sort());
    expect(completed.filter((c) => c.campaignId === 'c-dozens')).toHaveLength(1);

    for (const r of mine.slice(0, 5)) {
      const html = (await blobs.get(r.pageKey)).toString('utf8');
      expect(html).toContain('<html lang="sv">');
      const dir = r.pageKey.slice(0, r.pageKey.lastIndexOf('/') + 1);
      const files = referencedFiles(html);
      expect(files.length).toBeGreaterThanOrEqual(3);
      for (const f of files) expect(await blobs.head(`${dir}${f}`)).toBeDefined();
      for (const key of r.imageKeys) expect((await sharp(await blobs.get(key)).metadata()).format).toBe('webp');
      const video = await sharp(await blobs.get(r.videoKey!), { animated: true }).metadata();
      expect(video.pages).toBe(r.imageKeys.length);
      expect(r.productIds.length).toBeGreaterThanOrEqual(4);
    }
    // The marketer's view over HTTP: status, and a page with its images.
    const status = (await service.app.inject({ method: 'GET', url: '/campaigns/c-dozens' })).json();
    expect(status).toMatchObject({ state: 'completed', lookbooksReady: 30, batchesDone: 5 });
    const page = await service.app.inject({ method: 'GET', url: `/lookbooks/c-dozens/${encodeURIComponent(mine[0]!.shopperId)}/` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const img = await service.app.inject({ method: 'GET', url: `/lookbooks/c-dozens/${encodeURIComponent(mine[0]!.shopperId)}/page-2.webp` });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/webp');
  });

  it('a shopper who only buys sneakers and denim gets mostly shoes and bottoms', async () => {
    const sneakers = products.filter((p) => p.subcategory === 'sneakers' && p.active);
    const jeans = products.filter((p) => p.subcategory === 'jeans' && p.active);
    expect(sneakers.length).toBeGreaterThan(0);
    expect(jeans.length).toBeGreaterThan(0);
    const shopper = 'u-sneakers-and-denim';
    const item = (p: ProductUpdatedEvent, n: number) => ({ sku: `${p.productId}-${n}`, productId: p.productId, title: p.title, category: p.category, brand: p.brand, colour: p.colours[0]!, unitPrice: p.price, quantity: 1 });
    for (let n = 0; n < 6; n++) {
      const bought = [sneakers[n % sneakers.length]!, jeans[n % jeans.length]!];
      await traffic.publish(OrderPlaced, { ...OrderPlaced.example, orderId: `o-affinity-${n}`, userId: shopper, placedAt: new Date(Date.parse('2026-11-02T10:00:00Z') + n * 86_400_000).toISOString(), customer: { ...OrderPlaced.example.customer, email: 'kim.berg@example.se' }, items: bought.map((p) => item(p, n)) });
    }
    const profileKey = `creative-studio/profiles/${shopper}.json`;
    const folded = await eventually(async () => (await blobs.head(profileKey)) !== undefined && (JSON.parse((await blobs.get(profileKey)).toString()) as { orders: number }).orders === 6, 60_000, 200);
    if (!folded) console.log((await blobs.get(profileKey)).toString());
    expect(folded).toBe(true);

    await traffic.publish(CampaignRequested, { ...campaign('c-affinity', { shopperIds: [shopper] }), theme: 'new season' });
    const done = await untilCompleted('c-affinity');
    expect(done).toMatchObject({ shoppersTargeted: 1, lookbooksReady: 1 });
    const lookbook = ready.find((r) => r.campaignId === 'c-affinity')!;
    const manifest = JSON.parse((await blobs.get(lookbook.manifestKey)).toString()) as { picks: Array<{ productId: string; category: string }>; copy: { title: string } };
    // Every pick is in the lookbook: the cover shows the first four, looks use them, the page lists the rest.
    expect(lookbook.productIds.sort()).toEqual(manifest.picks.map((p) => p.productId).sort());
    const categories = manifest.picks.map((p) => p.category);
    const affine = categories.filter((c) => c === 'shoes' || c === 'bottoms').length;
    expect(categories.length).toBeGreaterThanOrEqual(4);
    expect(affine / categories.length).toBeGreaterThan(0.5);
    expect(manifest.copy.title).toBe('Kim, your new season');
  });

  it('replaying a completed campaign-requested writes nothing and publishes nothing', async () => {
    const snapshot = async (): Promise<Map<string, string>> => {
      const out = new Map<string, string>();
      for (const prefix of ['lookbooks/c-dozens/', 'creative-studio/campaigns/c-dozens/']) {
        let token: string | undefined;
        do {
          const page = await blobs.list(prefix, token ? { pageToken: token } : {});
          for (const i of page.items) out.set(i.key, `${i.sha256}@${i.updated.toISOString()}`);
          token = page.nextPageToken;
        } while (token);
      }
      return out;
    };
    const before = await snapshot();
    const readyBefore = ready.length;
    const completedBefore = completed.length;
    const acked = (): Promise<number> => sum(registry, 'creative_studio_campaigns_total', { outcome: 'already_completed' });
    const replay = campaign('c-dozens', { shopperIds: [...new Set(orders.map((o) => o.userId))].slice(0, 30) }, 'sv-SE');
    // A replay has a new event id (as `commerce-ops replay` or a re-sent request would), so id deduplication cannot hide it.
    await traffic.publish(CampaignRequested, replay);
    await traffic.publish(CampaignRequested, replay);
    expect(await eventually(async () => (await acked()) >= 2, 60_000, 200)).toBe(true);
    // Give anything that was (wrongly) started time to show up.
    await new Promise((r) => setTimeout(r, 3000));
    expect(ready.length).toBe(readyBefore);
    expect(completed.length).toBe(completedBefore);
    expect(await snapshot()).toEqual(before);
    expect(before.size).toBeGreaterThan(30 * 4);
  });

  it('dead-letters a campaign whose audience is invalid, naming the field', async () => {
    const bad = campaign('c-bad', { segment: [{ field: 'shoeSize', op: 'eq', value: '42' }] });
    await traffic.publish(CampaignRequested, bad);
    const dead = await eventually(async () => (await sum(registry, 'eventkit_messages_dead_lettered_total')) >= 1, 60_000, 200);
    expect(dead).toBe(true);
    const status = await service.app.inject({ method: 'GET', url: '/campaigns/c-bad' });
    expect(status.statusCode).toBe(404);
  });
});
