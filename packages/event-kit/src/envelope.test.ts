import { ContractViolationError, ImageUploaded, OrderPlaced } from '@commerce/contracts';
import { Attributes, derivedEventId, encodeEvent, identify, storageEventId } from './envelope.js';
import { nextTraceparent, parseTraceparent } from './trace.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('encodeEvent', () => {
  it('stamps CloudEvents attributes, a UUIDv7 id, the ordering key and the contract attributes', () => {
    const e = encodeEvent(OrderPlaced, OrderPlaced.example, { source: 'checkout' });
    expect(e.eventId).toMatch(UUID_V7);
    expect(e.attributes).toMatchObject({
      [Attributes.Id]: e.eventId,
      [Attributes.Type]: 'OrderPlaced',
      [Attributes.Source]: '//commerce/checkout',
      [Attributes.SpecVersion]: '1.0',
      [Attributes.SchemaVersion]: OrderPlaced.version,
      merchantId: OrderPlaced.example.merchantId,
    });
    expect(parseTraceparent(e.attributes[Attributes.Traceparent])).toBeDefined();
    expect(e.orderingKey).toBe(OrderPlaced.example.userId);
    expect(JSON.parse(e.data.toString())).toEqual(OrderPlaced.example);
  });

  it('names each publisher as its own source when several publish from one process', () => {
    const sourceOf = (source: string): string | undefined => encodeEvent(OrderPlaced, OrderPlaced.example, { source }).attributes[Attributes.Source];
    expect([sourceOf('checkout'), sourceOf('fraud-scorer'), sourceOf('fraud-scorer'), sourceOf('checkout')]).toEqual([
      '//commerce/checkout',
      '//commerce/fraud-scorer',
      '//commerce/fraud-scorer',
      '//commerce/checkout',
    ]);
  });

  it('gives every event a distinct UUIDv7 that sorts in publish order, even thousands within a millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => encodeEvent(OrderPlaced, OrderPlaced.example, { source: 's' }).eventId);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    const ms = parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16);
    expect(Math.abs(ms - Date.now())).toBeLessThan(60_000);
  });

  it('continues the parent trace with a new span', () => {
    const parent = parseTraceparent(nextTraceparent())!;
    const e = encodeEvent(OrderPlaced, OrderPlaced.example, { source: 's', parentTrace: parent });
    const child = parseTraceparent(e.attributes[Attributes.Traceparent])!;
    expect(child.traceId).toBe(parent.traceId);
    expect(child.spanId).not.toBe(parent.spanId);
  });

  it('gives image-uploaded exactly the attributes of a Cloud Storage OBJECT_FINALIZE notification', () => {
    const o = ImageUploaded.example;
    const e = encodeEvent(ImageUploaded, o, { source: 'backfill' });
    expect(e.attributes).toEqual({
      notificationConfig: `projects/_/buckets/${o.bucket}/notificationConfigs/event-kit`,
      eventType: 'OBJECT_FINALIZE',
      payloadFormat: 'JSON_API_V1',
      bucketId: o.bucket,
      objectId: o.name,
      objectGeneration: o.generation,
      eventTime: o.updated,
    });
    expect(e.eventId).toBe(storageEventId(o.bucket, o.name, o.generation));
  });
});

describe('identify', () => {
  it('reads the event id from the attributes', () => {
    const e = encodeEvent(OrderPlaced, OrderPlaced.example, { source: 's' });
    expect(identify(OrderPlaced, e.attributes)).toBe(e.eventId);
  });

  it('rejects a message without ce-id, or of another type, naming the attribute', () => {
    expect(() => identify(OrderPlaced, { [Attributes.Type]: 'OrderPlaced' })).toThrow(/ce-id: Expected required attribute/);
    const err = (() => {
      try {
        identify(OrderPlaced, { [Attributes.Id]: 'x', [Attributes.Type]: 'OrderScored' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ContractViolationError);
    expect((err as ContractViolationError).part).toBe('attributes');
    expect((err as Error).message).toMatch(/ce-type: Expected "OrderPlaced" \(found "OrderScored"\)/);
  });

  it('identifies a storage notification by object generation, so a repeated notification is a duplicate', () => {
    const attrs = { eventType: 'OBJECT_FINALIZE', bucketId: 'b', objectId: 'a/b.jpg', objectGeneration: '42' };
    expect(identify(ImageUploaded, attrs)).toBe('gs://b/a/b.jpg#42');
    expect(() => identify(ImageUploaded, { eventType: 'OBJECT_FINALIZE' })).toThrow(/bucketId/);
  });
});

describe('derivedEventId', () => {
  it('is deterministic per (input, purpose), distinct across purposes, and a UUIDv7', () => {
    const t = new Date('2026-11-21T09:00:00Z');
    const a = derivedEventId('in-1', 'OrderScored', t);
    expect(a).toMatch(UUID_V7);
    expect(derivedEventId('in-1', 'OrderScored', t)).toBe(a);
    expect(derivedEventId('in-1', 'FraudAlert', t)).not.toBe(a);
    expect(derivedEventId('in-2', 'OrderScored', t)).not.toBe(a);
  });
});
