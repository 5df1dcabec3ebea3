import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AnyEventContract } from './contract.js';
import { plainSchema, type JsonSchema, type JsonValue } from './json-schema.js';

/**
 * Compatibility of a topic's contract with its last released version.
 *
 * The rule is FULL compatibility within a topic: during a rollout old and new publishers
 * and old and new subscribers run side by side, so every event an old publisher sends must
 * pass a new subscriber, and every event a new publisher sends must pass an old subscriber.
 * Subscribers validate leniently (unknown properties pass) and publishers strictly, which
 * is what makes adding or removing an OPTIONAL field safe and almost everything else not.
 * A change that cannot meet the rule needs a new topic (`order-placed-v2`), published
 * alongside the old one until every subscriber has moved.
 */

/** How a change affects the running system, from worst to harmless. */
export const ChangeKinds = {
  /** Some old/new publisher/subscriber pair would reject events: not allowed within a topic. */
  Breaking: 'breaking',
  /** Changes what can be sent, safely for every pair: a minor version bump. */
  Compatible: 'compatible',
  /** Changes only words (descriptions, titles): a patch version bump. */
  Documentation: 'documentation',
} as const;
export type ChangeKind = (typeof ChangeKinds)[keyof typeof ChangeKinds];

/** Whose running code a breaking change breaks. */
export const BrokenSides = {
  /** Events from existing (old) publishers would be rejected by upgraded subscribers. */
  ExistingPublishers: 'existing-publishers',
  /** Existing (old) subscribers would reject events from upgraded publishers. */
  ExistingSubscribers: 'existing-subscribers',
  Both: 'both',
} as const;
export type BrokenSide = (typeof BrokenSides)[keyof typeof BrokenSides];

export interface ContractChange {
  readonly topic: string;
  /**
   * Where: a path into the payload schema (`/items[]/quantity`, `[]` = every array item,
   * `{}` = every map value, `/` = the payload itself), or a contract property
   * (`contract.envelope`, `contract.orderingKey`, `contract.type`, `contract.attributeNames`).
   */
  readonly path: string;
  readonly kind: ChangeKind;
  /** What changed, e.g. `required field removed`. */
  readonly change: string;
  /** For a breaking change: whose code breaks. */
  readonly side?: BrokenSide;
  /** For a breaking change: how it breaks, in words. */
  readonly breaks?: string;
  /** For a breaking change: what to do instead. */
  readonly instead?: string;
}

/** A breaking change: it always says who breaks and what to do instead. */
export interface CompatibilityIssue extends ContractChange {
  readonly kind: typeof ChangeKinds.Breaking;
  readonly side: BrokenSide;
  readonly breaks: string;
  readonly instead: string;
}

/** Everything about a contract that running publishers and subscribers depend on. */
export interface ContractSnapshot {
  readonly topic: string;
  readonly type: string;
  readonly version: string;
  readonly description: string;
  readonly envelope: string;
  /** The payload field whose value is the Pub/Sub ordering key; null when events are unordered. */
  readonly orderingKey: string | null;
  /** Attributes set from the payload; subscription filters may select on them. */
  readonly attributeNames: readonly string[];
  readonly schema: JsonSchema;
}

export function snapshotOf(contract: AnyEventContract): ContractSnapshot {
  return {
    topic: contract.topic,
    type: contract.type,
    version: contract.version,
    description: contract.description,
    envelope: contract.envelope,
    orderingKey: contract.orderingKey?.field ?? null,
    attributeNames: [...(contract.attributeNames ?? [])],
    schema: plainSchema(contract.schema),
  };
}

/** `order-placed` -> `order-placed-v2`, `order-placed-v2` -> `order-placed-v3`. */
export function nextTopicName(topic: string): string {
  const m = /^(.*)-v(\d+)$/.exec(topic);
  return m ? `${m[1]}-v${Number(m[2]) + 1}` : `${topic}-v2`;
}

const newTopic = (topic: string): string =>
  `a breaking change needs a new topic (e.g. ${nextTopicName(topic)}) with both topics published during the migration, ` +
  `and ${topic} retired once every subscriber has moved`;

