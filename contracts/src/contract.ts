import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ContractViolationError, abbreviate, type ContractIssue } from './errors.js';
import { registerFormats } from './formats.js';

registerFormats();

/**
 * How an event travels on the wire.
 * - `cloudevents`: our own events. JSON body, CloudEvents binary-mode attributes (`ce-id`, `ce-type`, ...).
 * - `gcs-notification`: the exact shape Cloud Storage publishes for a bucket notification
 *   (payload = object resource JSON, attributes `eventType`, `bucketId`, `objectId`, ...),
 *   so production wiring is only a bucket notification.
 */
export const Envelopes = { CloudEvents: 'cloudevents', StorageNotification: 'gcs-notification' } as const;
export type Envelope = (typeof Envelopes)[keyof typeof Envelopes];

export interface ContractDefinition<S extends TObject> {
  /** Pub/Sub topic id: the fact in kebab-case (`order-placed`). */
  readonly topic: string;
  /** Event type name: `<Entity><PastTense>` (`OrderPlaced`). */
  readonly type: string;
  /** Semantic version of the payload schema. Compatible changes bump minor; see COMPATIBILITY in the README. */
  readonly version: string;
  readonly description: string;
  readonly schema: S;
  /** A realistic payload; validated by the tests and shown in the catalogue. */
  readonly example: Static<S>;
  readonly envelope?: Envelope;
  /** When set, every publish carries this ordering key and subscriptions deliver in order per key. */
  readonly orderingKey?: { readonly field: string; of(event: Static<S>): string };
  /** Attributes derived from the payload so subscriptions can filter without decoding the body. */
  attributes?(event: Static<S>): Record<string, string>;
  /** Names of the attributes `attributes` sets, for the catalogue and for filter validation. */
  readonly attributeNames?: readonly string[];
  /**
   * Publish-side strictness. Strict (the default) rejects unknown fields so a typo in an
   * optional field is caught by the publisher. Subscribers always tolerate unknown fields,
   * which is what lets a publisher add an optional field before every subscriber upgrades.
   */
  readonly strictPublish?: boolean;
}

export interface EventContract<S extends TObject = TObject> extends ContractDefinition<S> {
  readonly envelope: Envelope;
  /** Subscriber-side validation: throws ContractViolationError, tolerates unknown fields. */
  parse(data: unknown): Static<S>;
  /** Publisher-side validation: every issue, empty when publishable. */
  publishIssues(data: unknown): ContractIssue[];
  /** Publisher-side validation: throws ContractViolationError naming the event, the field and the rule. */
  assertPublishable(data: unknown): asserts data is Static<S>;
}

/** The payload type of a contract: `EventOf<typeof OrderPlaced>`. */
export type EventOf<C> = C extends EventContract<infer S> ? Static<S> : never;

/** Any contract, for registries and tooling that handle every topic alike. */
export type AnyEventContract = EventContract<TObject>;

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
const TOPIC = /^[a-z][a-z0-9-]{2,}$/;
const TYPE = /^[A-Z][A-Za-z0-9]+$/;

export function defineEvent<S extends TObject>(def: ContractDefinition<S>): EventContract<S> {
  if (!TOPIC.test(def.topic)) throw new Error(`contract topic "${def.topic}" must be kebab-case, at least 3 characters`);
  if (!TYPE.test(def.type)) throw new Error(`contract type "${def.type}" must be PascalCase (<Entity><PastTense>)`);
  if (!SEMVER.test(def.version)) throw new Error(`contract ${def.topic} version "${def.version}" must be MAJOR.MINOR.PATCH`);

  let lenient: TypeCheck<S> | undefined;
  let strict: TypeCheck<S> | undefined;
  const lenientCheck = (): TypeCheck<S> => (lenient ??= TypeCompiler.Compile(def.schema));
  const strictCheck = (): TypeCheck<S> =>
    (strict ??= def.strictPublish === false ? lenientCheck() : TypeCompiler.Compile(closeObjects(def.schema)));

  const issuesOf = (check: TypeCheck<S>, data: unknown): ContractIssue[] =>
    [...check.Errors(data)].map((e) => ({ path: e.path, message: e.message, found: abbreviate(e.value) }));

  const contract: EventContract<S> = {
    ...def,
    envelope: def.envelope ?? Envelopes.CloudEvents,
    parse(data: unknown): Static<S> {
      const check = lenientCheck();
      if (check.Check(data)) return data;
      throw new ContractViolationError(def.topic, def.type, def.version, 'data', issuesOf(check, data));
    },
    publishIssues(data: unknown): ContractIssue[] {
      const check = strictCheck();
      return check.Check(data) ? [] : issuesOf(check, data);
    },
    assertPublishable(data: unknown): asserts data is Static<S> {
      const issues = contract.publishIssues(data);
      if (issues.length > 0) throw new ContractViolationError(def.topic, def.type, def.version, 'data', issues);
    },
  };
  return contract;
}

/**
 * A copy of the schema where every object that does not say otherwise rejects unknown
 * properties. Object spread keeps TypeBox's symbol keys ([Kind]), which the compiler needs.
 */
function closeObjects<T extends TSchema>(schema: T): T {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const copy: Record<string | symbol, unknown> = { ...(node as Record<string | symbol, unknown>) };
    for (const key of Object.keys(copy)) copy[key] = visit(copy[key]);
    if (copy['type'] === 'object' && copy['properties'] !== undefined && copy['additionalProperties'] === undefined) {
      copy['additionalProperties'] = false;
    }
    return copy;
  };
  return visit(schema) as T;
}
