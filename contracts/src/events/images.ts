import { Type } from '@sinclair/typebox';
import { Envelopes, defineEvent } from '../contract.js';
import { Timestamp } from './common.js';

/**
 * Exactly what Cloud Storage publishes for an OBJECT_FINALIZE bucket notification with
 * payload format JSON_API_V1: the payload is the object resource, and the facts about the
 * event are attributes (`eventType`, `bucketId`, `objectId`, `objectGeneration`, ...).
 * GCS owns this shape, so publishing is lenient (unknown fields pass) and the identity of an
 * event is the object generation: a repeated notification for it is a duplicate.
 */
export const ImageUploaded = defineEvent({
  topic: 'image-uploaded',
  type: 'ImageUploaded',
  version: '1.0.0',
  envelope: Envelopes.StorageNotification,
  strictPublish: false,
  description: 'A Cloud Storage object was finalised (uploaded or overwritten) in the image bucket.',
  schema: Type.Object({
    kind: Type.Literal('storage#object'),
    id: Type.String({ minLength: 1, description: '<bucket>/<name>/<generation>' }),
    selfLink: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1, description: 'Object name (key).' }),
    bucket: Type.String({ minLength: 3 }),
    generation: Type.String({ pattern: '^[0-9]+$', description: 'Object generation, a decimal int64 as a string.' }),
    metageneration: Type.String({ pattern: '^[0-9]+$' }),
    contentType: Type.Optional(Type.String()),
    timeCreated: Timestamp('When this generation was created.'),
    updated: Timestamp('Last metadata change.'),
    storageClass: Type.Optional(Type.String()),
    timeStorageClassUpdated: Type.Optional(Type.String()),
    size: Type.String({ pattern: '^[0-9]+$', description: 'Bytes, a decimal uint64 as a string.' }),
    md5Hash: Type.Optional(Type.String()),
    mediaLink: Type.Optional(Type.String()),
    crc32c: Type.Optional(Type.String()),
    etag: Type.Optional(Type.String()),
    metadata: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'User metadata.' })),
  }),
  example: {
    kind: 'storage#object',
    id: 'shop-product-images/catalogue/m-hm-se/p-0934/front.jpg/1732180502118000',
    selfLink: 'https://www.googleapis.com/storage/v1/b/shop-product-images/o/catalogue%2Fm-hm-se%2Fp-0934%2Ffront.jpg',
    name: 'catalogue/m-hm-se/p-0934/front.jpg',
    bucket: 'shop-product-images',
    generation: '1732180502118000',
    metageneration: '1',
    contentType: 'image/jpeg',
    timeCreated: '2026-11-21T09:15:02.118Z',
    updated: '2026-11-21T09:15:02.118Z',
    storageClass: 'STANDARD',
    timeStorageClassUpdated: '2026-11-21T09:15:02.118Z',
    size: '482113',
    md5Hash: 'kJgTqq5kV3xYqk6LQj1d0A==',
    mediaLink: 'https://storage.googleapis.com/download/storage/v1/b/shop-product-images/o/catalogue%2Fm-hm-se%2Fp-0934%2Ffront.jpg?generation=1732180502118000&alt=media',
    crc32c: 'yZRlqg==',
    etag: 'CPjz2Lf/2okDEAE=',
    metadata: { merchantId: 'm-hm-se', productId: 'p-0934' },
  },
});

const ImageFormat = Type.Union([Type.Literal('avif'), Type.Literal('webp'), Type.Literal('jpeg')], { title: 'ImageFormat' });

export const ImageEnhanced = defineEvent({
  topic: 'image-enhanced',
  type: 'ImageEnhanced',
  version: '1.0.0',
  description: 'A product image was enhanced: its variants, the before/after quality metrics and what was done.',
  attributes: (e) => ({ provider: e.provider, bucket: e.source.bucket }),
  attributeNames: ['provider', 'bucket'],
  schema: Type.Object({
    source: Type.Object(
      {
        bucket: Type.String({ minLength: 3 }),
        name: Type.String({ minLength: 1 }),
        generation: Type.String({ pattern: '^[0-9]+$' }),
        contentHash: Type.String({ minLength: 1, description: 'SHA-256 of the original bytes (hex).' }),
      },
      { title: 'ImageSource' },
    ),
    variants: Type.Array(
      Type.Object(
        {
          key: Type.String({ minLength: 1, description: 'Blob-store key, derived from the content hash.' }),
          width: Type.Integer({ minimum: 1 }),
          height: Type.Integer({ minimum: 1 }),
          format: ImageFormat,
          bytes: Type.Integer({ minimum: 1 }),
          aspect: Type.String({ description: 'Aspect ratio name, e.g. 1:1, 3:4.' }),
        },
        { title: 'ImageVariant' },
      ),
      { minItems: 1 },
    ),
    metricsBefore: Type.Record(Type.String(), Type.Number(), { description: 'Quality metrics of the original.' }),
    metricsAfter: Type.Record(Type.String(), Type.Number(), { description: 'Quality metrics of the enhanced master.' }),
    operations: Type.Array(Type.String(), { description: 'Operations applied, in order, e.g. white_balance, denoise, sharpen.' }),
    provider: Type.Union([Type.Literal('local'), Type.Literal('gemini')], { title: 'ImageProvider' }),
    timingsMs: Type.Record(Type.String(), Type.Number()),
    enhancedAt: Timestamp('When the enhancement finished.'),
  }),
  example: {
    source: { bucket: 'shop-product-images', name: 'catalogue/m-hm-se/p-0934/front.jpg', generation: '1732180502118000', contentHash: '9f2c6d0e5a1b7c3d4e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d' },
    variants: [
      { key: 'enhanced/9f2c6d0e/800x800.webp', width: 800, height: 800, format: 'webp', bytes: 48211, aspect: '1:1' },
      { key: 'enhanced/9f2c6d0e/1200x1600.avif', width: 1200, height: 1600, format: 'avif', bytes: 61877, aspect: '3:4' },
    ],
    metricsBefore: { sharpness: 0.21, exposure: -0.6, noise: 0.08 },
    metricsAfter: { sharpness: 0.44, exposure: -0.05, noise: 0.03 },
    operations: ['auto_orient', 'white_balance', 'levels', 'sharpen', 'smart_crop'],
    provider: 'local',
    timingsMs: { decode: 12, analyse: 18, enhance: 61, encode: 140 },
    enhancedAt: '2026-11-21T09:15:03.010Z',
  },
});