const SIDE_TEXT = {
  [BrokenSides.ExistingPublishers]: 'existing publishers',
  [BrokenSides.ExistingSubscribers]: 'existing subscribers',
  [BrokenSides.Both]: 'existing publishers and subscribers',
} as const;

/** Every difference between two versions of one topic's contract, classified. */
export function diffContracts(before: ContractSnapshot, after: ContractSnapshot): ContractChange[] {
  if (before.topic !== after.topic) throw new Error(`cannot compare contracts of different topics (${before.topic}, ${after.topic})`);
  const topic = after.topic;
  const out: ContractChange[] = [];
  const breaking = (path: string, change: string, side: BrokenSide, breaks: string, instead: string): void => {
    out.push({ topic, path, kind: ChangeKinds.Breaking, change, side, breaks, instead: `${instead}; or ${newTopic(topic)}` });
  };
  const compatible = (path: string, change: string): void => void out.push({ topic, path, kind: ChangeKinds.Compatible, change });
  const documentation = (path: string, change: string): void => void out.push({ topic, path, kind: ChangeKinds.Documentation, change });

  if (before.type !== after.type) {
    breaking('contract.type', `event type renamed from ${before.type} to ${after.type}`, BrokenSides.Both,
      `subscribers check ce-type, so existing subscribers would reject events typed ${after.type} and upgraded subscribers events typed ${before.type}`,
      'keep the type name');
  }
  if (before.envelope !== after.envelope) {
    breaking('contract.envelope', `envelope changed from ${before.envelope} to ${after.envelope}`, BrokenSides.Both,
      'the envelope decides the attributes and the event identity, so neither side could read the other\'s events',
      'keep the envelope');
  }
  if (before.orderingKey !== after.orderingKey) {
    if (before.orderingKey === null) {
      compatible('contract.orderingKey', `ordering key ${after.orderingKey} added (no subscription could rely on ordering before)`);
    } else {
      const what = after.orderingKey === null ? `ordering key ${before.orderingKey} removed` : `ordering key changed from ${before.orderingKey} to ${after.orderingKey}`;
      breaking('contract.orderingKey', what, BrokenSides.ExistingSubscribers,
        `existing subscribers rely on events arriving in order per ${before.orderingKey}; while old and new publishers key differently that order is lost`,
        'keep the ordering key');
    }
  }
  const attrsAfter = new Set(after.attributeNames);
  const attrsBefore = new Set(before.attributeNames);
  for (const name of before.attributeNames) {
    if (!attrsAfter.has(name)) {
      breaking('contract.attributeNames', `attribute ${name} no longer set`, BrokenSides.ExistingSubscribers,
        `subscription filters on attributes.${name} would silently stop matching events from upgraded publishers`,
        `keep setting ${name}`);
    }
  }
  for (const name of after.attributeNames) if (!attrsBefore.has(name)) compatible('contract.attributeNames', `attribute ${name} added`);
  if (before.description !== after.description) documentation('contract.description', 'event description changed');

  compareSchema(before.schema, after.schema, '/', { breaking, compatible, documentation });
  return out;
}

/** The breaking changes between two versions of one topic's contract; empty when FULL compatible. */
export function checkCompatibility(before: ContractSnapshot, after: ContractSnapshot): CompatibilityIssue[] {
  return diffContracts(before, after).filter((c): c is CompatibilityIssue => c.kind === ChangeKinds.Breaking);
}

/** One line a developer can act on. */
export function formatChange(c: ContractChange): string {
  const head = `${c.topic} ${c.path}: ${c.change}`;
  if (c.kind !== ChangeKinds.Breaking) return `${head} (${c.kind})`;
  return `${head} - BREAKING for ${SIDE_TEXT[c.side ?? BrokenSides.Both]}: ${c.breaks ?? ''}. Instead: ${c.instead ?? newTopic(c.topic)}.`;
}

// ---------------------------------------------------------------------------------------
// Schema comparison

interface Report {
  breaking(path: string, change: string, side: BrokenSide, breaks: string, instead: string): void;
  compatible(path: string, change: string): void;
  documentation(path: string, change: string): void;
}

