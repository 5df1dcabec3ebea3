import { readFileSync } from 'node:fs';
import { Type, type TObject } from '@sinclair/typebox';
import {
  BrokenSides, ChangeKinds, checkCompatibility, checkRelease, compareVersions, diffContracts, formatChange, lockOf,
  lockedSnapshot, nextTopicName, readLock, snapshotOf, type ContractSnapshot,
} from './compat.js';
import { plainSchema } from './json-schema.js';
import { contracts } from './registry.js';

const TOPIC = 'widget-made';

const snapshot = (schema: TObject, over: Partial<ContractSnapshot> = {}): ContractSnapshot => ({
  topic: TOPIC,
  type: 'WidgetMade',
  version: '1.0.0',
  description: 'A widget was made.',
  envelope: 'cloudevents',
  orderingKey: null,
  attributeNames: [],
  schema: plainSchema(schema),
  ...over,
});

const Base = Type.Object({
  widgetId: Type.String({ minLength: 1, description: 'The widget.' }),
  colour: Type.Union([Type.Literal('red'), Type.Literal('blue')], { title: 'Colour' }),
  weight: Type.Number({ minimum: 0 }),
  note: Type.Optional(Type.String()),
  parts: Type.Array(Type.Object({ sku: Type.String(), count: Type.Integer({ minimum: 1 }) }, { title: 'Part' }), { minItems: 1 }),
  metrics: Type.Record(Type.String(), Type.Number()),
});

/** The base schema with one property replaced, added (`schema`) or removed (`undefined`). */
function withProperty(key: string, schema: Parameters<typeof Type.Object>[0][string] | undefined): TObject {
  const properties: Record<string, Parameters<typeof Type.Object>[0][string]> = { ...Base.properties };
  if (schema === undefined) delete properties[key];
  else properties[key] = schema;
  return Type.Object(properties);
}

const diff = (after: TObject, over: Partial<ContractSnapshot> = {}) => diffContracts(snapshot(Base), snapshot(after, over));
const issues = (after: TObject, over: Partial<ContractSnapshot> = {}) => checkCompatibility(snapshot(Base), snapshot(after, over));

describe('checkCompatibility: compatible changes', () => {
  it('finds nothing when nothing changed', () => {
    expect(diff(Base)).toEqual([]);
  });

  it('allows adding an optional field', () => {
    const changes = diff(withProperty('comment', Type.Optional(Type.String())));
    expect(changes).toEqual([{ topic: TOPIC, path: '/comment', kind: ChangeKinds.Compatible, change: 'optional field added' }]);
  });

  it('allows adding an optional field inside an array item', () => {
    const after = withProperty('parts', Type.Array(
      Type.Object({ sku: Type.String(), count: Type.Integer({ minimum: 1 }), batch: Type.Optional(Type.String()) }, { title: 'Part' }),
      { minItems: 1 },
    ));
    expect(diff(after)).toEqual([{ topic: TOPIC, path: '/parts[]/batch', kind: ChangeKinds.Compatible, change: 'optional field added' }]);
  });

  it('allows removing an optional field', () => {
    expect(diff(withProperty('note', undefined))).toEqual([
      { topic: TOPIC, path: '/note', kind: ChangeKinds.Compatible, change: 'optional field removed' },
    ]);
  });

  it('classifies description and title edits as documentation', () => {
    const after = withProperty('widgetId', Type.String({ minLength: 1, description: 'The widget, by its serial.' }));
    expect(diff(after)).toEqual([{ topic: TOPIC, path: '/widgetId', kind: ChangeKinds.Documentation, change: 'description changed' }]);
    const renamed = withProperty('colour', Type.Union([Type.Literal('red'), Type.Literal('blue')], { title: 'WidgetColour' }));
    expect(diff(renamed)).toEqual([
      { topic: TOPIC, path: '/colour', kind: ChangeKinds.Documentation, change: 'title changed (also renames the Avro type)' },
    ]);
    expect(diff(Base, { description: 'A widget left the line.' })).toEqual([
      { topic: TOPIC, path: 'contract.description', kind: ChangeKinds.Documentation, change: 'event description changed' },
    ]);
  });

  it('allows adding an attribute and adding an ordering key where there was none', () => {
    expect(diff(Base, { attributeNames: ['colour'], orderingKey: 'widgetId' }).map((c) => [c.path, c.kind])).toEqual([
      ['contract.orderingKey', ChangeKinds.Compatible],
      ['contract.attributeNames', ChangeKinds.Compatible],
    ]);
  });

  it('ignores the order of enum values', () => {
    expect(diff(withProperty('colour', Type.Union([Type.Literal('blue'), Type.Literal('red')], { title: 'Colour' })))).toEqual([]);
  });
});

