import { Type, type Static } from '@sinclair/typebox';
import { serviceConfig } from '@commerce/service-kit';

export const ArchiverConfig = serviceConfig({
  BLOB_STORE_URL: Type.String({
    minLength: 1,
    default: '.data/blobs',
    description: "Where the archive is written: 'gs://bucket[/prefix]', 'file:///abs/dir' or a directory path.",
  }),
  ARCHIVE_PREFIX: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$', default: 'archive', description: 'Key prefix of the archive in the blob store.' }),
  ARCHIVE_SUBSCRIPTIONS: Type.String({
    default: 'auto',
    description: "Comma-separated subscriptions to archive, or 'auto' for every '<topic>.archiver' subscription in the project.",
  }),
  ARCHIVE_BATCH_MAX_MESSAGES: Type.Integer({ minimum: 1, maximum: 100_000, default: 1000, description: 'A segment is written when this many messages are buffered...' }),
  ARCHIVE_BATCH_MAX_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 500, description: '...or this long after the first one arrived.' }),
  ARCHIVE_MAX_BUFFERED_MESSAGES: Type.Integer({
    minimum: 1,
    maximum: 1_000_000,
    default: 5000,
    description: 'Flow control per subscription: messages held unacked while their segment is written (at least the batch size).',
  }),
});
export type ArchiverConfig = Static<typeof ArchiverConfig>;
