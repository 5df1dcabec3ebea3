import { CampaignRequested } from '@commerce/contracts';
import { createBlobStore } from '@commerce/blob-store';
import { createWorld } from '@commerce/synthetic';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { referencedFiles } from './html.js';
import { buildLookbook } from './lookbook.js';
import { writeProductImages } from './product-images.js';
import { Allowance } from './providers/provider.js';
import { LocalProvider } from './providers/local.js';
import { CoPurchaseIndex, Popularity, foldOrder, prepareCatalogue, productFromEvent, type ShopperProfile } from './recs/index.js';
import { TileCache } from './render.js';

describe('buildLookbook with the local provider', () => {
  let root: string;
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('writes pages, a slideshow, an HTML page whose files all exist and a manifest, and says what lookbook-ready should', async () => {
    root = await mkdtemp(join(tmpdir(), 'lookbook-'));
    const blobs = createBlobStore(root);
    const world = createWorld({ seed: 3, shoppers: 20, merchants: 4, products: 60, fraudShare: 0 });
    const products = world.products();
    await writeProductImages(blobs, products.slice(0, 30), { width: 200 });
    const catalogue = prepareCatalogue(new Map(products.map((p) => [p.productId, productFromEvent(p)])));
    const orders = [...world.orders({ count: 40 })].map((o) => o.event);
    const coPurchase = new CoPurchaseIndex();
    const popularity = new Popularity();
    let profile: ShopperProfile | undefined;
    for (const o of orders) {
      coPurchase.add(o.items.map((i) => i.productId));
      for (const i of o.items) popularity.add(i.productId, new Date(o.placedAt));
      if (o.userId === orders[0]!.userId) profile = foldOrder(profile, o);
    }
    const campaign = { ...CampaignRequested.example, campaignId: 'c-unit', locale: 'sv-SE', formats: ['image', 'video'] as Array<'image' | 'video'> };
    const tiles = new TileCache(async (k) => ((await blobs.head(k)) ? blobs.get(k) : undefined));
    const out = await buildLookbook(
      { blobs, prefix: 'lookbooks/', tiles, provider: new LocalProvider(), settings: { items: 8, looks: 2, itemsPerLook: 4, pageWidth: 300, pageHeight: 375, frameMs: 500 } },
      { campaign, shopperId: orders[0]!.userId, profile, catalogue, signals: { coPurchase, popularity }, spend: new Allowance('SEK', 0) },
    );
    if (out.status !== 'ready') throw new Error(`expected a lookbook, got ${out.reason}: ${out.detail}`);
    const e = out.event;
    expect(e.pageKey).toBe(`lookbooks/c-unit/${orders[0]!.userId}/index.html`);
    expect(e.provider).toBe('local');
    expect(e.cost).toEqual({ value: 0, currency: 'SEK' });
    const html = (await blobs.get(e.pageKey)).toString();
    expect(html).toContain('lang="sv"');
    expect(html).toContain('Handla looken');
    for (const f of referencedFiles(html)) expect(await blobs.head(`lookbooks/c-unit/${orders[0]!.userId}/${f}`)).toBeDefined();
    const page = await sharp(await blobs.get(e.imageKeys[0]!)).metadata();
    expect([page.format, page.width, page.height]).toEqual(['webp', 300, 375]);
    const video = await sharp(await blobs.get(e.videoKey!), { animated: true }).metadata();
    expect(video.pages).toBe(e.imageKeys.length);
    const manifest = JSON.parse((await blobs.get(e.manifestKey)).toString()) as { picks: unknown[]; assets: Array<{ asset: string; provider: string }> };
    expect(manifest.picks).toHaveLength(e.productIds.length);
    expect(manifest.assets.map((a) => a.asset).sort()).toEqual(['copy', 'hero', 'video']);
  });
});
