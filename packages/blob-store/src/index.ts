import type { Storage, StorageOptions } from '@google-cloud/storage';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlobStore } from './blob-store.js';
import { BlobStoreConfigError } from './errors.js';
import { GcsBlobStore } from './gcs-store.js';
import { LocalBlobStore } from './local-store.js';

export {
  compareKeys,
  validateKey,
  type BlobInfo,
  type BlobStore,
  type ListOptions,
  type ListPage,
  type PutOptions,
  type PutResult,
} from './blob-store.js';
export { Defaults as BlobStoreDefaults } from './defaults.js';
export {
  BlobErrorCode,
  BlobNotFoundError,
  BlobStoreConfigError,
  BlobStoreError,
  InvalidBlobArgumentError,
  InvalidBlobKeyError,
} from './errors.js';
export { GcsBlobStore, type GcsBlobStoreOptions } from './gcs-store.js';
export { LocalBlobStore, type LocalBlobStoreOptions } from './local-store.js';

export interface CreateBlobStoreOptions {
  /** Shared Cloud Storage client for `gs://` locations (created once per process, see the style guide). */
  storage?: Storage;
  /** Options for the client created when `storage` is not given. */
  storageOptions?: StorageOptions;
  /** Directory a relative local path is resolved against (default: the process's working directory). */
  baseDir?: string;
}

const EXAMPLES = "use 'file:///absolute/dir', an absolute or relative directory path, or 'gs://bucket' / 'gs://bucket/prefix'";

/**
 * Chooses the store from one setting (typically `BLOB_STORE_URL`):
 * `gs://bucket[/prefix]` is Cloud Storage, `file:///abs/dir` or a plain path is the local store.
 */
export function createBlobStore(location: string, options: CreateBlobStoreOptions = {}): BlobStore {
  const setting = location.trim();
  if (setting === '') throw new BlobStoreConfigError(`the blob store location is empty; ${EXAMPLES}`);
  if (setting.startsWith('gs://')) {
    const rest = setting.slice('gs://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1);
    if (bucket === '') throw new BlobStoreConfigError(`${JSON.stringify(setting)} names no bucket; ${EXAMPLES}`);
    return new GcsBlobStore({
      bucket,
      prefix,
      ...(options.storage ? { storage: options.storage } : {}),
      ...(options.storageOptions ? { storageOptions: options.storageOptions } : {}),
    });
  }
  if (setting.startsWith('file:')) {
    let root: string;
    try {
      root = fileURLToPath(setting);
    } catch (err) {
      throw new BlobStoreConfigError(`${JSON.stringify(setting)} is not a usable file URL (${(err as Error).message}); ${EXAMPLES}`);
    }
    return new LocalBlobStore({ root });
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(setting)) {
    throw new BlobStoreConfigError(`unsupported blob store scheme in ${JSON.stringify(setting)}; ${EXAMPLES}`);
  }
  return new LocalBlobStore({ root: isAbsolute(setting) ? setting : resolve(options.baseDir ?? process.cwd(), setting) });
}
