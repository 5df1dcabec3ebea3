import { BlobNotFoundError, type BlobInfo, type BlobStore } from '@commerce/blob-store';

/** A key segment from any id: the blob store forbids `/`, empty, `.` and `..` segments. */
export function segment(id: string): string {
  const s = encodeURIComponent(id);
  return s === '.' || s === '..' || s === '' ? `%2E${s}` : s;
}

/**
 * JSON objects in the blob store with an in-process cache: an object is parsed again only when
 * its size or write time changed, so re-reading a projection that other instances keep
 * writing costs a listing plus the objects that changed.
 */
export class JsonStore {
  private readonly cache = new Map<string, { size: number; updated: number; value: unknown }>();
  constructor(
    readonly blobs: BlobStore,
    private readonly maxCached = 50_000,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    try {
      return JSON.parse((await this.blobs.get(key)).toString('utf8')) as T;
    } catch (err) {
      if (err instanceof BlobNotFoundError) return undefined;
      throw err;
    }
  }

  async put(key: string, value: unknown, opts: { ifAbsent?: boolean } = {}): Promise<boolean> {
    const r = await this.blobs.put(key, Buffer.from(JSON.stringify(value)), { contentType: 'application/json', ...(opts.ifAbsent ? { ifAbsent: true } : {}) });
    return r.created;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.blobs.head(key)) !== undefined;
  }

  /** Every object under a prefix, page by page. */
  async *infos(prefix: string): AsyncGenerator<BlobInfo> {
    let pageToken: string | undefined;
    do {
      const page = await this.blobs.list(prefix, { pageSize: 1000, ...(pageToken ? { pageToken } : {}) });
      yield* page.items;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /** Every JSON object under a prefix, parsed (cached by size and write time). */
  async *values<T>(prefix: string, concurrency = 16): AsyncGenerator<T> {
    let batch: BlobInfo[] = [];
    const flush = async (): Promise<T[]> => {
      const out: Array<T | undefined> = await Promise.all(batch.map((info) => this.cached<T>(info)));
      batch = [];
      return out.filter((v) => v !== undefined) as T[];
    };
    for await (const info of this.infos(prefix)) {
      batch.push(info);
      if (batch.length >= concurrency) yield* await flush();
    }
    yield* await flush();
  }

  private async cached<T>(info: BlobInfo): Promise<T | undefined> {
    const hit = this.cache.get(info.key);
    const updated = info.updated.getTime();
    if (hit && hit.size === info.size && hit.updated === updated) return hit.value as T;
    const value = await this.get<T>(info.key);
    if (value === undefined) return undefined;
    if (this.cache.size >= this.maxCached) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(info.key, { size: info.size, updated, value });
    return value;
  }
}