/** Annotations: they change no validation outcome. */
const DOC_KEYWORDS = new Set(['description', 'title', '$comment', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly', '$id', '$schema', 'version']);
/** Handled structurally below. */
const STRUCTURE_KEYWORDS = new Set(['type', 'properties', 'required', 'items', 'patternProperties', 'additionalProperties', 'anyOf', 'const', 'enum']);
/** Constraints where a larger value is stricter. */
const LOWER_BOUNDS = new Set(['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties']);
/** Constraints where a smaller value is stricter. */
const UPPER_BOUNDS = new Set(['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties']);

const TIGHTENED = {
  side: BrokenSides.ExistingPublishers,
  breaks: 'existing publishers may send values that upgraded subscribers would reject',
};
const LOOSENED = {
  side: BrokenSides.ExistingSubscribers,
  breaks: 'upgraded publishers may send values that existing subscribers would reject',
};
const CHANGED = {
  side: BrokenSides.Both,
  breaks: 'each side may send values the other would reject',
};
const KEEP_CONSTRAINT = 'keep the released constraint (a publisher may enforce a stricter rule in its own code; a looser rule needs a new optional field)';

type Node = { readonly [key: string]: JsonValue };

const isNode = (v: JsonValue | undefined): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const asNode = (v: JsonValue | undefined): Node => (isNode(v) ? v : {});
const child = (path: string, key: string): string => (path === '/' ? `/${key}` : `${path}/${key}`);
const show = (v: JsonValue | undefined): string => (v === undefined ? 'nothing' : JSON.stringify(v));

function equal(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => equal(a[k], b[k]));
}

/** The allowed values when the node is an enumeration (`const`, `enum`, or a union of constants). */
function enumOf(s: Node): JsonValue[] | undefined {
  if (s['const'] !== undefined) return [s['const']];
  if (Array.isArray(s['enum'])) return s['enum'];
  const anyOf = s['anyOf'];
  if (Array.isArray(anyOf) && anyOf.length > 0 && anyOf.every((o) => isNode(o) && o['const'] !== undefined)) {
    return anyOf.map((o) => asNode(o)['const'] as JsonValue);
  }
  return undefined;
}

/** A name for the node's JSON type, the unit of a "type change". */
function typeOf(s: Node): string {
  const t = s['type'];
  if (typeof t === 'string') {
    if (t !== 'object') return t;
    return s['properties'] === undefined && s['patternProperties'] !== undefined ? 'map' : 'object';
  }
  if (Array.isArray(t)) return [...t].map(String).sort().join('|');
  const values = enumOf(s);
  if (values !== undefined) {
    const kinds = [...new Set(values.map((v) => (v === null ? 'null' : Number.isInteger(v) ? 'integer' : typeof v)))].sort();
    return kinds.join('|');
  }
  if (Array.isArray(s['anyOf'])) return 'union';
  return 'any';
}

function compareSchema(a: Node, b: Node, path: string, report: Report): void {
  for (const key of DOC_KEYWORDS) {
    if (equal(a[key], b[key])) continue;
    const note = key === 'title' && (typeOf(a) === 'object' || enumOf(a) !== undefined) ? ' (also renames the Avro type)' : '';
    report.documentation(path, `${key} changed${note}`);
  }

  const ta = typeOf(a);
  const tb = typeOf(b);
  if (ta !== tb) {
    report.breaking(path, `type changed from ${ta} to ${tb}`, BrokenSides.Both,
      'each side would reject the other\'s values',
      'add a new optional field with the new type and keep publishing this one');
    return;
  }

  compareEnums(a, b, path, report);
  compareConstraints(a, b, path, report);

  const ua = a['anyOf'];
  const ub = b['anyOf'];
  if (enumOf(a) === undefined && enumOf(b) === undefined && (Array.isArray(ua) || Array.isArray(ub))) {
    if (Array.isArray(ua) && Array.isArray(ub) && ua.length === ub.length) {
      ua.forEach((option, i) => compareSchema(asNode(option), asNode(ub[i]), `${path}<${i}>`, report));
    } else {
      report.breaking(path, 'union options changed', BrokenSides.Both, 'each side may send values the other would reject',
        'keep the released options and add a new optional field');
    }
  }

  if (ta === 'array') compareSchema(asNode(a['items']), asNode(b['items']), `${path}[]`, report);
  if (ta === 'map') compareMaps(a, b, path, report);
  if (ta === 'object') compareObjects(a, b, path, report);
}

function compareEnums(a: Node, b: Node, path: string, report: Report): void {
  const ea = enumOf(a);
  const eb = enumOf(b);
  if (ea === undefined && eb === undefined) return;
  if (ea !== undefined && eb !== undefined) {
    const added = eb.filter((v) => !ea.some((w) => equal(v, w)));
    const removed = ea.filter((v) => !eb.some((w) => equal(v, w)));
    if (added.length > 0) {
      report.breaking(path, `enum value${added.length > 1 ? 's' : ''} ${added.map(show).join(', ')} added`, BrokenSides.ExistingSubscribers,
        `existing subscribers would reject events carrying ${added.map(show).join(', ')}`,
        'add a new optional field that carries the wider set of values and keep this one on the released values');
    }
    if (removed.length > 0) {
      report.breaking(path, `enum value${removed.length > 1 ? 's' : ''} ${removed.map(show).join(', ')} removed`, BrokenSides.ExistingPublishers,
        `existing publishers may still send ${removed.map(show).join(', ')}, which upgraded subscribers would reject`,
        'keep the value in the schema and stop sending it in the publisher\'s own code');
    }
    return;
  }
  if (ea !== undefined) {
    report.breaking(path, `restriction to ${ea.map(show).join(', ')} removed`, LOOSENED.side, LOOSENED.breaks, KEEP_CONSTRAINT);
  } else if (eb !== undefined) {
    report.breaking(path, `restricted to ${eb.map(show).join(', ')}`, TIGHTENED.side, TIGHTENED.breaks, KEEP_CONSTRAINT);
  }
}

function compareConstraints(a: Node, b: Node, path: string, report: Report): void {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (DOC_KEYWORDS.has(key) || STRUCTURE_KEYWORDS.has(key)) continue;
    const va = a[key];
    const vb = b[key];
    if (equal(va, vb)) continue;
    const what = va === undefined ? `${key} ${show(vb)} added` : vb === undefined ? `${key} ${show(va)} removed` : `${key} changed from ${show(va)} to ${show(vb)}`;
    let effect: { side: BrokenSide; breaks: string } = CHANGED;
    if (LOWER_BOUNDS.has(key) || UPPER_BOUNDS.has(key)) {
      const lower = LOWER_BOUNDS.has(key);
      if (va === undefined) effect = TIGHTENED;
      else if (vb === undefined) effect = LOOSENED;
      else if (typeof va === 'number' && typeof vb === 'number') effect = (lower ? vb > va : vb < va) ? TIGHTENED : LOOSENED;
    } else if (key === 'pattern' || key === 'format' || key === 'multipleOf' || key === 'uniqueItems') {
      if (va === undefined || va === false) effect = TIGHTENED;
      else if (vb === undefined || vb === false) effect = LOOSENED;
    } else {
      report.breaking(path, `${what} (a keyword this check does not model, so it is treated as breaking)`, CHANGED.side, CHANGED.breaks, KEEP_CONSTRAINT);
      continue;
    }
    const direction = effect === TIGHTENED ? 'tightened' : effect === LOOSENED ? 'loosened' : 'changed';
    report.breaking(path, `${what} (${direction})`, effect.side, effect.breaks, KEEP_CONSTRAINT);
  }
}