describe('checkCompatibility: breaking changes', () => {
  it('rejects removing a required field: existing subscribers would reject the events', () => {
    const [issue, ...rest] = issues(withProperty('weight', undefined));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ topic: TOPIC, path: '/weight', change: 'required field removed', side: BrokenSides.ExistingSubscribers });
    expect(issue?.breaks).toMatch(/existing subscribers would reject/);
    expect(issue?.instead).toMatch(/keep publishing it/);
    expect(issue?.instead).toMatch(/new topic \(e\.g\. widget-made-v2\) with both topics published during the migration/);
  });

  it('rejects adding a required field: existing publishers do not send it', () => {
    const [issue, ...rest] = issues(withProperty('batch', Type.String()));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ path: '/batch', change: 'required field added', side: BrokenSides.ExistingPublishers });
    expect(issue?.breaks).toMatch(/existing publishers do not send it/);
    expect(issue?.instead).toMatch(/add it as an optional field/);
  });

  it('rejects making an optional field required, and a required field optional', () => {
    expect(issues(withProperty('note', Type.String()))).toMatchObject([
      { path: '/note', change: 'optional field made required', side: BrokenSides.ExistingPublishers },
    ]);
    expect(issues(withProperty('weight', Type.Optional(Type.Number({ minimum: 0 }))))).toMatchObject([
      { path: '/weight', change: 'required field made optional', side: BrokenSides.ExistingSubscribers },
    ]);
  });

  it('rejects changing a field\'s type, at any depth', () => {
    expect(issues(withProperty('weight', Type.String()))).toMatchObject([
      { path: '/weight', change: 'type changed from number to string', side: BrokenSides.Both },
    ]);
    expect(issues(withProperty('weight', Type.Integer({ minimum: 0 })))).toMatchObject([
      { path: '/weight', change: 'type changed from number to integer' },
    ]);
    const nested = withProperty('parts', Type.Array(Type.Object({ sku: Type.String(), count: Type.String() }, { title: 'Part' }), { minItems: 1 }));
    expect(issues(nested)).toMatchObject([{ path: '/parts[]/count', change: 'type changed from integer to string' }]);
    expect(issues(withProperty('metrics', Type.Record(Type.String(), Type.String())))).toMatchObject([
      { path: '/metrics{}', change: 'type changed from number to string' },
    ]);
    expect(issues(withProperty('metrics', Type.Object({ auc: Type.Number() })))).toMatchObject([
      { path: '/metrics', change: 'type changed from map to object' },
    ]);
  });

  it('rejects adding an enum value: existing subscribers would reject it', () => {
    const after = withProperty('colour', Type.Union([Type.Literal('red'), Type.Literal('blue'), Type.Literal('green')], { title: 'Colour' }));
    expect(issues(after)).toMatchObject([{ path: '/colour', change: 'enum value "green" added', side: BrokenSides.ExistingSubscribers }]);
    expect(issues(after)[0]?.breaks).toMatch(/existing subscribers would reject events carrying "green"/);
  });

  it('rejects removing an enum value: existing publishers may still send it', () => {
    const after = withProperty('colour', Type.Union([Type.Literal('red')], { title: 'Colour' }));
    expect(issues(after)).toMatchObject([{ path: '/colour', change: 'enum value "blue" removed', side: BrokenSides.ExistingPublishers }]);
  });

  it('rejects changing a constant, and turning a string into an enum or back', () => {
    const kind = (v: string) => Type.Object({ ...Base.properties, kind: Type.Literal(v) });
    expect(checkCompatibility(snapshot(kind('widget#v1')), snapshot(kind('widget#v2'))).map((i) => i.change)).toEqual([
      'enum value "widget#v2" added',
      'enum value "widget#v1" removed',
    ]);
    expect(issues(withProperty('colour', Type.String()))).toMatchObject([
      { path: '/colour', change: 'restriction to "red", "blue" removed', side: BrokenSides.ExistingSubscribers },
    ]);
    const restricted = withProperty('widgetId', Type.Union([Type.Literal('w-1')], { description: 'The widget.' }));
    expect(issues(restricted).map((i) => [i.change, i.side])).toContainEqual(['restricted to "w-1"', BrokenSides.ExistingPublishers]);
  });

  const constraintCases: [string, TObject, string, string][] = [
    ['raising minLength', withProperty('widgetId', Type.String({ minLength: 2, description: 'The widget.' })), 'minLength changed from 1 to 2 (tightened)', BrokenSides.ExistingPublishers],
    ['lowering minLength', withProperty('widgetId', Type.String({ minLength: 0, description: 'The widget.' })), 'minLength changed from 1 to 0 (loosened)', BrokenSides.ExistingSubscribers],
    ['dropping minLength', withProperty('widgetId', Type.String({ description: 'The widget.' })), 'minLength 1 removed (loosened)', BrokenSides.ExistingSubscribers],
    ['adding maxLength', withProperty('widgetId', Type.String({ minLength: 1, maxLength: 64, description: 'The widget.' })), 'maxLength 64 added (tightened)', BrokenSides.ExistingPublishers],
    ['adding a maximum', withProperty('weight', Type.Number({ minimum: 0, maximum: 100 })), 'maximum 100 added (tightened)', BrokenSides.ExistingPublishers],
    ['raising the minimum', withProperty('weight', Type.Number({ minimum: 1 })), 'minimum changed from 0 to 1 (tightened)', BrokenSides.ExistingPublishers],
    ['adding a pattern', withProperty('widgetId', Type.String({ minLength: 1, pattern: '^w-', description: 'The widget.' })), 'pattern "^w-" added (tightened)', BrokenSides.ExistingPublishers],
    ['adding a format', withProperty('widgetId', Type.String({ minLength: 1, format: 'uuid', description: 'The widget.' })), 'format "uuid" added (tightened)', BrokenSides.ExistingPublishers],
    ['raising minItems', withProperty('parts', Type.Array(Type.Object({ sku: Type.String(), count: Type.Integer({ minimum: 1 }) }, { title: 'Part' }), { minItems: 2 })), 'minItems changed from 1 to 2 (tightened)', BrokenSides.ExistingPublishers],
    ['loosening an item constraint', withProperty('parts', Type.Array(Type.Object({ sku: Type.String(), count: Type.Integer({ minimum: 0 }) }, { title: 'Part' }), { minItems: 1 })), 'minimum changed from 1 to 0 (loosened)', BrokenSides.ExistingSubscribers],
  ];

  it.each(constraintCases)('rejects %s and says which side breaks', (_name, after, change, side) => {
    const found = issues(after);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ change, side });
    expect(found[0]?.breaks).toMatch(side === BrokenSides.ExistingPublishers ? /existing publishers may send values/ : /existing subscribers would reject/);
  });

  it('rejects changing a pattern or format as breaking both sides', () => {
    const before = Type.Object({ code: Type.String({ pattern: '^[A-Z]{3}$', format: 'date-time' }) });
    const after = Type.Object({ code: Type.String({ pattern: '^[A-Z]{2}$', format: 'date' }) });
    expect(checkCompatibility(snapshot(before), snapshot(after)).map((i) => [i.path, i.side])).toEqual([
      ['/code', BrokenSides.Both],
      ['/code', BrokenSides.Both],
    ]);
  });

  it('rejects closing an object, which would make subscribers reject unknown fields', () => {
    const closed = Type.Object(Base.properties, { additionalProperties: false });
    expect(issues(closed)).toMatchObject([{ path: '/', side: BrokenSides.Both }]);
  });

  it('treats a keyword it does not model as breaking rather than ignoring it', () => {
    const before = Type.Object({ tags: Type.Array(Type.String()) });
    const after = Type.Object({ tags: Type.Array(Type.String(), { contains: Type.Literal('x') }) });
    expect(checkCompatibility(snapshot(before), snapshot(after))).toMatchObject([{ path: '/tags', side: BrokenSides.Both }]);
  });

  it('rejects changing the envelope, the event type, or the ordering key', () => {
    expect(issues(Base, { envelope: 'gcs-notification' })).toMatchObject([
      { path: 'contract.envelope', change: 'envelope changed from cloudevents to gcs-notification', side: BrokenSides.Both },
    ]);
    expect(issues(Base, { type: 'WidgetBuilt' })).toMatchObject([{ path: 'contract.type', side: BrokenSides.Both }]);
    const ordered = snapshot(Base, { orderingKey: 'widgetId' });
    expect(checkCompatibility(ordered, snapshot(Base, { orderingKey: 'colour' }))).toMatchObject([
      { path: 'contract.orderingKey', change: 'ordering key changed from widgetId to colour', side: BrokenSides.ExistingSubscribers },
    ]);
    expect(checkCompatibility(ordered, snapshot(Base))).toMatchObject([{ path: 'contract.orderingKey', change: 'ordering key widgetId removed' }]);
  });

  it('rejects no longer setting an attribute that subscription filters may use', () => {
    const before = snapshot(Base, { attributeNames: ['colour'] });
    expect(checkCompatibility(before, snapshot(Base))).toMatchObject([
      { path: 'contract.attributeNames', change: 'attribute colour no longer set', side: BrokenSides.ExistingSubscribers },
    ]);
  });

  it('formats an issue with the topic, the path, who breaks and what to do instead', () => {
    const [issue] = issues(withProperty('weight', undefined));
    expect(formatChange(issue!)).toBe(
      'widget-made /weight: required field removed - BREAKING for existing subscribers: existing subscribers would reject events from ' +
        'upgraded publishers, which no longer send it. Instead: keep publishing it (mark it deprecated in its description); or a ' +
        'breaking change needs a new topic (e.g. widget-made-v2) with both topics published during the migration, and widget-made ' +
        'retired once every subscriber has moved.',
    );
  });

  it('refuses to compare different topics', () => {
    expect(() => diffContracts(snapshot(Base), snapshot(Base, { topic: 'other-topic' }))).toThrow(/different topics/);
  });
});

