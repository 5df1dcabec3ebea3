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
  let closed: ((value: unknown) => boolean) | undefined;
  const lenientCheck = (): TypeCheck<S> => (lenient ??= TypeCompiler.Compile(def.schema));
  const strictCheck = (): TypeCheck<S> =>
    (strict ??= def.strictPublish === false ? lenientCheck() : TypeCompiler.Compile(closeObjects(def.schema)));
  // The publish hot path: the lenient check plus a walk for unknown keys is the strict check
  // (tested against it), without the arrays TypeBox's closed-object code allocates per object
  // and per key. The strict TypeBox check still reports the issues when it fails.
  const isPublishable = (data: unknown): boolean => {
    if (!lenientCheck().Check(data)) return false;
    if (def.strictPublish === false) return true;
    return (closed ??= unknownKeysCheck(def.schema))(data);
  };

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
      return isPublishable(data) ? [] : issuesOf(strictCheck(), data);
    },
    assertPublishable(data: unknown): asserts data is Static<S> {
      // Straight to the check on the publish hot path: no issues array for a valid event.
      if (!isPublishable(data)) throw new ContractViolationError(def.topic, def.type, def.version, 'data', issuesOf(strictCheck(), data));
    },
  };
  return contract;
}

/** Whether a schema node is an object closed by closeObjects (and so by unknownKeysCheck). */
const isClosable = (node: Record<string, unknown>): boolean =>
  node['type'] === 'object' && node['properties'] !== undefined && node['additionalProperties'] === undefined;

/**
 * For a value that already passed the lenient check: true when no object the schema closes
 * (see closeObjects) has a key the schema does not declare. Covers only the parts of the schema
 * that contain closable objects; a union containing one falls back to TypeBox's strict check of
 * that branch set, so the result always equals the strict check's.
 *
 * Generated as code, as TypeBox's own checks are: a closed object becomes a `for...in` over its
 * keys with a `switch` of the declared names, which V8 compares by identity. The interpreted walk
 * it replaces (a Set lookup per key, a closure per node) cost 0.8-1.1 µs for a 1 KB order-scored
 * event, as much as the rest of the publish-side validation, on every event published.
 */
export function unknownKeysCheck(schema: TSchema): (value: unknown) => boolean {
  const fallbacks: Array<(value: unknown) => boolean> = [];
  let vars = 0;
  /** Statements that `return false` when the value in `v` has an undeclared key; undefined when nothing to check. */
  const gen = (node: unknown, v: string): string | undefined => {
    if (node === null || typeof node !== 'object') return undefined;
    const n = node as Record<string, unknown>;
    if (Array.isArray(n['anyOf']) || Array.isArray(n['oneOf']) || Array.isArray(n['allOf'])) {
      const branches = (n['anyOf'] ?? n['oneOf'] ?? n['allOf']) as unknown[];
      if (branches.every((b) => gen(b, 'x') === undefined)) return undefined;
      const exact = TypeCompiler.Compile(closeObjects(n as TSchema));
      fallbacks.push((x) => exact.Check(x));
      return `if (!f[${fallbacks.length - 1}](${v})) return false;`;
    }
    if (n['type'] === 'array') {
      const i = `i${vars++}`;
      const item = `v${vars++}`;
      const body = gen(n['items'], item);
      return body && `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) { const ${item} = ${v}[${i}]; ${body} }`;
    }
    if (n['type'] !== 'object') return undefined;
    const props = (n['properties'] ?? {}) as Record<string, unknown>;
    const parts: string[] = [];
    if (isClosable(n)) {
      const k = `k${vars++}`;
      const cases = Object.keys(props).map((key) => `case ${JSON.stringify(key)}:`).join(' ');
      parts.push(`for (const ${k} in ${v}) switch (${k}) { ${cases} break; default: return false; }`);
    }
    for (const [key, child] of Object.entries(props)) {
      const c = `v${vars++}`;
      const body = gen(child, c);
      if (body) parts.push(`{ const ${c} = ${v}[${JSON.stringify(key)}]; if (${c} !== undefined) { ${body} } }`);
    }
    const pattern = n['patternProperties'] as Record<string, unknown> | undefined;
    if (pattern) {
      const k = `k${vars++}`;
      const c = `v${vars++}`;
      const body = Object.values(pattern)
        .map((p) => gen(p, c))
        .find((b) => b !== undefined);
      if (body) parts.push(`for (const ${k} in ${v}) { const ${c} = ${v}[${k}]; ${body} }`);
    }
    return parts.length > 0 ? parts.join(' ') : undefined;
  };
  const body = gen(schema, 'v');
  if (body === undefined) return () => true;
  // Generated from the contract's own schema only, as TypeBox's compiler does.
  return new Function('f', `return function unknownKeys(v) { ${body} return true; };`)(fallbacks) as (value: unknown) => boolean;
}

/**
 * A copy of the schema where every object that does not say otherwise rejects unknown
 * properties. Object spread keeps TypeBox's symbol keys ([Kind]), which the compiler needs.
 */
export function closeObjects<T extends TSchema>(schema: T): T {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (node === null || typeof node !== 'object') return node;
    const copy: Record<string | symbol, unknown> = { ...(node as Record<string | symbol, unknown>) };
    for (const key of Object.keys(copy)) copy[key] = visit(copy[key]);
    if (isClosable(copy)) copy['additionalProperties'] = false;
    return copy;
  };
  return visit(schema) as T;
}