function compareMaps(a: Node, b: Node, path: string, report: Report): void {
  const pa = asNode(a['patternProperties']);
  const pb = asNode(b['patternProperties']);
  const ka = Object.keys(pa);
  const kb = Object.keys(pb);
  if (ka.length === 1 && kb.length === 1 && ka[0] === kb[0]) {
    compareSchema(asNode(pa[ka[0] as string]), asNode(pb[kb[0] as string]), `${path}{}`, report);
  } else if (!equal(pa, pb)) {
    report.breaking(path, `map keys changed from ${ka.join(', ')} to ${kb.join(', ')}`, CHANGED.side, CHANGED.breaks, KEEP_CONSTRAINT);
  }
  compareClosed(a, b, path, report);
}

function compareObjects(a: Node, b: Node, path: string, report: Report): void {
  const pa = asNode(a['properties']);
  const pb = asNode(b['properties']);
  const ra = new Set(Array.isArray(a['required']) ? a['required'].map(String) : []);
  const rb = new Set(Array.isArray(b['required']) ? b['required'].map(String) : []);
  const keys = [...Object.keys(pa), ...Object.keys(pb).filter((k) => !(k in pa))];
  for (const key of keys) {
    const p = child(path, key);
    if (!(key in pb)) {
      if (ra.has(key)) {
        report.breaking(p, 'required field removed', BrokenSides.ExistingSubscribers,
          'existing subscribers would reject events from upgraded publishers, which no longer send it',
          'keep publishing it (mark it deprecated in its description)');
      } else {
        report.compatible(p, 'optional field removed');
      }
    } else if (!(key in pa)) {
      if (rb.has(key)) {
        report.breaking(p, 'required field added', BrokenSides.ExistingPublishers,
          'existing publishers do not send it, so upgraded subscribers would reject their events',
          'add it as an optional field (subscribers must cope with its absence)');
      } else {
        report.compatible(p, 'optional field added');
      }
    } else {
      if (ra.has(key) && !rb.has(key)) {
        report.breaking(p, 'required field made optional', BrokenSides.ExistingSubscribers,
          'upgraded publishers may leave it out, and existing subscribers would reject those events',
          'keep it required');
      } else if (!ra.has(key) && rb.has(key)) {
        report.breaking(p, 'optional field made required', BrokenSides.ExistingPublishers,
          'existing publishers may leave it out, and upgraded subscribers would reject those events',
          'keep it optional and have publishers always send it');
      }
      compareSchema(asNode(pa[key]), asNode(pb[key]), p, report);
    }
  }
  if (a['patternProperties'] !== undefined || b['patternProperties'] !== undefined) compareMaps(a, b, path, report);
  else compareClosed(a, b, path, report);
}

