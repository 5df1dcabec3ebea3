/** Stable error codes of the blob store, for callers and metrics labels. */
export const BlobErrorCode = {
  NotFound: 'BLOB_NOT_FOUND',
  InvalidKey: 'BLOB_KEY_INVALID',
  InvalidArgument: 'BLOB_ARGUMENT_INVALID',
  Config: 'BLOB_STORE_CONFIG',
  Io: 'BLOB_STORE_IO',
} as const;
export type BlobErrorCode = (typeof BlobErrorCode)[keyof typeof BlobErrorCode];

/** Base class: every error the stores throw carries a stable `code` and whether retrying can help. */
export class BlobStoreError extends Error {
  override readonly name: string = 'BlobStoreError';
  constructor(
    message: string,
    readonly code: BlobErrorCode,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `get`/`getStream` on a key that does not exist. Names the key and the store. */
export class BlobNotFoundError extends BlobStoreError {
  override readonly name = 'BlobNotFoundError';
  constructor(
    readonly key: string,
    readonly store: string,
    options?: { cause?: unknown },
  ) {
    super(`blob ${JSON.stringify(key)} not found in ${store}`, BlobErrorCode.NotFound, false, options);
  }
}

/** A key that breaks one of the key rules (see `validateKey`). Names the key and the rule. */
export class InvalidBlobKeyError extends BlobStoreError {
  override readonly name = 'InvalidBlobKeyError';
  constructor(
    readonly key: string,
    readonly rule: string,
  ) {
    super(`invalid blob key ${JSON.stringify(key)}: ${rule}`, BlobErrorCode.InvalidKey, false);
  }
}

/** A bad argument other than the key (page size, metadata, delimiter, page token). */
export class InvalidBlobArgumentError extends BlobStoreError {
  override readonly name = 'InvalidBlobArgumentError';
  constructor(message: string) {
    super(message, BlobErrorCode.InvalidArgument, false);
  }
}

/** `createBlobStore` could not make sense of its configuration; the message says what to set instead. */
export class BlobStoreConfigError extends BlobStoreError {
  override readonly name = 'BlobStoreConfigError';
  constructor(message: string) {
    super(message, BlobErrorCode.Config, false);
  }
}
