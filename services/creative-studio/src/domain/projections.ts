import type { ImageEnhancedEvent, OrderPlacedEvent } from '@commerce/contracts';
import { createHash } from 'node:crypto';
import { JsonStore, segment } from './json-store.js';
import { KeyedLock } from './keyed-lock.js';
import { CoPurchaseIndex, Popularity, foldOrder, type CatalogueProduct, type ShopperProfile } from './recs/index.js';

/**
 * The studio's own views of the business, built only from events and kept in the blob store so
 * every instance sees the same state (a subscription hands each event to ONE instance):
 *
 * - `catalogue/<productId>.json`: the latest product state (by `updatedAt`) from product-updated;
 * - `profiles/<shopperId>.json`: a shopper profile folded from order-placed (idempotent per orderId);
 * - `orders/<orderId>.json`: the products of each order and when, for popularity and
 *   co-purchase signals (written create-only, so a redelivery changes nothing);
 * - `images/<hash of the image key>.json`: the best enhanced variant of a product photo, from image-enhanced.
 *
 * Read-modify-write of a profile is serialised per key in the process (the kit runs one handler
 * per ordering key at a time; KeyedLock also covers image-enhanced and direct callers), and across instances Pub/Sub delivers one ordering
 * key (userId for orders, productId for products) to one subscriber at a time in practice. Limits: the blob store has no compare-and-swap here, so
 * two instances racing on one key outside that guarantee (e.g. a redelivery after a lease
 * expired) can lose an update until the next event for it; audience resolution and signals scan
 * every profile and order object. A production deployment keeps profiles and order signals in
 * Bigtable or Firestore (row per shopper, conditional mutations, secondary indexes for
 * segments) and computes signals incrementally; this store is what runs on a laptop and in tests.
 */
export class Projections {
  readonly json: JsonStore;
  private readonly lock = new KeyedLock();
  constructor(
    json: JsonStore,
    private readonly prefix: string,
  ) {
    this.json = json;
  }

  productKey = (id: string): string => `${this.prefix}catalogue/${segment(id)}.json`;
  profileKey = (id: string): string => `${this.prefix}profiles/${segment(id)}.json`;
  orderKey = (id: string): string => `${this.prefix}orders/${segment(id)}.json`;
  imageKey = (sourceName: string): string => `${this.prefix}images/${createHash('sha256').update(sourceName).digest('hex').slice(0, 40)}.json`;

  /** Latest `updatedAt` wins; returns whether the stored state changed. */
  upsertProduct(p: CatalogueProduct): Promise<boolean> {
    return this.lock.run(this.productKey(p.productId), () => this.upsertProductNow(p));
  }

  private async upsertProductNow(p: CatalogueProduct): Promise<boolean> {
    const held = await this.json.get<CatalogueProduct>(this.productKey(p.productId));
    if (held && Date.parse(held.updatedAt) > Date.parse(p.updatedAt)) return false;
    if (held && JSON.stringify(held) === JSON.stringify(p)) return false;
    await this.json.put(this.productKey(p.productId), p);
    return true;
  }

  /** Records the order (create-only) and folds it into the shopper's profile; false when both were already there. */
  foldOrder(order: OrderPlacedEvent): Promise<boolean> {
    return this.lock.run(this.profileKey(order.userId), () => this.foldOrderNow(order));
  }

  private async foldOrderNow(order: OrderPlacedEvent): Promise<boolean> {
    const record: OrderRecord = { orderId: order.orderId, shopperId: order.userId, placedAt: order.placedAt, productIds: order.items.map((i) => i.productId) };
    const created = await this.json.put(this.orderKey(order.orderId), record, { ifAbsent: true });
    const held = await this.json.get<ShopperProfile>(this.profileKey(order.userId));
    const folded = foldOrder(held, order);
    // foldOrder returns the same profile when this orderId was already folded in.
    if (folded === held) return created;
    await this.json.put(this.profileKey(order.userId), folded);
    return true;
  }