/** `additionalProperties: false` makes even subscribers reject unknown properties. */
function compareClosed(a: Node, b: Node, path: string, report: Report): void {
  const va = a['additionalProperties'];
  const vb = b['additionalProperties'];
  if (equal(va, vb)) return;
  if (isNode(va) && isNode(vb)) {
    compareSchema(va, vb, `${path}{}`, report);
    return;
  }
  const closedA = va === false;
  const closedB = vb === false;
  const what = `additionalProperties changed from ${show(va)} to ${show(vb)}`;
  if (!closedA && closedB) {
    report.breaking(path, `${what} (closed: unknown properties now rejected)`, BrokenSides.Both,
      'existing publishers may send properties upgraded subscribers would reject, and closing the object stops any later optional field from reaching existing subscribers',
      'leave the object open; publishers already reject unknown properties');
  } else {
    report.breaking(path, `${what}`, CHANGED.side, CHANGED.breaks, KEEP_CONSTRAINT);
  }
}

// ---------------------------------------------------------------------------------------
// Versioning against the lock

/** Parsed `MAJOR.MINOR.PATCH`. */
export function parseVersion(version: string): readonly [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (m === null) throw new Error(`"${version}" is not a MAJOR.MINOR.PATCH version`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  for (let i = 0; i < 3; i++) if (va[i] !== vb[i]) return (va[i] as number) - (vb[i] as number);
  return 0;
}

export interface ReleaseCheck {
  readonly topic: string;
  /** The version in the lock; absent for a topic never released. */
  readonly released?: string;
  readonly current: string;
  readonly changes: readonly ContractChange[];
  /** Why the current contract may not replace the released one; empty when it may. */
  readonly problems: readonly string[];
}

/**
 * Whether the current contract may become the released one: FULL compatible, and the
 * version moved by at least what the changes need (minor for a field change, patch for
 * words only), never down, never a new major (a breaking change needs a new topic).
 */
export function checkRelease(released: ContractSnapshot | undefined, current: ContractSnapshot): ReleaseCheck {
  if (released === undefined) return { topic: current.topic, current: current.version, changes: [], problems: [] };
  const changes = diffContracts(released, current);
  const problems: string[] = changes.filter((c) => c.kind === ChangeKinds.Breaking).map(formatChange);
  const [maj, min, pat] = parseVersion(released.version);
  const [cmaj, cmin] = parseVersion(current.version);
  const cmp = compareVersions(current.version, released.version);
  const where = `${current.topic}: version ${current.version}`;
  if (cmp < 0) {
    problems.push(`${where} is lower than the released ${released.version}; versions never go down`);
  } else if (cmaj !== maj) {
    problems.push(
      `${where} changes the major version of the released ${released.version}; within a topic every change is compatible, ` +
        `so majors are never bumped: ${newTopic(current.topic)}`,
    );
  } else if (problems.length === 0) {
    const summary = (kind: ChangeKind): string =>
      changes.filter((c) => c.kind === kind).map((c) => `${c.path} ${c.change}`).slice(0, 3).join('; ');
    if (changes.some((c) => c.kind === ChangeKinds.Compatible) && cmin <= min) {
      problems.push(`${where}: compatible changes since the released ${released.version} (${summary(ChangeKinds.Compatible)}) need a minor bump: set version to ${maj}.${min + 1}.0`);
    } else if (changes.some((c) => c.kind === ChangeKinds.Documentation) && cmp === 0) {
      problems.push(`${where}: documentation changed since the released ${released.version} (${summary(ChangeKinds.Documentation)}); set version to ${maj}.${min}.${pat + 1}`);
    }
  }
  return { topic: current.topic, released: released.version, current: current.version, changes, problems };
}

// ---------------------------------------------------------------------------------------
// The lock file: the last released snapshot of every topic

const JsonSchemaValue = Type.Record(Type.String(), Type.Unknown());
const LockEntry = Type.Object(
  {
    type: Type.String({ minLength: 1 }),
    version: Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+$' }),
    description: Type.String(),
    envelope: Type.String({ minLength: 1 }),
    orderingKey: Type.Union([Type.String({ minLength: 1 }), Type.Null()]),
    attributeNames: Type.Array(Type.String()),
    schema: JsonSchemaValue,
  },
  { additionalProperties: false },
);
const Lock = Type.Object({ $comment: Type.Optional(Type.String()), topics: Type.Record(Type.String(), LockEntry) }, { additionalProperties: false });
export type CompatLock = Static<typeof Lock>;
const checkLock = TypeCompiler.Compile(Lock);

export const LOCK_COMMENT =
  'Generated by `npm run contracts:generate`; do not edit. The last released version of every topic\'s contract: ' +
  'the generator and the tests check every change against it (FULL compatibility, see contracts/README.md).';

/** Validates a parsed lock file; the error names the path that is wrong. */
export function readLock(data: unknown, source = 'compat-lock.json'): CompatLock {
  if (checkLock.Check(data)) return data;
  const problems = [...checkLock.Errors(data)].slice(0, 5).map((e) => `${e.path || '/'}: ${e.message}`);
  throw new Error(`${source} is not a valid compatibility lock: ${problems.join('; ')}`);
}

/** The lock that records these snapshots as released, topics in the given order. */
export function lockOf(snapshots: readonly ContractSnapshot[]): CompatLock {
  const topics: CompatLock['topics'] = {};
  for (const { topic, ...entry } of snapshots) topics[topic] = { ...entry, attributeNames: [...entry.attributeNames] };
  return { $comment: LOCK_COMMENT, topics };
}

export function lockedSnapshot(lock: CompatLock, topic: string): ContractSnapshot | undefined {
  const entry = lock.topics[topic];
  return entry === undefined ? undefined : { topic, ...entry, schema: entry.schema as JsonSchema };
}
