/**
 * Every default and limit of the blob store, in one place. Sizes carry their unit in the name.
 */
export const Defaults = {
  /** Items (plus common prefixes) per `list` page when the caller does not say; Cloud Storage's own default and maximum. */
  listPageSize: 1000,
  /** Largest page a caller may ask for: Cloud Storage never returns more than this in one response. */
  listPageSizeMax: 1000,
  /** Cloud Storage's limit on an object name, applied to every store so a key that works locally works in the cloud. */
  keyMaxBytes: 1024,
  /**
   * Longest `/`-separated segment of a key. The local store keeps one segment per file or directory name
   * (255 bytes on ext4/APFS), and its metadata file adds up to 27 bytes (inode number and suffix), so we refuse longer segments everywhere, not only locally.
   */
  keySegmentMaxBytes: 200,
  /** Cloud Storage's limit on custom metadata (keys plus values), applied to every store. */
  metadataMaxBytes: 8 * 1024,
  /**
   * Buffers larger than this (and every stream) go up to Cloud Storage as resumable uploads, which survive a
   * dropped connection; smaller buffers use one multipart request, which is cheaper. The library's own cut-off.
   */
  gcsResumableThresholdBytes: 5 * 1024 * 1024,
  /** How many times a local put retries after a concurrent delete removed its (empty) parent directory. */
  localParentDirRetries: 5,
} as const;
