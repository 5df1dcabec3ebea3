import type { TSchema } from '@sinclair/typebox';
import type { AnyEventContract } from './contract.js';

/** A JSON value, as JSON.parse returns it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON Schema as plain data: no TypeBox symbols, safe to serialise, compare and store. */
export interface JsonSchema { [key: string]: JsonValue }

export const JSON_SCHEMA_DIALECT = 'http://json-schema.org/draft-07/schema#';

/**
 * The schema as plain JSON. TypeBox schemas already are JSON Schema; the round trip drops
 * the symbol keys ([Kind], [OptionalKind]) so two schemas compare equal exactly when they
 * validate alike, whether one came from TypeBox and the other from a file.
 */
export function plainSchema(schema: TSchema): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

/** A stable identifier for a topic's payload schema (a URN: nothing is served at it). */
export const schemaIdOf = (topic: string): string => `urn:commerce:events:${topic}`;

/**
 * A contract's payload as a standalone draft-07 JSON Schema document. It is the schema
 * subscribers validate with (unknown properties pass); publishers validate the same schema
 * with every object closed, unless the contract opts out (`strictPublish: false`).
 */
export function jsonSchemaOf(contract: AnyEventContract): JsonSchema {
  const { title: _title, description: _description, ...schema } = plainSchema(contract.schema);
  return {
    $schema: JSON_SCHEMA_DIALECT,
    $id: schemaIdOf(contract.topic),
    title: contract.type,
    description: contract.description,
    version: contract.version,
    ...schema,
  };
}
