import { Type, type TSchema } from '@sinclair/typebox';
import { avroSchemaOf, isClosed, type AvroType } from './avro.js';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { closeObjects, unknownKeysCheck, type AnyEventContract } from './contract.js';
import { ContractViolationError, type ContractIssue } from './errors.js';
import { jsonSchemaOf } from './json-schema.js';
import { contractFor, contracts } from './registry.js';

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const each = contracts.map((c) => [c.topic, c] as const);

/** A deep copy of the example, as an object the test may break. */
const exampleOf = (c: AnyEventContract): Record<string, unknown> => structuredClone(c.example) as Record<string, unknown>;
const propertiesOf = (c: AnyEventContract): Record<string, TSchema> => c.schema.properties as Record<string, TSchema>;
const requiredOf = (c: AnyEventContract): string[] => (c.schema.required as string[] | undefined) ?? [];

/** The issues `parse` reports, or [] when it accepts the data. */
function parseIssues(c: AnyEventContract, data: unknown): readonly ContractIssue[] {
  try {
    c.parse(data);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(ContractViolationError);
    return (err as ContractViolationError).issues;
  }
}

/** A value of the wrong JSON type for a schema. */
function wrongValueFor(schema: TSchema): unknown {
  const s = schema as Record<string, unknown>;
  return s['type'] === 'string' || s['anyOf'] !== undefined || typeof s['const'] === 'string' ? 42 : 'not-the-right-type';
}

describe('the registry', () => {
  it('has unique topics and event types', () => {
    expect(new Set(contracts.map((c) => c.topic)).size).toBe(contracts.length);
    expect(new Set(contracts.map((c) => c.type)).size).toBe(contracts.length);
  });

  it.each(each)('contractFor(%s) returns its contract', (topic, c) => {
    expect(contractFor(topic)).toBe(c);
  });

  it('contractFor throws for an unknown topic, listing the known ones', () => {
    expect(() => contractFor('nope')).toThrow(/^no contract for topic "nope"; known topics: /);
    let message = '';
    try {
      contractFor('nope');
    } catch (err) {
      message = (err as Error).message;
    }
    for (const c of contracts) expect(message).toContain(c.topic);
  });
});

