import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { contractFor, type AnyEventContract } from '@commerce/contracts';
import { parse as parseYaml } from 'yaml';
import { durationSeconds } from './duration.js';

const Duration = Type.String({ pattern: '^\\d+(s|m|h|d)$' });
const Environment = Type.Union([Type.Literal('local'), Type.Literal('cloud')]);
const SubscriptionSettings = Type.Object(
  {
    ackDeadline: Type.Optional(Duration),
    messageRetention: Type.Optional(Duration),
    retainAckedMessages: Type.Optional(Type.Boolean()),
    retryPolicy: Type.Optional(Type.Object({ minimumBackoff: Duration, maximumBackoff: Duration }, { additionalProperties: false })),
    maxDeliveryAttempts: Type.Optional(Type.Integer({ minimum: 5, maximum: 100 })),
    ordering: Type.Optional(Type.Boolean()),
    filter: Type.Optional(Type.String({ minLength: 1 })),
    environments: Type.Optional(Type.Array(Environment)),
  },
  { additionalProperties: false },
);
const TopologyFile = Type.Object(
  {
    defaults: Type.Object(
      {
        topic: Type.Object({ messageRetention: Duration }, { additionalProperties: false }),
        subscription: Type.Object(
          {
            ackDeadline: Duration,
            messageRetention: Duration,
            retainAckedMessages: Type.Boolean(),
            retryPolicy: Type.Object({ minimumBackoff: Duration, maximumBackoff: Duration }, { additionalProperties: false }),
            maxDeliveryAttempts: Type.Integer({ minimum: 5, maximum: 100 }),
          },
          { additionalProperties: false },
        ),
        deadLetter: Type.Object({ messageRetention: Duration }, { additionalProperties: false }),
      },
      { additionalProperties: false },
    ),
    topics: Type.Record(
      Type.String({ pattern: '^[a-z][a-z0-9-]{2,}$' }),
      Type.Object(
        {
          publishers: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
          messageRetention: Type.Optional(Duration),
          subscriptions: Type.Record(Type.String({ pattern: '^[a-z][a-z0-9-]*$' }), SubscriptionSettings),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type TopologyFile = Static<typeof TopologyFile>;
export type TopologyEnvironment = Static<typeof Environment>;

/** A topic as it must exist in Pub/Sub. */
export interface TopicPlan {
  readonly name: string;
  /** The contract whose Avro schema is registered on the topic; absent for dead-letter topics. */
  readonly contract?: AnyEventContract;
  readonly messageRetentionSeconds: number;
  readonly publishers: readonly string[];
  /** For a dead-letter topic: the subscription whose failures it receives. */
  readonly deadLetterFor?: string;
}

/** A subscription as it must exist in Pub/Sub. */
export interface SubscriptionPlan {
  readonly name: string;
  readonly topic: string;
  readonly consumer: string;
  readonly ackDeadlineSeconds: number;
  readonly messageRetentionSeconds: number;
  readonly retainAckedMessages: boolean;
  readonly ordering: boolean;
  readonly filter: string;
  /** Absent for the subscriptions on dead-letter topics, whose messages must never move again. */
  readonly deadLetter?: { readonly topic: string; readonly maxDeliveryAttempts: number };
  readonly retryPolicy?: { readonly minimumBackoffSeconds: number; readonly maximumBackoffSeconds: number };
}

export interface TopologyPlan {
  readonly environment: TopologyEnvironment;
  readonly topics: readonly TopicPlan[];
  readonly subscriptions: readonly SubscriptionPlan[];
}

export const DEAD_LETTER_SUFFIX = '.dlq';
export const DEAD_LETTER_CONSUMER = 'ops';

/** `<topic>.<consumer>`: named for what the consumer does with the topic. */
export const subscriptionName = (topic: string, consumer: string): string => `${topic}.${consumer}`;
/** The dead-letter topic of a consuming subscription. */
export const deadLetterTopicName = (subscription: string): string => `${subscription}${DEAD_LETTER_SUFFIX}`;
/** The subscription that keeps a dead-letter topic's messages for inspection and redrive. */
export const deadLetterSubscriptionName = (subscription: string): string =>
  subscriptionName(deadLetterTopicName(subscription), DEAD_LETTER_CONSUMER);

/** Where the topology lives in this repository. */
export const defaultTopologyPath = (): string =>
  resolve(dirname(fileURLToPath(import.meta.url)), '../../../infra/topology.yaml');

const checkFile = TypeCompiler.Compile(TopologyFile);

/** Reads and validates the YAML; errors name the file, the path and the rule. */
export function readTopologyFile(path = defaultTopologyPath()): TopologyFile {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'));
  } catch (err) {
    // The parser's message says where the syntax breaks but not in which file.
    if ((err as { name?: string }).name !== 'YAMLParseError') throw err;
    throw new Error(`${path} is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  if (!checkFile.Check(raw)) {
    const problems = [...checkFile.Errors(raw)].slice(0, 8).map((e) => `  ${e.path || '/'}: ${e.message}`);
    throw new Error(`${path} is not a valid topology:\n${problems.join('\n')}`);
  }
  return raw;
}

/**
 * Resolves defaults and naming conventions into the exact resources for one environment.
 * Throws when a topic has no contract, or a filter names an attribute its contract never sets.
 */
export function planTopology(file: TopologyFile, environment: TopologyEnvironment = 'local'): TopologyPlan {
  const d = file.defaults;
  const topics: TopicPlan[] = [];
  const subscriptions: SubscriptionPlan[] = [];
  for (const [topic, t] of Object.entries(file.topics)) {
    const contract = contractFor(topic);
    topics.push({
      name: topic,
      contract,
      messageRetentionSeconds: durationSeconds(t.messageRetention ?? d.topic.messageRetention, `topics.${topic}.messageRetention`),
      publishers: t.publishers,
    });
    for (const [consumer, s] of Object.entries(t.subscriptions)) {
      if (s.environments !== undefined && !s.environments.includes(environment)) continue;
      const name = subscriptionName(topic, consumer);
      const where = `topics.${topic}.subscriptions.${consumer}`;
      if (s.ordering === true && contract.orderingKey === undefined) {
        throw new Error(`${where}: ordering is on but contract ${contract.type} publishes no ordering key`);
      }
      if (s.filter !== undefined) checkFilter(s.filter, contract, where);
      const retry = s.retryPolicy ?? d.subscription.retryPolicy;
      const dlqTopic = deadLetterTopicName(name);
      const dlqRetention = durationSeconds(d.deadLetter.messageRetention, 'defaults.deadLetter.messageRetention');
      subscriptions.push({
        name,
        topic,
        consumer,
        ackDeadlineSeconds: durationSeconds(s.ackDeadline ?? d.subscription.ackDeadline, `${where}.ackDeadline`),
        messageRetentionSeconds: durationSeconds(s.messageRetention ?? d.subscription.messageRetention, `${where}.messageRetention`),
        retainAckedMessages: s.retainAckedMessages ?? d.subscription.retainAckedMessages,
        ordering: s.ordering ?? false,
        filter: s.filter ?? '',
        deadLetter: { topic: dlqTopic, maxDeliveryAttempts: s.maxDeliveryAttempts ?? d.subscription.maxDeliveryAttempts },
        retryPolicy: {
          minimumBackoffSeconds: durationSeconds(retry.minimumBackoff, `${where}.retryPolicy.minimumBackoff`),
          maximumBackoffSeconds: durationSeconds(retry.maximumBackoff, `${where}.retryPolicy.maximumBackoff`),
        },
      });
      topics.push({ name: dlqTopic, messageRetentionSeconds: dlqRetention, publishers: ['pubsub-dead-lettering', consumer], deadLetterFor: name });
      subscriptions.push({
        name: deadLetterSubscriptionName(name),
        topic: dlqTopic,
        consumer: DEAD_LETTER_CONSUMER,
        ackDeadlineSeconds: 60,
        messageRetentionSeconds: dlqRetention,
        retainAckedMessages: true,
        ordering: false,
        filter: '',
      });
    }
  }
  return { environment, topics, subscriptions };
}

/** Loads the repository's topology for an environment. */
export function loadTopology(environment: TopologyEnvironment = 'local', path?: string): TopologyPlan {
  return planTopology(readTopologyFile(path), environment);
}

const GCS_ATTRIBUTES = ['eventType', 'bucketId', 'objectId', 'objectGeneration', 'eventTime', 'payloadFormat', 'notificationConfig', 'overwroteGeneration', 'overwrittenByGeneration'];

function checkFilter(filter: string, contract: AnyEventContract, where: string): void {
  const known = new Set([
    ...(contract.attributeNames ?? []),
    ...(contract.envelope === 'gcs-notification' ? GCS_ATTRIBUTES : ['ce-type', 'ce-source', 'ce-schemaversion']),
  ]);
  // `attributes.KEY` compares a value, `attributes:KEY` tests presence: both name an attribute.
  for (const m of filter.matchAll(/attributes[.:]([A-Za-z0-9_-]+)/g)) {
    const name = m[1] as string;
    if (!known.has(name)) {
      throw new Error(`${where}.filter uses attributes.${name}, which ${contract.type} never sets; known: ${[...known].join(', ')}`);
    }
  }
}
