import { CampaignRequested } from '@commerce/contracts';
import { createBlobStore } from '@commerce/blob-store';
import { createWorld } from '@commerce/synthetic';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { buildLookbook, type LookbookDeps } from '../lookbook.js';
import { CoPurchaseIndex, Popularity, prepareCatalogue, productFromEvent } from '../recs/index.js';
import { TileCache } from '../render.js';
import { RateLimiter } from './limits.js';
import { LocalProvider } from './local.js';
import { Allowance } from './provider.js';
import { GenAiVertexClient, VertexProvider, type GenAiVertexOptions } from './vertex.js';

/** A local HTTP server standing in for the Vertex AI endpoints @google/genai calls. */
describe('the vertex provider against a local stand-in for Vertex AI', () => {
  let server: Server;
  let root: string;
  const calls: string[] = [];
  let failNext = 0;
  let png: string;

  beforeAll(async () => {
    png = (await sharp({ create: { width: 64, height: 32, channels: 3, background: '#a05030' } }).png().toBuffer()).toString('base64');
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const url = req.url ?? '';
        calls.push(url.replace(/^.*\/models\//, ''));
        const send = (status: number, json: unknown): void => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(json));
        };
        if (failNext > 0) {
          failNext--;
          return send(503, { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } });
        }
        const blocked = body.includes('BLOCKME');
        if (url.endsWith('gemini-2.5-flash:generateContent')) {
          if (blocked) return send(200, { candidates: [{ finishReason: 'SAFETY', content: { role: 'model', parts: [] } }] });
          const copy = { title: 'Vertex title', intro: 'Vertex intro', lookTitles: ['Vertex look'], blurbs: {}, cta: 'Buy' };
          return send(200, { candidates: [{ content: { role: 'model', parts: [{ text: JSON.stringify(copy) }] }, finishReason: 'STOP' }] });
        }
        if (url.endsWith('gemini-2.5-flash-image:generateContent')) {
          if (blocked) return send(200, { candidates: [{ finishReason: 'IMAGE_SAFETY' }] });
          return send(200, { candidates: [{ content: { role: 'model', parts: [{ inlineData: { mimeType: 'image/png', data: png } }] }, finishReason: 'STOP' }] });
        }
        if (url.endsWith(':predictLongRunning')) return send(200, { name: `projects/p/locations/global/publishers/google/models/veo-2.0-generate-001/operations/${blocked ? 'op-BLOCKME' : 'op-1'}` });
        if (url.endsWith(':fetchPredictOperation')) {
          if (blocked) return send(200, { name: 'op-1', done: true, response: { raiMediaFilteredCount: 1, raiMediaFilteredReasons: ['unsafe'] } });
          return send(200, { name: 'op-1', done: true, response: { videos: [{ gcsUri: 'gs://studio-videos/out/lb.mp4', mimeType: 'video/mp4' }] } });
        }
        send(404, { error: { code: 404, message: `no route ${url}` } });
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    root = await mkdtemp(join(tmpdir(), 'vertex-'));
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    if (root) await rm(root, { recursive: true, force: true });
  });

  function setup() {
    const googleAuthOptions = { authClient: { getRequestHeaders: async () => new Headers({ authorization: 'Bearer test-token' }) } } as unknown as GenAiVertexOptions['googleAuthOptions'];
    const client = new GenAiVertexClient({
      project: 'p',
      location: 'global',
      textModel: 'gemini-2.5-flash',
      imageModel: 'gemini-2.5-flash-image',
      videoModel: 'veo-2.0-generate-001',
      videoPollMs: 10,
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      googleAuthOptions,
      fetch: (url, init) => fetch(url, init),
    });
    const provider = new VertexProvider({
      client,
      fallback: new LocalProvider(),
      prices: { textUsd: 0.002, imageUsd: 0.039, videoUsdPerSecond: 0.5 },
      fxPerUsd: { SEK: 10 },
      limiter: new RateLimiter(6000, 10),
      videoLimiter: new RateLimiter(6000, 10),
      timeoutMs: 10_000,
      videoTimeoutMs: 10_000,
      maxAttempts: 3,
      retryBaseMs: 5,
      retryMaxMs: 20,
      videoOutputGcsUri: 'gs://studio-videos/out',
      videoSeconds: 5,
      logger: pino({ level: 'silent' }),
    });
    const blobs = createBlobStore(root);
    const deps: LookbookDeps = { blobs, prefix: 'lookbooks/', tiles: new TileCache(async () => undefined), provider, settings: { items: 6, looks: 1, itemsPerLook: 3, pageWidth: 240, pageHeight: 300, frameMs: 300 } };
    const world = createWorld({ seed: 5, shoppers: 10, merchants: 3, products: 40, fraudShare: 0 });
    const catalogue = prepareCatalogue(new Map(world.products().map((p) => [p.productId, productFromEvent(p)])));
    const signals = { coPurchase: new CoPurchaseIndex(), popularity: new Popularity() };
    return { provider, deps, blobs, catalogue, signals };
  }

  const campaign = (theme: string) => ({ ...CampaignRequested.example, campaignId: 'c-vertex', theme, locale: 'en-GB', formats: ['image', 'video'] as Array<'image' | 'video'>, budget: { value: 3000, currency: 'SEK' } });

  it('records the cost of each asset, retries a 503, and makes what the budget cannot pay for locally', async () => {
    const { deps, blobs, catalogue, signals, provider } = setup();
    // Prices in öre at 10 SEK/USD: copy 2, hero 39, a 5 s video 2500. Two lookbooks share 2600.
    const spend = new Allowance('SEK', 2600);
    calls.length = 0;
    failNext = 1;
    const first = await buildLookbook(deps, { campaign: campaign('new season'), shopperId: 'u-1', profile: undefined, catalogue, signals, spend });
    if (first.status !== 'ready') throw new Error(first.detail);
    expect(first.event.provider).toBe('vertex');
    expect(first.event.cost).toEqual({ value: 2 + 39 + 2500, currency: 'SEK' });
    expect(first.assets.map((a) => [a.asset, a.provider, a.costMinor]).sort()).toEqual([
      ['copy', 'vertex', 2],
      ['hero', 'vertex', 39],
      ['video', 'vertex', 2500],
    ]);
    expect(first.event.title).toBe('Vertex title');
    expect(first.event.videoKey).toBe('gs://studio-videos/out/lb.mp4'); // where Veo says it wrote the video
    expect(calls.filter((c) => c.endsWith(':generateContent'))).toHaveLength(3); // one 503, retried
    expect(calls).toContain('veo-2.0-generate-001:predictLongRunning');
    expect(spend.remaining()).toBe(2600 - 2541);

    const second = await buildLookbook(deps, { campaign: campaign('new season'), shopperId: 'u-2', profile: undefined, catalogue, signals, spend });
    if (second.status !== 'ready') throw new Error(second.detail);
    const video = second.assets.find((a) => a.asset === 'video')!;
    expect(video).toMatchObject({ provider: 'local', costMinor: 0, note: 'budget_exhausted' });
    expect(second.event.cost.value).toBe(2 + 39);
    expect(second.event.videoKey).toBe('lookbooks/c-vertex/u-2/slideshow.webp');
    expect((await sharp(await blobs.get(second.event.videoKey!), { animated: true }).metadata()).pages).toBe(second.event.imageKeys.length);
    expect(spend.remaining()).toBeGreaterThanOrEqual(0);
    expect(provider.health()).toMatchObject({ provider: 'vertex', budgetExhausted: 1 });
  });

  it('records safety-filtered outputs instead of failing the lookbook, and charges nothing for them', async () => {
    const { deps, catalogue, signals } = setup();
    const spend = new Allowance('SEK', 10_000);
    const out = await buildLookbook(deps, { campaign: campaign('BLOCKME layers'), shopperId: 'u-3', profile: undefined, catalogue, signals, spend });
    if (out.status !== 'ready') throw new Error(out.detail);
    expect(out.event.safetyFiltered?.sort()).toEqual(['copy', 'hero', 'video']);
    expect(out.event.cost.value).toBe(0);
    expect(out.event.provider).toBe('local');
    expect(out.event.title).toBe('Your BLOCKME layers'); // the template copy took over
    expect(spend.remaining()).toBe(10_000);
  });
});
