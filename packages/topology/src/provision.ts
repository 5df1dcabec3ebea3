import { Encodings, SchemaTypes, SchemaViews, type CreateSubscriptionOptions, type PubSub, type SubscriptionMetadata } from '@google-cloud/pubsub';
import type { google } from '@google-cloud/pubsub/build/protos/protos.js';
import { avroSchemaOf } from '@commerce/contracts';
import type { SubscriptionPlan, TopicPlan, TopologyPlan } from './model.js';

type ISubscription = google.pubsub.v1.ISubscription;
type ITopic = google.pubsub.v1.ITopic;

export const ChangeActions = { Created: 'created', Updated: 'updated', Unchanged: 'unchanged', Drift: 'drift' } as const;
export type ChangeAction = (typeof ChangeActions)[keyof typeof ChangeActions];

/** One line of the provisioning report. */
export interface Change {
  readonly kind: 'schema' | 'topic' | 'subscription';
  readonly name: string;
  readonly action: ChangeAction;
  /** What differed, e.g. `ackDeadline 60s -> 30s`. For drift, what cannot be changed in place. */
  readonly details: readonly string[];
}

export interface ProvisionOptions {
  /** Report what would change without changing anything. */
  readonly dryRun?: boolean;
  /** Called once per resource as it is handled, for progress output. */
  readonly onChange?: (change: Change) => void;
}

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;
const isCode = (err: unknown, code: number): boolean => (err as { code?: number })?.code === code;

/** The Pub/Sub schema id registered for a contract's topic. */
export const schemaIdFor = (topic: string): string => `${topic}-schema`;

/**
 * Makes the project match the plan. Idempotent: a second run reports every resource
 * unchanged. Creates what is missing and updates mutable settings in place. Settings
 * Pub/Sub cannot change in place (a subscription's filter or ordering) are reported as
 * drift and left alone: recreating a subscription would drop its backlog.
 */
export async function provision(pubsub: PubSub, plan: TopologyPlan, options: ProvisionOptions = {}): Promise<Change[]> {
  const changes: Change[] = [];
  const record = (c: Change): void => {
    changes.push(c);
    options.onChange?.(c);
  };
  for (const topic of plan.topics) {
    if (topic.contract !== undefined) record(await ensureSchema(pubsub, topic, options));
    record(await ensureTopic(pubsub, topic, options));
  }
  for (const sub of plan.subscriptions) record(await ensureSubscription(pubsub, sub, options));
  return changes;
}

async function ensureSchema(pubsub: PubSub, topic: TopicPlan, options: ProvisionOptions): Promise<Change> {
  const id = schemaIdFor(topic.name);
  const definition = JSON.stringify(avroSchemaOf(topic.contract!));
  const name = `projects/${await projectIdOf(pubsub)}/schemas/${id}`;
  let existing: string | undefined;
  try {
    existing = (await pubsub.schema(id).get(SchemaViews.Full)).definition ?? undefined;
  } catch (err) {
    if (!isCode(err, GRPC_NOT_FOUND)) throw err;
  }
  if (existing === undefined) {
    if (!options.dryRun) await pubsub.createSchema(id, SchemaTypes.Avro, definition);
    return { kind: 'schema', name: id, action: 'created', details: [`contract ${topic.contract!.type} v${topic.contract!.version}`] };
  }
  if (sameJson(existing, definition)) return { kind: 'schema', name: id, action: 'unchanged', details: [] };
  // A new revision keeps the old one valid for messages already in flight.
  if (!options.dryRun) {
    const client = await pubsub.getSchemaClient();
    await client.commitSchema({ name, schema: { name, type: SchemaTypes.Avro, definition } });
  }
  return { kind: 'schema', name: id, action: 'updated', details: [`new revision for contract v${topic.contract!.version}`] };
}