describe('nextTopicName', () => {
  it('suggests the next versioned topic', () => {
    expect(nextTopicName('order-placed')).toBe('order-placed-v2');
    expect(nextTopicName('order-placed-v2')).toBe('order-placed-v3');
  });
});

describe('checkRelease: versioning against the lock', () => {
  const released = snapshot(Base);
  const compatible = withProperty('comment', Type.Optional(Type.String()));
  const reworded = withProperty('widgetId', Type.String({ minLength: 1, description: 'The widget, by its serial.' }));

  it('accepts a topic that was never released, at any version', () => {
    expect(checkRelease(undefined, snapshot(Base, { version: '3.2.1' })).problems).toEqual([]);
  });

  it('accepts an unchanged contract at the released version', () => {
    expect(checkRelease(released, snapshot(Base)).problems).toEqual([]);
  });

  it('requires a minor bump for a compatible field change', () => {
    const [problem, ...rest] = checkRelease(released, snapshot(compatible)).problems;
    expect(rest).toEqual([]);
    expect(problem).toMatch(/widget-made: version 1\.0\.0: compatible changes .*\/comment optional field added.* need a minor bump: set version to 1\.1\.0/);
    expect(checkRelease(released, snapshot(compatible, { version: '1.0.1' })).problems).toHaveLength(1);
    expect(checkRelease(released, snapshot(compatible, { version: '1.1.0' })).problems).toEqual([]);
  });

  it('requires at least a patch bump for a documentation change', () => {
    expect(checkRelease(released, snapshot(reworded)).problems).toEqual([
      expect.stringMatching(/documentation changed .*set version to 1\.0\.1/),
    ]);
    expect(checkRelease(released, snapshot(reworded, { version: '1.0.1' })).problems).toEqual([]);
    expect(checkRelease(released, snapshot(reworded, { version: '1.1.0' })).problems).toEqual([]);
  });

  it('accepts a version bump without a schema change', () => {
    expect(checkRelease(released, snapshot(Base, { version: '1.0.1' })).problems).toEqual([]);
  });

  it('never lets the version go down', () => {
    const newer = snapshot(Base, { version: '1.2.0' });
    expect(checkRelease(newer, snapshot(Base, { version: '1.1.9' })).problems).toEqual([
      expect.stringMatching(/1\.1\.9 is lower than the released 1\.2\.0; versions never go down/),
    ]);
  });

  it('rejects a breaking change whatever the version says, and never bumps the major', () => {
    const breaking = withProperty('weight', undefined);
    const problems = checkRelease(released, snapshot(breaking, { version: '2.0.0' })).problems;
    expect(problems).toEqual([
      expect.stringMatching(/^widget-made \/weight: required field removed - BREAKING/),
      expect.stringMatching(/changes the major version .* new topic \(e\.g\. widget-made-v2\)/),
    ]);
    expect(checkRelease(released, snapshot(Base, { version: '2.0.0' })).problems).toHaveLength(1);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBeGreaterThan(0);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(() => compareVersions('1.0', '1.0.0')).toThrow(/MAJOR\.MINOR\.PATCH/);
  });
});

