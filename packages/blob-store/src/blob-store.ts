import type { Readable } from 'node:stream';
import { Defaults } from './defaults.js';
import { InvalidBlobArgumentError, InvalidBlobKeyError } from './errors.js';

/** What a store knows about one object. Hashes are present when the backend has them. */
export interface BlobInfo {
  key: string;
  /** Bytes of content. */
  size: number;
  contentType?: string;
  /** Custom metadata, exactly as given to `put` (an empty object when none was given). */
  metadata: Record<string, string>;
  /** When this version of the object was written. */
  updated: Date;
  /** MD5 of the content, base64 (the format of Cloud Storage's `md5Hash`). */
  md5?: string;
  /** CRC32C of the content, base64 big-endian (Cloud Storage only). */
  crc32c?: string;
  /** SHA-256 of the content, hex (local store only). */
  sha256?: string;
  /** Cloud Storage object generation (decimal string); changes on every overwrite. */
  generation?: string;
}

/** The result of `put`: the stored object's info, and whether this call created it. */
export interface PutResult extends BlobInfo {
  /**
   * False only for `ifAbsent` puts that found the key already there: nothing was written and the
   * info describes the existing object. Always true otherwise.
   */
  created: boolean;
}

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
  /** Write only if no object has this key; otherwise leave it alone and return its info with `created: false`. */
  ifAbsent?: boolean;
}

export interface ListOptions {
  /** Opaque token from the previous page's `nextPageToken`. */
  pageToken?: string;
  /** Items plus common prefixes per page, 1..1000 (default 1000). */
  pageSize?: number;
  /** Only `'/'` is supported: keys with a `/` after the prefix are rolled up into `prefixes`. */
  delimiter?: string;
}

export interface ListPage {
  /** Objects in lexicographic (UTF-8 byte) order of their keys. */
  items: BlobInfo[];
  /** Present when there may be more: pass it back as `pageToken`. */
  nextPageToken?: string;
  /** With a delimiter: the common prefixes (each ends with the delimiter), in lexicographic order. */
  prefixes?: string[];
}

/**
 * Blobs keyed by `/`-separated strings. Every implementation passes the same contract suite
 * (`blobStoreContract` in `@commerce/blob-store/testing`).
 */
export interface BlobStore {
  readonly kind: 'local' | 'gcs';
  /** Human-readable identity used in error messages (`local:/var/data/blobs`, `gs://bucket/prefix/`). */
  readonly description: string;
  /**
   * Stores an object atomically: readers see the old object or the whole new one, never a part.
   * A failing `data` stream stores nothing. With `ifAbsent`, exactly one of any number of concurrent
   * callers creates the object; the others get `created: false` and the winner's info.
   */
  put(key: string, data: Buffer | Readable, opts?: PutOptions): Promise<PutResult>;
  /** The whole content. Throws `BlobNotFoundError` (code `BLOB_NOT_FOUND`) naming the key and the store. */
  get(key: string): Promise<Buffer>;
  /** The content as a stream of one consistent version. Rejects with `BlobNotFoundError` before returning a stream. */
  getStream(key: string): Promise<Readable>;
  /** The object's info, or `undefined` when there is none. */
  head(key: string): Promise<BlobInfo | undefined>;
  /** One page of the objects whose keys start with `prefix` (may be `''`), in lexicographic order. */
  list(prefix: string, opts?: ListOptions): Promise<ListPage>;
  /** Removes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Where the object lives, as a `file://` or `gs://` URL (for logs and for tools that read it directly). */
  url(key: string): string;
}

/**
 * The key rules, shared by every store so a key that works locally also works in Cloud Storage:
 * non-empty; at most 1024 UTF-8 bytes; no leading `/`, no empty segment (`a//b`, trailing `/`);
 * no `.` or `..` segment; no NUL, CR or LF; each segment at most 200 bytes.
 */
export function validateKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new InvalidBlobKeyError(String(key), 'a key must be a non-empty string');
  if (Buffer.byteLength(key) > Defaults.keyMaxBytes) {
    throw new InvalidBlobKeyError(key, `a key must be at most ${Defaults.keyMaxBytes} bytes of UTF-8`);
  }
  if (key.includes('\0')) throw new InvalidBlobKeyError(key, 'a key must not contain NUL');
  if (/[\r\n]/.test(key)) throw new InvalidBlobKeyError(key, 'a key must not contain CR or LF');
  if (key.startsWith('/')) throw new InvalidBlobKeyError(key, "a key must not start with '/' (keys are relative)");
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidBlobKeyError(key, "a key must not contain an empty segment ('//' or a trailing '/')");
    if (segment === '.' || segment === '..') throw new InvalidBlobKeyError(key, "a key must not contain a '.' or '..' segment");
    if (Buffer.byteLength(segment) > Defaults.keySegmentMaxBytes) {
      throw new InvalidBlobKeyError(key, `each '/'-separated segment must be at most ${Defaults.keySegmentMaxBytes} bytes of UTF-8`);
    }
  }
}

/** A list prefix is any start of a valid key: it may end with `/` or mid-segment, and may be empty. */
export function validateListPrefix(prefix: string): void {
  if (prefix === '') return;
  // Validate the prefix as a key after completing its last segment, so `images/` and `images/ab` pass.
  try {
    validateKey(prefix.endsWith('/') ? `${prefix}x` : prefix);
  } catch (err) {
    if (err instanceof InvalidBlobKeyError) throw new InvalidBlobKeyError(prefix, `as a list prefix: ${err.rule}`);
    throw err;
  }
}

export function validateListOptions(opts: ListOptions | undefined): { pageSize: number; delimiter?: '/' } {
  const pageSize = opts?.pageSize ?? Defaults.listPageSize;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > Defaults.listPageSizeMax) {
    throw new InvalidBlobArgumentError(`pageSize must be an integer from 1 to ${Defaults.listPageSizeMax}, got ${String(pageSize)}`);
  }
  const delimiter = opts?.delimiter;
  if (delimiter !== undefined && delimiter !== '/') {
    throw new InvalidBlobArgumentError(`delimiter must be '/' or absent, got ${JSON.stringify(delimiter)}`);
  }
  return delimiter ? { pageSize, delimiter } : { pageSize };
}

export function validateMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  if (metadata === undefined) return {};
  let bytes = 0;
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new InvalidBlobArgumentError(`metadata ${JSON.stringify(k)} must be a string, got ${typeof v}`);
    if (k === '') throw new InvalidBlobArgumentError('metadata keys must be non-empty');
    bytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (bytes > Defaults.metadataMaxBytes) {
    throw new InvalidBlobArgumentError(`metadata must be at most ${Defaults.metadataMaxBytes} bytes (keys plus values), got ${bytes}`);
  }
  return { ...metadata };
}

/** Lexicographic order by UTF-8 bytes, the order Cloud Storage lists in (JS `<` compares UTF-16 units). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
