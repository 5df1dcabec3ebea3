import type { BlobStore } from '@commerce/blob-store';
import type { CampaignRequestedEvent, LookbookReadyEvent } from '@commerce/contracts';
import { formatPrice, languageOf, type CopyInput } from './copy.js';
import { lookbookHtml, type PageItem } from './html.js';
import { segment } from './json-store.js';
import { themePalette } from './palette.js';
import type { Asset, CreativeProvider, Spend } from './providers/provider.js';
import { composeLooks, recommend, topCategory, type CatalogueProduct, type Look, type Recommendation, type ShopperProfile } from './recs/index.js';
import { renderPage, type RenderItem, type TileCache } from './render.js';

export interface LookbookSettings {
  readonly items: number;
  readonly looks: number;
  readonly itemsPerLook: number;
  readonly pageWidth: number;
  readonly pageHeight: number;
  readonly frameMs: number;
}

export interface LookbookDeps {
  /** Where lookbooks are written. */
  readonly blobs: BlobStore;
  readonly prefix: string;
  readonly tiles: TileCache;
  readonly provider: CreativeProvider;
  readonly settings: LookbookSettings;
}

export type RecsSignals = Parameters<typeof recommend>[2];
export type RecsCatalogue = Parameters<typeof recommend>[1];

export interface LookbookJob {
  readonly campaign: CampaignRequestedEvent;
  readonly shopperId: string;
  /** Undefined for a shopper the studio has seen no order from: a cold start on what sells. */
  readonly profile: ShopperProfile | undefined;
  readonly catalogue: RecsCatalogue;
  readonly signals: RecsSignals;
  readonly spend: Spend;
  readonly signal?: AbortSignal;
}

export const FailureReason = {
  NoEligibleProducts: 'no_eligible_products',
  RenderError: 'render_error',
} as const;
export type FailureReason = (typeof FailureReason)[keyof typeof FailureReason];

export interface AssetRecord {
  readonly asset: string;
  readonly provider: string;
  readonly costMinor: number;
  readonly note?: string;
  readonly reason?: string;
}

export type LookbookOutcome =
  | { readonly status: 'ready'; readonly event: Omit<LookbookReadyEvent, 'readyAt'>; readonly costMinor: number; readonly assets: readonly AssetRecord[] }
  | { readonly status: 'failed'; readonly reason: FailureReason; readonly detail: string };

export const lookbookDir = (prefix: string, campaignId: string, shopperId: string): string => `${prefix}${segment(campaignId)}/${segment(shopperId)}/`;
export const lookbookId = (campaignId: string, shopperId: string): string => `lb-${campaignId}-${shopperId}`.slice(0, 128);

/** A profile with no history, for shoppers named explicitly whom no order has reached yet. */
export function emptyProfile(shopperId: string, currency?: string): ShopperProfile {
  const epoch = new Date(0).toISOString();
  const p: ShopperProfile = { shopperId, country: '', orders: 0, firstOrderAt: epoch, lastOrderAt: epoch, categories: {}, brands: {}, colours: {}, priceBands: {}, bought: [], lastOrderIds: [] };
  if (currency) p.currency = currency;
  return p;
}

/**
 * One shopper's lookbook: recommendations grouped into looks, copy, a cover and one page per
 * look (sharp), the slideshow when the campaign wants video, the HTML page and the manifest, all
 * under `<prefix><campaign>/<shopper>/`. The manifest is written last: when it exists, the
 * lookbook is whole. Returns what lookbook-ready should say, or why there is no lookbook.
 */