async function ensureTopic(pubsub: PubSub, plan: TopicPlan, options: ProvisionOptions): Promise<Change> {
  const projectId = await projectIdOf(pubsub);
  const wanted: ITopic = {
    messageRetentionDuration: { seconds: plan.messageRetentionSeconds },
    ...(plan.contract !== undefined
      ? { schemaSettings: { schema: `projects/${projectId}/schemas/${schemaIdFor(plan.name)}`, encoding: Encodings.Json } }
      : {}),
  };
  let current: ITopic | undefined;
  try {
    [current] = await pubsub.topic(plan.name).getMetadata();
  } catch (err) {
    if (!isCode(err, GRPC_NOT_FOUND)) throw err;
  }
  if (current === undefined) {
    if (!options.dryRun) {
      try {
        await pubsub.createTopic({ name: plan.name, ...wanted });
      } catch (err) {
        if (!isCode(err, GRPC_ALREADY_EXISTS)) throw err; // created concurrently: fine
      }
    }
    return { kind: 'topic', name: plan.name, action: 'created', details: describeTopic(plan) };
  }
  const details: string[] = [];
  const currentRetention = seconds(current.messageRetentionDuration);
  if (currentRetention !== plan.messageRetentionSeconds) details.push(`messageRetention ${currentRetention ?? 'unset'}s -> ${plan.messageRetentionSeconds}s`);
  const currentSchema = current.schemaSettings?.schema?.split('/').pop();
  const wantedSchema = plan.contract !== undefined ? schemaIdFor(plan.name) : undefined;
  if ((currentSchema || undefined) !== wantedSchema) details.push(`schema ${currentSchema || 'none'} -> ${wantedSchema ?? 'none'}`);
  if (details.length === 0) return { kind: 'topic', name: plan.name, action: 'unchanged', details };
  if (!options.dryRun) await pubsub.topic(plan.name).setMetadata(wanted);
  return { kind: 'topic', name: plan.name, action: 'updated', details };
}

function describeTopic(plan: TopicPlan): string[] {
  return [
    plan.contract !== undefined ? `schema ${schemaIdFor(plan.name)} (Avro, JSON encoding)` : `dead letters of ${plan.deadLetterFor}`,
    `retention ${plan.messageRetentionSeconds}s`,
  ];
}

function subscriptionMetadata(plan: SubscriptionPlan, projectId: string): CreateSubscriptionOptions {
  return {
    ackDeadlineSeconds: plan.ackDeadlineSeconds,
    messageRetentionDuration: { seconds: plan.messageRetentionSeconds },
    retainAckedMessages: plan.retainAckedMessages,
    enableMessageOrdering: plan.ordering,
    filter: plan.filter,
    // Never expire: Pub/Sub deletes a subscription idle for 31 days by default.
    expirationPolicy: {},
    ...(plan.deadLetter !== undefined
      ? {
          deadLetterPolicy: {
            deadLetterTopic: `projects/${projectId}/topics/${plan.deadLetter.topic}`,
            maxDeliveryAttempts: plan.deadLetter.maxDeliveryAttempts,
          },
        }
      : {}),
    ...(plan.retryPolicy !== undefined
      ? {
          retryPolicy: {
            minimumBackoff: { seconds: plan.retryPolicy.minimumBackoffSeconds },
            maximumBackoff: { seconds: plan.retryPolicy.maximumBackoffSeconds },
          },
        }
      : {}),
  };
}

