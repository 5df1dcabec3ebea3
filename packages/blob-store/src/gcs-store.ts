import { Storage, type Bucket, type File, type FileMetadata, type StorageOptions } from '@google-cloud/storage';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  validateKey,
  validateListOptions,
  validateListPrefix,
  validateMetadata,
  type BlobInfo,
  type BlobStore,
  type ListOptions,
  type ListPage,
  type PutOptions,
  type PutResult,
} from './blob-store.js';
import { Defaults } from './defaults.js';
import { BlobErrorCode, BlobNotFoundError, BlobStoreConfigError, BlobStoreError } from './errors.js';

export interface GcsBlobStoreOptions {
  bucket: string;
  /** Prepended to every key (e.g. `images/`); a trailing `/` is added when missing. */
  prefix?: string;
  /**
   * The client to use, created once by the caller and shared. When absent, one is created from
   * `storageOptions`; either way the library honours `STORAGE_EMULATOR_HOST` (fake-gcs-server).
   */
  storage?: Storage;
  storageOptions?: StorageOptions;
  /** Buffers above this many bytes, and all streams, use resumable uploads. */
  resumableThresholdBytes?: number;
}

/**
 * Blobs in a Cloud Storage bucket, optionally under a prefix. Uploads are atomic on the server (an
 * object appears only when its upload completes); `ifAbsent` is the precondition `ifGenerationMatch: 0`.
 */
export class GcsBlobStore implements BlobStore {
  readonly kind = 'gcs' as const;
  readonly description: string;
  readonly storage: Storage;
  private readonly bucket: Bucket;
  private readonly prefix: string;
  private readonly resumableThresholdBytes: number;

  constructor(options: GcsBlobStoreOptions) {
    if (!/^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/.test(options.bucket)) {
      throw new BlobStoreConfigError(`${JSON.stringify(options.bucket)} is not a Cloud Storage bucket name (lowercase letters, digits, '-', '_' and '.', 3 to 222 characters)`);
    }
    const prefix = options.prefix ?? '';
    if (prefix !== '') validateListPrefix(prefix);
    this.prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.storage = options.storage ?? new Storage(options.storageOptions);
    this.bucket = this.storage.bucket(options.bucket);
    this.resumableThresholdBytes = options.resumableThresholdBytes ?? Defaults.gcsResumableThresholdBytes;
    this.description = `gs://${options.bucket}/${this.prefix}`;
  }

  async put(key: string, data: Buffer | Readable, opts: PutOptions = {}): Promise<PutResult> {
    validateKey(key);
    const metadata = validateMetadata(opts.metadata);
    const file = this.file(key);
    const resumable = !Buffer.isBuffer(data) || data.length > this.resumableThresholdBytes;
    const source = Buffer.isBuffer(data) ? Readable.from([data]) : data;
    try {
      await pipeline(
        source,
        file.createWriteStream({
          resumable,
          ...(opts.contentType !== undefined ? { contentType: opts.contentType } : {}),
          metadata: { metadata },
          ...(opts.ifAbsent ? { preconditionOpts: { ifGenerationMatch: 0 } } : {}),
        }),
      );
    } catch (err) {
      if (opts.ifAbsent && httpStatus(err) === 412) {
        if (!source.destroyed) source.destroy();
        const existing = await this.head(key);
        if (existing) return { ...existing, created: false };
        // Deleted between the refused upload and our look: the caller may retry, the key is free again.
        throw new BlobStoreError(`put ${JSON.stringify(key)} into ${this.description}: the object existed, then was deleted; retry`, BlobErrorCode.Io, true, { cause: err });
      }
      throw this.error(`put ${JSON.stringify(key)}`, key, err);
    }
    return { ...this.toInfo(key, file.metadata), created: true };
  }

  async get(key: string): Promise<Buffer> {
    validateKey(key);
    try {
      const [buf] = await this.file(key).download();
      return buf;
    } catch (err) {
      throw this.error(`get ${JSON.stringify(key)}`, key, err);
    }
  }