describe('the lock file', () => {
  it('round-trips snapshots', () => {
    const s = snapshot(Base, { orderingKey: 'widgetId', attributeNames: ['colour'] });
    const lock = readLock(JSON.parse(JSON.stringify(lockOf([s]))));
    expect(lockedSnapshot(lock, TOPIC)).toEqual(s);
    expect(lockedSnapshot(lock, 'absent-topic')).toBeUndefined();
  });

  it('rejects a malformed lock, naming the path', () => {
    expect(() => readLock({ topics: { [TOPIC]: { version: 'one' } } }, 'test-lock.json')).toThrow(/test-lock\.json is not a valid compatibility lock: \/topics\/widget-made/);
  });
});

describe('the current contracts against contracts/compat-lock.json', () => {
  const lock = readLock(JSON.parse(readFileSync(new URL('../compat-lock.json', import.meta.url), 'utf8')));

  it.each(contracts.map((c) => [c.topic, c] as const))('%s is released: compatible, versioned and recorded (else run `npm run contracts:generate`)', (_topic, c) => {
    const current = snapshotOf(c);
    expect(checkRelease(lockedSnapshot(lock, c.topic), current).problems).toEqual([]);
    expect(lockedSnapshot(lock, c.topic)).toEqual(current);
  });

  it('lists no topic without a contract', () => {
    expect(Object.keys(lock.topics).sort()).toEqual(contracts.map((c) => c.topic).sort());
  });
});
