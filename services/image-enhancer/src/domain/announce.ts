import type { ImageUploadedEvent } from '@commerce/contracts';
import type { BlobInfo } from '@commerce/blob-store';

/**
 * The notification Cloud Storage would publish for an object (OBJECT_FINALIZE, JSON_API_V1),
 * built from what a store knows about it: backfill and the demo announce existing objects with it.
 * Stores without generations (the local one) get the write time in microseconds, as GCS does.
 */
export function storageNotification(bucket: string, info: BlobInfo): ImageUploadedEvent {
  const generation = info.generation ?? String(info.updated.getTime() * 1000);
  const updated = info.updated.toISOString();
  const encoded = encodeURIComponent(info.key);
  return {
    kind: 'storage#object',
    id: `${bucket}/${info.key}/${generation}`,
    selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}/o/${encoded}`,
    name: info.key,
    bucket,
    generation,
    metageneration: '1',
    ...(info.contentType ? { contentType: info.contentType } : {}),
    timeCreated: updated,
    updated,
    storageClass: 'STANDARD',
    size: String(info.size),
    ...(info.md5 ? { md5Hash: info.md5 } : {}),
    ...(info.crc32c ? { crc32c: info.crc32c } : {}),
    mediaLink: `https://storage.googleapis.com/download/storage/v1/b/${bucket}/o/${encoded}?generation=${generation}&alt=media`,
    ...(Object.keys(info.metadata).length > 0 ? { metadata: info.metadata } : {}),
  };
}