  recordEnhanced(e: ImageEnhancedEvent): Promise<boolean> {
    return this.lock.run(this.imageKey(e.source.name), () => this.recordEnhancedNow(e));
  }

  private async recordEnhancedNow(e: ImageEnhancedEvent): Promise<boolean> {
    const variant = bestVariant(e.variants);
    if (!variant) return false;
    const key = this.imageKey(e.source.name);
    const held = await this.json.get<EnhancedImage>(key);
    if (held && Date.parse(held.enhancedAt) > Date.parse(e.enhancedAt)) return false;
    const value: EnhancedImage = { source: e.source.name, bucket: e.source.bucket, generation: e.source.generation, variantKey: variant.key, enhancedAt: e.enhancedAt };
    await this.json.put(key, value);
    return true;
  }

  profile(shopperId: string): Promise<ShopperProfile | undefined> {
    return this.json.get<ShopperProfile>(this.profileKey(shopperId));
  }

  profiles(): AsyncGenerator<ShopperProfile> {
    return this.json.values<ShopperProfile>(`${this.prefix}profiles/`);
  }

  async catalogue(): Promise<Map<string, CatalogueProduct>> {
    const out = new Map<string, CatalogueProduct>();
    for await (const p of this.json.values<CatalogueProduct>(`${this.prefix}catalogue/`)) out.set(p.productId, p);
    return out;
  }

  /** source image key -> enhanced variant key. */
  async enhancedImages(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for await (const e of this.json.values<EnhancedImage>(`${this.prefix}images/`)) out.set(e.source, e.variantKey);
    return out;
  }

  /** Popularity and co-purchase from the orders of the last `windowDays` before `now`. */
  async signals(now: Date, windowDays: number): Promise<{ coPurchase: CoPurchaseIndex; popularity: Popularity; orders: number }> {
    const coPurchase = new CoPurchaseIndex();
    const popularity = new Popularity();
    const from = now.getTime() - windowDays * 86_400_000;
    let orders = 0;
    for await (const o of this.json.values<OrderRecord>(`${this.prefix}orders/`)) {
      const at = Date.parse(o.placedAt);
      if (!(at >= from)) continue;
      orders++;
      coPurchase.add(o.productIds);
      for (const id of o.productIds) popularity.add(id, new Date(at));
    }
    return { coPurchase, popularity, orders };
  }
}

export interface OrderRecord {
  orderId: string;
  shopperId: string;
  placedAt: string;
  productIds: string[];
}

export interface EnhancedImage {
  source: string;
  bucket: string;
  generation: string;
  variantKey: string;
  enhancedAt: string;
}

/**
 * The variant a lookbook tile should use: a format sharp decodes fast (WebP, then JPEG), the
 * portrait aspect the cards have (3:4, then 1:1), the width closest to a tile's (~640 px).
 */
export function bestVariant(variants: ImageEnhancedEvent['variants']): ImageEnhancedEvent['variants'][number] | undefined {
  const formatRank = (f: string): number => ({ webp: 0, jpeg: 1, avif: 2 })[f] ?? 3;
  const aspectRank = (a: string): number => ({ '3:4': 0, '1:1': 1 })[a] ?? 2;
  return [...variants].sort((a, b) => formatRank(a.format) - formatRank(b.format) || aspectRank(a.aspect) - aspectRank(b.aspect) || Math.abs(a.width - 640) - Math.abs(b.width - 640))[0];
}

/** A catalogue whose product photos point at their enhanced variants where one exists. */
export function withEnhancedImages(catalogue: ReadonlyMap<string, CatalogueProduct>, enhanced: ReadonlyMap<string, string>): { catalogue: Map<string, CatalogueProduct>; upgraded: number } {
  const out = new Map<string, CatalogueProduct>();
  let upgraded = 0;
  for (const [id, p] of catalogue) {
    const imageKeys = p.imageKeys.map((k) => {
      const v = enhanced.get(k);
      if (v) upgraded++;
      return v ?? k;
    });
    out.set(id, { ...p, imageKeys });
  }
  return { catalogue: out, upgraded };
}