async function ensureSubscription(pubsub: PubSub, plan: SubscriptionPlan, options: ProvisionOptions): Promise<Change> {
  const wanted = subscriptionMetadata(plan, await projectIdOf(pubsub));
  let current: ISubscription | undefined;
  try {
    [current] = await pubsub.subscription(plan.name).getMetadata();
  } catch (err) {
    if (!isCode(err, GRPC_NOT_FOUND)) throw err;
  }
  if (current === undefined) {
    if (!options.dryRun) {
      try {
        await pubsub.topic(plan.topic).createSubscription(plan.name, wanted);
      } catch (err) {
        if (!isCode(err, GRPC_ALREADY_EXISTS)) throw err;
      }
    }
    return { kind: 'subscription', name: plan.name, action: 'created', details: describeSubscription(plan) };
  }

  const drift: string[] = [];
  const currentTopic = current.topic?.split('/').pop();
  if (currentTopic !== plan.topic) drift.push(`topic is ${currentTopic}, topology says ${plan.topic}`);
  if ((current.filter ?? '') !== plan.filter) drift.push(`filter is "${current.filter ?? ''}", topology says "${plan.filter}" (immutable)`);
  if ((current.enableMessageOrdering ?? false) !== plan.ordering) drift.push(`ordering is ${current.enableMessageOrdering ?? false}, topology says ${plan.ordering} (immutable)`);

  const updates: string[] = [];
  // Only what differs goes into the update and its field mask: an update must not touch
  // settings that are right, and the emulator refuses any update naming expiration_policy.
  const patch: SubscriptionMetadata = {};
  const cmp = (label: string, have: unknown, want: unknown, set: SubscriptionMetadata): void => {
    if (JSON.stringify(have) === JSON.stringify(want)) return;
    updates.push(`${label} ${JSON.stringify(have)} -> ${JSON.stringify(want)}`);
    Object.assign(patch, set);
  };
  cmp('ackDeadlineSeconds', current.ackDeadlineSeconds ?? null, plan.ackDeadlineSeconds, { ackDeadlineSeconds: wanted.ackDeadlineSeconds ?? null });
  cmp('messageRetentionSeconds', seconds(current.messageRetentionDuration) ?? null, plan.messageRetentionSeconds, {
    messageRetentionDuration: { seconds: plan.messageRetentionSeconds },
  });
  cmp('retainAckedMessages', current.retainAckedMessages ?? false, plan.retainAckedMessages, { retainAckedMessages: wanted.retainAckedMessages ?? null });
  cmp(
    'deadLetterPolicy',
    current.deadLetterPolicy?.deadLetterTopic
      ? { topic: current.deadLetterPolicy.deadLetterTopic.split('/').pop(), maxDeliveryAttempts: current.deadLetterPolicy.maxDeliveryAttempts }
      : null,
    plan.deadLetter ?? null,
    { deadLetterPolicy: wanted.deadLetterPolicy ?? null }, // null clears a policy the topology dropped
  );
  cmp(
    'retryPolicy',
    current.retryPolicy ? { minimumBackoffSeconds: seconds(current.retryPolicy.minimumBackoff), maximumBackoffSeconds: seconds(current.retryPolicy.maximumBackoff) } : null,
    plan.retryPolicy ?? null,
    { retryPolicy: wanted.retryPolicy ?? null },
  );
  if (updates.length > 0 && !options.dryRun) await pubsub.subscription(plan.name).setMetadata(patch);
  if (drift.length > 0) {
    return { kind: 'subscription', name: plan.name, action: 'drift', details: [...drift, ...updates, 'recreate it by hand after draining: deleting it drops its backlog'] };
  }
  return { kind: 'subscription', name: plan.name, action: updates.length > 0 ? 'updated' : 'unchanged', details: updates };
}

function describeSubscription(plan: SubscriptionPlan): string[] {
  return [
    `ackDeadline ${plan.ackDeadlineSeconds}s`,
    ...(plan.ordering ? ['ordered'] : []),
    ...(plan.filter ? [`filter ${plan.filter}`] : []),
    ...(plan.deadLetter ? [`dead letters to ${plan.deadLetter.topic} after ${plan.deadLetter.maxDeliveryAttempts} attempts`] : []),
    ...(plan.retryPolicy ? [`backoff ${plan.retryPolicy.minimumBackoffSeconds}s..${plan.retryPolicy.maximumBackoffSeconds}s`] : []),
  ];
}

function seconds(d: { seconds?: number | string | { toNumber(): number } | null } | null | undefined): number | undefined {
  const s = d?.seconds;
  if (s === undefined || s === null) return undefined;
  return typeof s === 'object' ? s.toNumber() : Number(s);
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return a === b;
  }
}

async function projectIdOf(pubsub: PubSub): Promise<string> {
  const { projectId } = await pubsub.getClientConfig();
  if (!projectId) throw new Error('no Google Cloud project id: pass --project or set PUBSUB_PROJECT_ID / GOOGLE_CLOUD_PROJECT');
  return projectId;
}
