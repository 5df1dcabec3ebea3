import type { TSchema } from '@sinclair/typebox';
import type { AnyEventContract } from './contract.js';

/**
 * The Avro schema the broker enforces for a contract.
 *
 * Pub/Sub decodes JSON-encoded Avro with Avro's JSON decoder, measured on the emulator:
 * every declared field must be present (defaults are not applied), unions must be wrapped
 * (`{"string": "x"}`), unknown enum symbols are rejected, and unknown fields are ignored.
 * Idiomatic JSON has no "absent" in that encoding, so the broker schema declares only
 * required fields and the kit's validator enforces the optional ones.
 *
 * Unknown fields are skipped safely only at the top level: inside a nested record the
 * decoder rejects an unknown field placed before a declared one, or one whose value is an
 * object or array (measured on the emulator). So a nested object is declared only when it
 * is closed: every property required, recursively. An open nested object (one with an
 * optional property) is left out of the broker schema and checked by the validator alone.
 */
export type AvroType =
  | 'string' | 'long' | 'double' | 'boolean'
  | string
  | { type: 'record'; name: string; doc?: string; fields: AvroField[] }
  | { type: 'enum'; name: string; symbols: string[] }
  | { type: 'array'; items: AvroType }
  | { type: 'map'; values: AvroType };
export interface AvroField { name: string; type: AvroType; doc?: string }

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function avroSchemaOf(contract: AnyEventContract): AvroType {
  const named = new Map<string, string>(); // name -> canonical JSON, to reuse identical definitions
  const pascal = (s: string): string => s.replace(/(^|[-_\s])([a-z0-9])/g, (_m, _p, c: string) => c.toUpperCase());

  const uniqueName = (wanted: string, definition: object): { name: string; seen: boolean } => {
    let name = wanted;
    for (let i = 2; ; i++) {
      const existing = named.get(name);
      const canonical = JSON.stringify({ ...definition, name: undefined });
      if (existing === undefined) {
        named.set(name, canonical);
        return { name, seen: false };
      }
      if (existing === canonical) return { name, seen: true };
      name = `${wanted}${i}`;
    }
  };

  const convert = (schema: TSchema, where: string, nameHint: string): AvroType => {
    const s = schema as Record<string, unknown>;
    const title = typeof s['title'] === 'string' ? (s['title'] as string) : undefined;
    if (s['const'] !== undefined) {
      if (typeof s['const'] === 'string') return 'string';
      throw new Error(`${contract.topic}${where}: only string literals can be expressed in the broker schema`);
    }
    if (Array.isArray(s['anyOf'])) {
      const options = s['anyOf'] as Record<string, unknown>[];
      const symbols = options.map((o) => o['const']);
      if (symbols.every((v): v is string => typeof v === 'string' && AVRO_NAME.test(v))) {
        const def = { type: 'enum' as const, symbols };
        const { name, seen } = uniqueName(title ?? nameHint, def);
        return seen ? name : { ...def, name };
      }
      throw new Error(
        `${contract.topic}${where}: a union can be expressed in the broker schema only as string literals ` +
          `matching ${AVRO_NAME} (an Avro enum); make the field optional or restructure it`,
      );
    }
    switch (s['type']) {
      case 'string':
        return 'string';
      case 'integer':
        return 'long';
      case 'number':
        return 'double';
      case 'boolean':
        return 'boolean';
      case 'array':
        return { type: 'array', items: convert(s['items'] as TSchema, `${where}[]`, `${nameHint}Item`) };
      case 'object': {
        const pattern = s['patternProperties'] as Record<string, TSchema> | undefined;
        if (pattern !== undefined && s['properties'] === undefined) {
          const [valueSchema] = Object.values(pattern);
          if (valueSchema === undefined) throw new Error(`${contract.topic}${where}: map without a value type`);
          return { type: 'map', values: convert(valueSchema, `${where}{}`, `${nameHint}Value`) };
        }
        const properties = (s['properties'] ?? {}) as Record<string, TSchema>;
        const required = new Set((s['required'] as string[] | undefined) ?? []);
        const fields: AvroField[] = [];
        for (const [key, value] of Object.entries(properties)) {
          if (!required.has(key)) continue;
          if (!isClosed(value)) continue; // validated by the kit only; see above
          if (!AVRO_NAME.test(key)) throw new Error(`${contract.topic}${where}/${key}: field names must match ${AVRO_NAME}`);
          const doc = (value as Record<string, unknown>)['description'];
          fields.push({ name: key, type: convert(value, `${where}/${key}`, `${title ?? nameHint}${pascal(key)}`), ...(typeof doc === 'string' ? { doc } : {}) });
        }
        const def = { type: 'record' as const, fields };
        const { name, seen } = uniqueName(title ?? nameHint, def);
        return seen ? name : { ...def, name };
      }
      default:
        throw new Error(`${contract.topic}${where}: schema type ${String(s['type'])} has no broker (Avro) equivalent`);
    }
  };

  const root = convert(contract.schema, '', contract.type);
  if (typeof root !== 'object' || root.type !== 'record') throw new Error(`${contract.topic}: the payload must be an object`);
  return { ...root, namespace: 'commerce.events', doc: `${contract.description} (contract v${contract.version})` } as AvroType;
}

/** True when every object in the schema lists all its properties as required. */
export function isClosed(schema: TSchema): boolean {
  const s = schema as Record<string, unknown>;
  if (s['type'] === 'array') return isClosed(s['items'] as TSchema);
  if (s['type'] === 'object') {
    const pattern = s['patternProperties'] as Record<string, TSchema> | undefined;
    if (pattern !== undefined && s['properties'] === undefined) return Object.values(pattern).every(isClosed);
    const properties = (s['properties'] ?? {}) as Record<string, TSchema>;
    const required = new Set((s['required'] as string[] | undefined) ?? []);
    return Object.entries(properties).every(([k, v]) => required.has(k) && isClosed(v));
  }
  return true;
}
