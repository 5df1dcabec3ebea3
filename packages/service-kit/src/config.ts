import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Defaults } from '@commerce/event-kit';

/** Settings every service reads from its environment. */
export const BaseConfig = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'HTTP port for health, readiness and metrics.' }),
  HOST: Type.String({ default: '0.0.0.0' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { default: 'info' }),
  /** Pretty logs for people; `auto` means only when stdout is a terminal. */
  LOG_FORMAT: Type.Union([Type.Literal('json'), Type.Literal('pretty'), Type.Literal('auto')], { default: 'auto' }),
  GOOGLE_CLOUD_PROJECT: Type.String({ minLength: 1, description: 'Project id (any name works on the emulator, e.g. local).' }),
  PUBSUB_EMULATOR_HOST: Type.Optional(Type.String({ pattern: '^[^:]+:\\d+$', description: 'host:port of the Pub/Sub emulator.' })),
  MAX_IN_FLIGHT: Type.Integer({ minimum: 1, maximum: 10_000, default: 100, description: 'Messages handled at once per subscription.' }),
  SUBSCRIBER_STREAMS: Type.Integer({ minimum: 1, maximum: 32, default: Defaults.subscriberStreams, description: 'Streaming-pull streams per subscription.' }),
  SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 20_000 }),
  STALL_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 300_000, description: 'A subscription idle this long reopens its streaming pull (stalled-stream watchdog).' }),
  PUBLISH_BATCH_MAX_MESSAGES: Type.Integer({ minimum: 1, maximum: 1000, default: 1000 }),
  PUBLISH_BATCH_MAX_MS: Type.Integer({ minimum: 0, default: 10, description: 'Longest an event waits for company in a publish batch (topics without ordering keys).' }),
  PUBLISH_ORDERED_BATCH_MAX_MS: Type.Integer({
    minimum: 0,
    default: Defaults.orderedBatchMaxMs,
    description: 'The same for topics with ordering keys, which the client batches per key: any wait there is latency only.',
  }),
});
export type BaseConfig = Static<typeof BaseConfig>;

/** A service's config schema: the base settings plus its own. */
export function serviceConfig<P extends TProperties>(own: P) {
  return Type.Composite([BaseConfig, Type.Object(own)]);
}

/** Configuration is wrong; the message lists every bad variable and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}

/**
 * Reads the environment into a typed config: applies defaults, converts strings to
 * numbers and booleans, and fails with every problem at once. Unknown variables are ignored.
 */
export function loadConfig<T extends TObject>(schema: T, env: Record<string, string | undefined> = process.env, service = 'service'): Static<T> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  // Cloud Run sets GOOGLE_CLOUD_PROJECT; the Pub/Sub tools use PUBSUB_PROJECT_ID. Accept either.
  if (raw['GOOGLE_CLOUD_PROJECT'] === undefined && env['PUBSUB_PROJECT_ID']) raw['GOOGLE_CLOUD_PROJECT'] = env['PUBSUB_PROJECT_ID'];
  const value = Value.Convert(schema, Value.Default(schema, raw));
  if (Value.Check(schema, value)) return value as Static<T>;
  const problems = [...Value.Errors(schema, value)].map((e) => {
    const name = e.path.replace(/^\//, '') || '(root)';
    const found = (raw as Record<string, unknown>)[name];
    return `  ${name}: ${e.message}${found === undefined ? ' (not set)' : ` (got ${JSON.stringify(found)})`}${describe(schema, name)}`;
  });
  throw new ConfigError(`${service} cannot start, its configuration is invalid:\n${[...new Set(problems)].join('\n')}\nSet these environment variables and start it again.`);
}

function describe(schema: TObject, name: string): string {
  const d = (schema.properties[name] as { description?: string } | undefined)?.description;
  return d ? ` - ${d}` : '';
}
