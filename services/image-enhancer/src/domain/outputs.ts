import type { ImageEnhancedEvent } from '@commerce/contracts';
import { createBlobStore, type BlobStore } from '@commerce/blob-store';
import type { PipelineResult } from './pipeline.js';
import type { EncodedVariant } from './variants.js';

type Variant = ImageEnhancedEvent['variants'][number];

/** What is kept next to the variants: enough to announce them again without recomputing. */
export interface Manifest {
  readonly contentHash: string;
  readonly recipe: string;
  readonly variants: Variant[];
  readonly metricsBefore: Record<string, number>;
  readonly metricsAfter: Record<string, number>;
  readonly operations: string[];
  readonly provider: ImageEnhancedEvent['provider'];
  readonly timingsMs: Record<string, number>;
}

/** `enhanced/ab/abcdef.../<recipe>/`: the content hash, fanned out, then the settings. */
export function outputDir(outputPrefix: string, contentHash: string, recipe: string): string {
  return `${outputPrefix}${contentHash.slice(0, 2)}/${contentHash}/${recipe}/`;
}

export const variantKey = (dir: string, v: Pick<EncodedVariant, 'aspect' | 'width' | 'height' | 'format'>): string => `${dir}${v.aspect.replace(':', 'x')}/${v.width}x${v.height}.${v.format}`;
export const manifestKey = (dir: string): string => `${dir}manifest.json`;

const CONTENT_TYPES = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg' } as const;

export async function readManifest(store: BlobStore, dir: string): Promise<Manifest | undefined> {
  const key = manifestKey(dir);
  if (!(await store.head(key))) return undefined;
  return JSON.parse((await store.get(key)).toString('utf8')) as Manifest;
}

/**
 * Writes every variant, then the manifest: the manifest exists only once every variant is
 * durable, so it is the mark of finished work. Puts are `ifAbsent`, so a retry or a
 * concurrent duplicate writes nothing that is already there.
 */
export async function writeOutputs(store: BlobStore, dir: string, recipe: string, r: PipelineResult, source: Record<string, string>): Promise<{ manifest: Manifest; written: number }> {
  let written = 0;
  const variants: Variant[] = [];
  for (const v of r.variants) {
    const key = variantKey(dir, v);
    const put = await store.put(key, v.data, { ifAbsent: true, contentType: CONTENT_TYPES[v.format], metadata: { ...source, contentHash: r.contentHash, recipe } });
    if (put.created) written++;
    variants.push({ key, width: v.width, height: v.height, format: v.format, bytes: put.size, aspect: v.aspect });
  }
  const manifest: Manifest = {
    contentHash: r.contentHash,
    recipe,
    variants,
    metricsBefore: numeric(r.metricsBefore),
    metricsAfter: numeric(r.metricsAfter),
    operations: r.operations,
    provider: r.provider,
    timingsMs: r.timingsMs,
  };
  const put = await store.put(manifestKey(dir), Buffer.from(JSON.stringify(manifest, null, 2)), { ifAbsent: true, contentType: 'application/json' });
  if (put.created) written++;
  return { manifest, written };
}

function numeric(o: object): Record<string, number> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => typeof v === 'number' && Number.isFinite(v)));
}

/** One store per bucket, created once: BLOB_STORE_URL with `{bucket}` replaced. */
export function bucketStores(template: string, baseDir?: string): (bucket: string) => BlobStore {
  const stores = new Map<string, BlobStore>();
  return (bucket) => {
    let s = stores.get(bucket);
    if (!s) {
      s = createBlobStore(template.replaceAll('{bucket}', bucket), baseDir ? { baseDir } : {});
      stores.set(bucket, s);
    }
    return s;
  };
}