describe.each(each)('%s', (_topic, c) => {
  const required = requiredOf(c);
  const first = required[0] as string;

  it('has a required field to mutate', () => {
    expect(required.length).toBeGreaterThan(0);
  });

  it('example passes strict publish validation and lenient parsing', () => {
    expect(c.publishIssues(c.example)).toEqual([]);
    expect(() => c.assertPublishable(c.example)).not.toThrow();
    expect(c.parse(c.example)).toEqual(c.example);
  });

  it('a field of the wrong type is reported at its path, by both sides', () => {
    const data = exampleOf(c);
    data[first] = wrongValueFor(propertiesOf(c)[first] as TSchema);
    expect(c.publishIssues(data).map((i) => i.path)).toContain(`/${first}`);
    expect(parseIssues(c, data).map((i) => i.path)).toContain(`/${first}`);
  });

  it('a missing required field is reported at its path, by both sides', () => {
    const data = exampleOf(c);
    delete data[first];
    expect(c.publishIssues(data)).toContainEqual({ path: `/${first}`, message: 'Expected required property', found: 'nothing' });
    expect(parseIssues(c, data).map((i) => i.path)).toContain(`/${first}`);
    expect(() => c.assertPublishable(data)).toThrow(new RegExp(`${c.type} \\(topic ${c.topic}, contract v${c.version.replace(/\./g, '\\.')}\\) has invalid data: /${first}`));
  });

  it('an unknown field passes subscribers, and publishers reject it unless the contract is lenient', () => {
    const data = { ...exampleOf(c), unexpectedField: 'surprise' };
    expect(parseIssues(c, data)).toEqual([]);
    if (c.strictPublish === false) {
      expect(c.publishIssues(data)).toEqual([]);
    } else {
      expect(c.publishIssues(data)).toEqual([{ path: '/unexpectedField', message: 'Unexpected property', found: '"surprise"' }]);
    }
  });

  it('finds an unknown key at any depth exactly as the strict TypeBox check does', () => {
    const strict = TypeCompiler.Compile(closeObjects(c.schema));
    const lenient = TypeCompiler.Compile(c.schema);
    const walk = unknownKeysCheck(c.schema);
    const fast = (v: unknown): boolean => lenient.Check(v) && walk(v);
    // Every object in the example, at any depth, in turn gets a key the contract does not declare.
    const objectPaths: Array<Array<string | number>> = [];
    const collect = (v: unknown, path: Array<string | number>): void => {
      if (Array.isArray(v)) v.forEach((x, i) => collect(x, [...path, i]));
      else if (v !== null && typeof v === 'object') {
        objectPaths.push(path);
        for (const [k, x] of Object.entries(v)) collect(x, [...path, k]);
      }
    };
    collect(c.example, []);
    expect(fast(c.example)).toBe(true);
    for (const path of objectPaths) {
      const data = exampleOf(c);
      const target = path.reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, data);
      target['notInTheContract'] = 'x';
      expect({ path, fast: fast(data) }).toEqual({ path, fast: strict.Check(data) });
      expect(c.publishIssues(data).length === 0).toBe(c.strictPublish === false || strict.Check(data));
    }
  });

  it('publishes its ordering key from the field it names', () => {
    if (c.orderingKey === undefined) return;
    expect(required).toContain(c.orderingKey.field);
    const value = exampleOf(c)[c.orderingKey.field];
    expect(typeof value).toBe('string');
    expect(c.orderingKey.of(c.example)).toBe(value);
  });

  it('sets exactly the attributes it declares, as non-empty strings', () => {
    const attributes = c.attributes?.(c.example) ?? {};
    expect(Object.keys(attributes).sort()).toEqual([...(c.attributeNames ?? [])].sort());
    for (const value of Object.values(attributes)) expect(value).toMatch(/.+/);
  });

  it('converts to an Avro record that declares exactly the required, closed top-level fields', () => {
    const avro = avroSchemaOf(c);
    expect(avro).toMatchObject({ type: 'record', name: c.type, namespace: 'commerce.events' });
    const expected = required.filter((k) => isClosed(propertiesOf(c)[k] as TSchema));
    const fields = (avro as { fields: { name: string }[] }).fields.map((f) => f.name);
    expect(fields).toEqual(expected);
    expect(fields).toContain(first);
  });

  it('uses only valid Avro names, each named type defined once before it is referenced', () => {
    const defined = new Set<string>();
    const problems: string[] = [];
    const walk = (t: AvroType, where: string): void => {
      if (typeof t === 'string') {
        if (!['string', 'long', 'double', 'boolean'].includes(t) && !defined.has(t)) problems.push(`${where}: reference to undefined type ${t}`);
        return;
      }
      switch (t.type) {
        case 'record': {
          if (!AVRO_NAME.test(t.name)) problems.push(`${where}: record name ${t.name}`);
          if (defined.has(t.name)) problems.push(`${where}: record ${t.name} defined twice`);
          defined.add(t.name);
          const names = t.fields.map((f) => f.name);
          if (new Set(names).size !== names.length) problems.push(`${where}: duplicate field names`);
          for (const f of t.fields) {
            if (!AVRO_NAME.test(f.name)) problems.push(`${where}/${f.name}: field name`);
            walk(f.type, `${where}/${f.name}`);
          }
          return;
        }
        case 'enum':
          if (!AVRO_NAME.test(t.name)) problems.push(`${where}: enum name ${t.name}`);
          if (defined.has(t.name)) problems.push(`${where}: enum ${t.name} defined twice`);
          defined.add(t.name);
          for (const s of t.symbols) if (!AVRO_NAME.test(s)) problems.push(`${where}: enum symbol ${s}`);
          if (new Set(t.symbols).size !== t.symbols.length) problems.push(`${where}: duplicate enum symbols`);
          return;
        case 'array':
          walk(t.items, `${where}[]`);
          return;
        case 'map':
          walk(t.values, `${where}{}`);
          return;
      }
    };
    walk(avroSchemaOf(c), '');
    expect(problems).toEqual([]);
    expect(defined.size).toBeGreaterThan(0);
  });

  it('exports a standalone JSON Schema with its identity and version', () => {
    const schema = jsonSchemaOf(c);
    expect(schema).toMatchObject({ $id: `urn:commerce:events:${c.topic}`, title: c.type, version: c.version, type: 'object', required });
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});

describe('field paths in issues', () => {
  const OrderPlaced = contractFor('order-placed');

  it('name nested fields and array items', () => {
    const data = exampleOf(OrderPlaced) as { items: { quantity: unknown }[]; total: Record<string, unknown> };
    (data.items[1] as { quantity: unknown }).quantity = '1';
    data.total['cents'] = 5;
    const paths = OrderPlaced.publishIssues(data).map((i) => i.path);
    expect(paths).toContain('/items/1/quantity');
    expect(paths).toContain('/total/cents');
    expect(parseIssues(OrderPlaced, data).map((i) => i.path)).toEqual(['/items/1/quantity']);
  });

  it('check formats and patterns, not only types', () => {
    const data = { ...exampleOf(OrderPlaced), placedAt: 'yesterday', total: { value: 100, currency: 'kr' } };
    expect(OrderPlaced.publishIssues(data).map((i) => i.path).sort()).toEqual(['/placedAt', '/total/currency']);
  });

  it('accept an RFC 3339 date-time only for a real calendar day and time', () => {
    const placedAt = (v: string): string[] => OrderPlaced.publishIssues({ ...exampleOf(OrderPlaced), placedAt: v }).map((i) => i.path);
    for (const ok of ['2024-02-29T23:59:59Z', '2026-11-22T07:30:00.123456789+01:00', '2026-12-31t00:00:00z']) expect(placedAt(ok)).toEqual([]);
    // Date.parse lets the first three through; consumers would read another day than was meant.
    for (const bad of ['2026-02-30T00:00:00Z', '2025-02-29T12:00:00Z', '2026-04-31T00:00:00Z', '2026-01-01T24:00:00Z', '2026-13-01T00:00:00Z', '2026-11-22 07:30:00Z', '2026-11-22T07:30:00']) {
      expect(placedAt(bad)).toEqual(['/placedAt']);
    }
  });

  it('reject an enum value the contract does not list', () => {
    const data = { ...exampleOf(OrderPlaced), channel: 'fax' };
    expect(OrderPlaced.publishIssues(data).map((i) => i.path)).toContain('/channel');
  });
});

describe('the generated unknown-keys check, on schema shapes no contract uses yet', () => {
  // Unions of closed objects, records (patternProperties) of closed objects and arrays of arrays:
  // each must agree with TypeBox's strict check, which is what publishers are promised.
  const Closed = Type.Object({ a: Type.String(), b: Type.Optional(Type.Number()) });
  const schema = Type.Object({
    kind: Type.Union([Type.Object({ tag: Type.Literal('x'), x: Type.Number() }), Type.Object({ tag: Type.Literal('y'), y: Type.String() })]),
    byName: Type.Record(Type.String(), Closed),
    grid: Type.Array(Type.Array(Closed)),
    open: Type.Object({ inner: Closed }, { additionalProperties: true }),
    'odd "key"': Type.Optional(Closed),
  });
  const strict = TypeCompiler.Compile(closeObjects(schema));
  const walk = unknownKeysCheck(schema);
  type Obj = Record<string, unknown>;
  /** The object at a path in the value, for a case to add a key to. */
  const at = (v: Obj, ...path: Array<string | number>): Obj => path.reduce<Obj>((o, k) => o[k] as Obj, v);
  const valid = (): Obj => ({
    kind: { tag: 'y', y: 'why' },
    byName: { first: { a: '1' }, second: { a: '2', b: 2 } },
    grid: [[{ a: 'r0c0' }], [], [{ a: 'r2c0', b: 1 }, { a: 'r2c1' }]],
    open: { inner: { a: 'in' }, extra: 'allowed here' },
    'odd "key"': { a: 'quoted' },
  });
  const cases: Array<[string, (v: Obj) => void]> = [
    ['the valid value itself', () => undefined],
    ['an unknown key at the top', (v) => (v['surprise'] = 1)],
    ['an unknown key in a union branch', (v) => (at(v, 'kind')['extra'] = 1)],
    ['an unknown key in a record value', (v) => (at(v, 'byName', 'second')['c'] = 1)],
    ['a new record key (allowed)', (v) => (at(v, 'byName')['third'] = { a: '3' })],
    ['an unknown key in an array of arrays', (v) => (at(v, 'grid', 2, 1)['c'] = 1)],
    ['an unknown key where the schema is open', (v) => (at(v, 'open')['more'] = 1)],
    ['an unknown key inside the open object', (v) => (at(v, 'open', 'inner')['c'] = 1)],
    ['an unknown key under a quoted name', (v) => (at(v, 'odd "key"')['c'] = 1)],
  ];
  it.each(cases)('%s', (_name, change) => {
    const value = valid();
    change(value);
    expect(TypeCompiler.Compile(schema).Check(value)).toBe(true);
    expect(walk(value)).toBe(strict.Check(value));
  });
});
