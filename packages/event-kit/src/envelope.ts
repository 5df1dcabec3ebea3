import { ContractViolationError, Envelopes, type AnyEventContract, type ContractIssue } from '@commerce/contracts';
import { createHash } from 'node:crypto';
import { v7 as uuidv7From } from 'uuid';
import { uuidv7 } from './ids.js';
import { nextTraceparent, type TraceContext } from './trace.js';

/**
 * Attributes of our own events: the CloudEvents Pub/Sub protocol binding in binary mode,
 * so any CloudEvents-aware tool (Eventarc, the CloudEvents SDKs) reads them as they are.
 */
export const Attributes = {
  Id: 'ce-id',
  Type: 'ce-type',
  Source: 'ce-source',
  Time: 'ce-time',
  SpecVersion: 'ce-specversion',
  SchemaVersion: 'ce-schemaversion',
  Traceparent: 'ce-traceparent',
  ContentType: 'content-type',
} as const;

/** Attributes Cloud Storage sets on a bucket notification (image-uploaded). */
export const StorageAttributes = {
  EventType: 'eventType',
  BucketId: 'bucketId',
  ObjectId: 'objectId',
  ObjectGeneration: 'objectGeneration',
  EventTime: 'eventTime',
  PayloadFormat: 'payloadFormat',
  NotificationConfig: 'notificationConfig',
} as const;

/** Attributes the kit adds when it dead-letters a message, so the reason is readable where it lands. */
export const DeadLetterAttributes = {
  Reason: 'dlq-reason',
  Code: 'dlq-error-code',
  Retryable: 'dlq-retryable',
  OriginalMessageId: 'dlq-original-message-id',
  DeliveryAttempt: 'dlq-delivery-attempt',
  Subscription: 'dlq-subscription',
  SourceTopic: 'dlq-source-topic',
  OrderingKey: 'dlq-ordering-key',
  DeadLetteredAt: 'dlq-dead-lettered-at',
} as const;

export interface EncodedEvent {
  readonly eventId: string;
  readonly data: Buffer;
  readonly attributes: Record<string, string>;
  readonly orderingKey?: string;
}

export interface EncodeOptions {
  /** The publishing service, e.g. `fraud-scorer`; becomes `ce-source`. */
  readonly source: string;
  /** Trace of the event being handled, so the new event continues it. */
  readonly parentTrace?: TraceContext | undefined;
  /** Reuse an id (re-publishing the same fact); normally a fresh UUIDv7. */
  readonly eventId?: string | undefined;
}

/** Serialises a validated event with its standard attributes. */
export function encodeEvent(contract: AnyEventContract, event: object, options: EncodeOptions): EncodedEvent {
  const data = Buffer.from(JSON.stringify(event));
  const orderingKey = contract.orderingKey?.of(event as never);
  let eventId: string;
  let attributes: Record<string, string>;
  if (contract.envelope === Envelopes.StorageNotification) {
    const o = event as { bucket: string; name: string; generation: string; updated: string };
    eventId = options.eventId ?? storageEventId(o.bucket, o.name, o.generation);
    attributes = {
      [StorageAttributes.NotificationConfig]: `projects/_/buckets/${o.bucket}/notificationConfigs/event-kit`,
      [StorageAttributes.EventType]: 'OBJECT_FINALIZE',
      [StorageAttributes.PayloadFormat]: 'JSON_API_V1',
      [StorageAttributes.BucketId]: o.bucket,
      [StorageAttributes.ObjectId]: o.name,
      [StorageAttributes.ObjectGeneration]: o.generation,
      [StorageAttributes.EventTime]: o.updated,
    };
  } else {
    const now = Date.now(); // one clock read for the id and the time
    eventId = options.eventId ?? uuidv7(now);
    attributes = {
      [Attributes.SpecVersion]: '1.0',
      [Attributes.Id]: eventId,
      [Attributes.Type]: contract.type,
      [Attributes.Source]: sourceAttribute(options.source),
      [Attributes.Time]: isoAt(now),
      [Attributes.SchemaVersion]: contract.version,
      [Attributes.ContentType]: 'application/json',
      [Attributes.Traceparent]: nextTraceparent(options.parentTrace),
    };
  }
  // Copied in, not spread first: `{ ...extra, a, b }` takes V8's slow path (measured 11.7 µs
  // against 0.2 µs per event). Standard attributes win over a contract's own.
  const extra = contract.attributes?.(event as never);
  if (extra !== undefined) for (const key in extra) if (attributes[key] === undefined) attributes[key] = extra[key]!;
  return orderingKey ? { eventId, data, attributes, orderingKey } : { eventId, data, attributes };
}

// A process publishes as one source: build its `ce-source` once, not a new string per event
// (one that the protobuf encoder would then have to flatten before reading it).
let lastSource: string | undefined;
let lastSourceAttribute = '';
function sourceAttribute(source: string): string {
  if (source !== lastSource) {
    lastSource = source;
    lastSourceAttribute = `//commerce/${source}`;
  }
  return lastSourceAttribute;
}

// Many events are published within one millisecond; format the time once per millisecond.
let lastMs = 0;
let lastIso = '';
function isoAt(ms: number): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

/** The identity of a storage notification: one event per object generation. */
export const storageEventId = (bucket: string, name: string, generation: string): string => `gs://${bucket}/${name}#${generation}`;

/**
 * The event id of a received message, read from its attributes after checking the ones the
 * contract's envelope requires. Throws ContractViolationError (part `attributes`).
 */
export function identify(contract: AnyEventContract, attributes: Readonly<Record<string, string>>): string {
  if (contract.envelope !== Envelopes.StorageNotification) {
    const id = attributes[Attributes.Id];
    // The common case: our own well-formed event. The trace is read lazily.
    if (id && attributes[Attributes.Type] === contract.type) return id;
  }
  const issues: ContractIssue[] = [];
  const need = (name: string, expected?: string): string | undefined => {
    const v = attributes[name];
    if (v === undefined || v === '') issues.push({ path: `/${name}`, message: 'Expected required attribute', found: 'nothing' });
    else if (expected !== undefined && v !== expected) issues.push({ path: `/${name}`, message: `Expected ${JSON.stringify(expected)}`, found: JSON.stringify(v) });
    return v;
  };
  if (contract.envelope === Envelopes.StorageNotification) {
    need(StorageAttributes.EventType);
    const bucket = need(StorageAttributes.BucketId);
    const name = need(StorageAttributes.ObjectId);
    const generation = need(StorageAttributes.ObjectGeneration);
    if (issues.length > 0) throw new ContractViolationError(contract.topic, contract.type, contract.version, 'attributes', issues);
    return storageEventId(bucket!, name!, generation!);
  }
  need(Attributes.Id);
  need(Attributes.Type, contract.type);
  throw new ContractViolationError(contract.topic, contract.type, contract.version, 'attributes', issues);
}

/**
 * The id of an event caused by another: deterministic, so a redelivered input republishes
 * the same id and consumers deduplicate it. Still a UUIDv7, timestamped by the input's
 * publish time, with the random bits taken from a hash of (input id, purpose).
 */
export function derivedEventId(parentEventId: string, purpose: string, parentPublishTime: Date): string {
  const random = createHash('sha256').update(`${parentEventId}\u0000${purpose}`).digest().subarray(0, 16);
  return uuidv7From({ msecs: parentPublishTime.getTime(), random, seq: 0 });
}