export async function buildLookbook(deps: LookbookDeps, job: LookbookJob): Promise<LookbookOutcome> {
  const c = job.campaign;
  const s = deps.settings;
  const profile = job.profile ?? emptyProfile(job.shopperId, c.budget.currency);
  const recs = recommend(profile, job.catalogue, job.signals, { k: s.items, theme: c.theme });
  if (recs.length === 0) return { status: 'failed', reason: FailureReason.NoEligibleProducts, detail: 'no available product matched this shopper' };
  let looks: Look[] = composeLooks(recs, { looks: s.looks, itemsPerLook: s.itemsPerLook });
  if (looks.length === 0) looks = [{ title: c.theme, items: recs.slice(0, s.itemsPerLook) }];

  const id = lookbookId(c.campaignId, job.shopperId);
  const dir = lookbookDir(deps.prefix, c.campaignId, job.shopperId);
  const ctx = { spend: job.spend, lookbookId: id, ...(job.signal ? { signal: job.signal } : {}) };
  const palette = themePalette(c.theme);
  const assets: AssetRecord[] = [];
  const note = <T>(asset: string, a: Asset<T>): T => {
    assets.push({ asset, provider: a.provider, costMinor: a.costMinor, ...(a.note ? { note: a.note } : {}), ...(a.reason ? { reason: a.reason } : {}) });
    return a.value;
  };
  const top = topCategory(profile);
  const looked = new Set(looks.flatMap((l) => l.items.map((r) => r.product.productId)));
  const copyInput: CopyInput = { locale: c.locale, theme: c.theme, brief: c.brief, looks, more: recs.filter((r) => !looked.has(r.product.productId)), ...(profile.firstName ? { firstName: profile.firstName } : {}), ...(top ? { topCategory: top } : {}) };
  const describe = (r: Recommendation): string => `${r.product.colours[0] ?? ''} ${r.product.title}`.trim();
  const [copy, hero] = await Promise.all([
    deps.provider.copy(copyInput, ctx).then((a) => note('copy', a)),
    deps.provider.hero({ theme: c.theme, brief: c.brief, products: recs.slice(0, 4).map(describe), width: s.pageWidth, height: Math.round(s.pageHeight / 2) }, ctx).then((a) => note('hero', a)),
  ]);

  const item = (r: Recommendation): RenderItem => ({
    productId: r.product.productId,
    title: r.product.title,
    caption: `${r.product.brand} · ${formatPrice(r.product.price, c.locale)}`,
    ...(r.product.imageKeys[0] ? { imageKey: r.product.imageKeys[0] } : {}),
    fallback: { category: r.product.category, colours: r.product.colours, brand: r.product.brand, ...(r.product.subcategory ? { subcategory: r.product.subcategory } : {}) },
  });
  const footer = `${c.name} · ${id}`;
  const base = { width: s.pageWidth, height: s.pageHeight, palette, footer };
  let pages: Buffer[];
  try {
    pages = await Promise.all([
      renderPage({ ...base, heading: copy.title, subheading: copy.intro, items: hero ? [] : recs.slice(0, 4).map(item), ...(hero ? { hero } : {}) }, deps.tiles),
      ...looks.map((look, i) => renderPage({ ...base, heading: copy.lookTitles[i] ?? look.title, items: look.items.map(item) }, deps.tiles)),
    ]);
  } catch (err) {
    if (job.signal?.aborted) throw err;
    return { status: 'failed', reason: FailureReason.RenderError, detail: (err as Error).message };
  }
  const pageNames = pages.map((_, i) => `page-${i + 1}.webp`);
  await Promise.all(pages.map((data, i) => deps.blobs.put(`${dir}${pageNames[i]}`, data, { contentType: 'image/webp' })));

  let videoKey: string | undefined;
  let video: { src: string; kind: 'webp' | 'uri'; mimeType?: string } | undefined;
  if (c.formats.includes('video')) {
    const v = note('video', await deps.provider.video({ frames: pages, frameMs: s.frameMs, width: Math.min(540, s.pageWidth), theme: c.theme, products: recs.map(describe), name: `${segment(c.campaignId)}/${segment(job.shopperId)}.mp4` }, ctx));
    if (v.kind === 'webp') {
      videoKey = `${dir}slideshow.webp`;
      await deps.blobs.put(videoKey, v.bytes, { contentType: 'image/webp' });
      video = { src: 'slideshow.webp', kind: 'webp' };
    } else {
      videoKey = v.uri;
      video = { src: v.uri.replace(/^gs:\/\//, 'https://storage.googleapis.com/'), kind: 'uri', mimeType: v.mimeType };
    }
  }

  const lang = languageOf(c.locale);
  const inLooks = new Set(looks.flatMap((l) => l.items.map((r) => r.product.productId)));
  const pageItem = (r: Recommendation): PageItem => ({ productId: r.product.productId, title: r.product.title, brand: r.product.brand, price: formatPrice(r.product.price, c.locale) });
  const html = lookbookHtml({
    lang,
    copy,
    palette,
    pages: pageNames,
    looks: looks.map((l) => ({ items: l.items.map(pageItem) })),
    more: recs.filter((r) => !inLooks.has(r.product.productId)).map(pageItem),
    ...(video ? { video } : {}),
    footer,
  });
  await deps.blobs.put(`${dir}index.html`, Buffer.from(html), { contentType: 'text/html; charset=utf-8' });

  const costMinor = assets.reduce((sum, a) => sum + a.costMinor, 0);
  const safetyFiltered = assets.filter((a) => a.note === 'safety_filtered').map((a) => a.asset);
  const provider = assets.some((a) => a.provider === 'vertex') ? 'vertex' : 'local';
  const manifest = {
    lookbookId: id,
    campaignId: c.campaignId,
    shopperId: job.shopperId,
    locale: c.locale,
    language: lang,
    coldStart: job.profile === undefined,
    copy,
    looks: looks.map((l, i) => ({
      title: copy.lookTitles[i] ?? l.title,
      page: pageNames[i + 1],
      items: l.items.map((r) => ({ productId: r.product.productId, title: r.product.title, brand: r.product.brand, category: r.product.category, price: r.product.price, imageKey: r.product.imageKeys[0] ?? null, score: r.score, why: r.why })),
    })),
    /** Every recommendation in rank order: the cover shows the first four, the looks draw on them, the page lists the rest. */
    picks: recs.map((r) => ({ productId: r.product.productId, title: r.product.title, brand: r.product.brand, category: r.product.category, price: r.product.price, score: r.score, why: r.why })),
    pages: pageNames,
    video: video ? { key: videoKey, kind: video.kind } : null,
    assets,
    cost: { value: costMinor, currency: c.budget.currency },
    safetyFiltered,
  };
  const manifestKey = `${dir}manifest.json`;
  await deps.blobs.put(manifestKey, Buffer.from(JSON.stringify(manifest, null, 2)), { contentType: 'application/json' });

  const productIds = [...new Set([...looks.flatMap((l) => l.items.map((r) => r.product.productId)), ...recs.map((r) => r.product.productId)])];
  const event: Omit<LookbookReadyEvent, 'readyAt'> = {
    campaignId: c.campaignId,
    shopperId: job.shopperId,
    lookbookId: id,
    title: copy.title,
    locale: c.locale,
    manifestKey,
    pageKey: `${dir}index.html`,
    imageKeys: pageNames.map((n) => `${dir}${n}`),
    ...(videoKey ? { videoKey } : {}),
    productIds,
    provider,
    cost: { value: costMinor, currency: c.budget.currency },
    ...(safetyFiltered.length ? { safetyFiltered } : {}),
  };
  return { status: 'ready', event, costMinor, assets };
}

export type { CatalogueProduct };