  async getStream(key: string): Promise<Readable> {
    const info = await this.head(key);
    if (!info) throw new BlobNotFoundError(key, this.description);
    // Pinned to the generation we saw, so an overwrite during the read fails it instead of mixing versions.
    const file = this.bucket.file(this.prefix + key, info.generation !== undefined ? { generation: info.generation } : {});
    const out = new PassThrough();
    file
      .createReadStream()
      .on('error', (err: unknown) => out.destroy(this.error(`read ${JSON.stringify(key)}`, key, err)))
      .pipe(out);
    return out;
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    validateKey(key);
    try {
      const [metadata] = await this.file(key).getMetadata();
      return this.toInfo(key, metadata);
    } catch (err) {
      if (httpStatus(err) === 404) return undefined;
      throw this.error(`head ${JSON.stringify(key)}`, key, err);
    }
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListPage> {
    validateListPrefix(prefix);
    const { pageSize, delimiter } = validateListOptions(opts);
    try {
      const [files, nextQuery, response] = await this.bucket.getFiles({
        prefix: this.prefix + prefix,
        autoPaginate: false,
        maxResults: pageSize,
        ...(opts?.pageToken !== undefined ? { pageToken: opts.pageToken } : {}),
        ...(delimiter ? { delimiter } : {}),
      });
      const page: ListPage = { items: files.map((f) => this.toInfo(f.name.slice(this.prefix.length), f.metadata)) };
      if (delimiter) {
        const prefixes = (response as { prefixes?: string[] } | undefined)?.prefixes ?? [];
        page.prefixes = prefixes.map((p) => p.slice(this.prefix.length));
      }
      const token = (nextQuery as { pageToken?: string } | null | undefined)?.pageToken;
      if (token) page.nextPageToken = token;
      return page;
    } catch (err) {
      throw this.error(`list ${JSON.stringify(prefix)}`, undefined, err);
    }
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    try {
      await this.file(key).delete({ ignoreNotFound: true });
    } catch (err) {
      throw this.error(`delete ${JSON.stringify(key)}`, key, err);
    }
  }

  url(key: string): string {
    validateKey(key);
    return `gs://${this.bucket.name}/${this.prefix}${key}`;
  }

  private file(key: string): File {
    return this.bucket.file(this.prefix + key);
  }

  private toInfo(key: string, m: FileMetadata): BlobInfo {
    const custom: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.metadata ?? {})) if (v !== null && v !== undefined) custom[k] = String(v);
    const info: BlobInfo = {
      key,
      size: Number(m.size ?? 0),
      metadata: custom,
      updated: new Date(m.updated ?? m.timeCreated ?? 0),
    };
    if (m.contentType) info.contentType = m.contentType;
    if (m.md5Hash) info.md5 = m.md5Hash;
    if (m.crc32c) info.crc32c = m.crc32c;
    if (m.generation !== undefined) info.generation = String(m.generation);
    return info;
  }

  private error(what: string, key: string | undefined, err: unknown): BlobStoreError {
    if (err instanceof BlobStoreError) return err;
    const status = httpStatus(err);
    if (status === 404 && key !== undefined) return new BlobNotFoundError(key, this.description, { cause: err });
    const retryable = status === undefined || status === 408 || status === 429 || status >= 500;
    return new BlobStoreError(
      `could not ${what} in ${this.description}${status !== undefined ? ` (HTTP ${status})` : ''}: ${(err as Error)?.message ?? String(err)}`,
      BlobErrorCode.Io,
      retryable,
      { cause: err },
    );
  }
}

/** The HTTP status of a client error: `ApiError.code` for JSON API calls, gaxios' `status` for upload sessions. */
function httpStatus(err: unknown): number | undefined {
  const e = err as { code?: unknown; status?: unknown; response?: { status?: unknown } } | undefined;
  for (const v of [e?.code, e?.status, e?.response?.status]) if (typeof v === 'number') return v;
  return undefined;
}
