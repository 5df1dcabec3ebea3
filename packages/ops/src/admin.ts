import type { google } from '@google-cloud/pubsub/build/protos/protos.js';
import { audited } from './audit.js';
import type { OpsContext } from './context.js';
import { OpsError, explainPubSubError } from './errors.js';

const short = (name: string | null | undefined): string => (name ?? '').split('/').pop() ?? '';
const seconds = (d: google.protobuf.IDuration | null | undefined): number | undefined => (d?.seconds == null ? undefined : Number(d.seconds) + (d.nanos ?? 0) / 1e9);

export interface TopicInfo {
  readonly name: string;
  readonly schema?: string;
  readonly messageRetentionSeconds?: number;
  readonly subscriptions: readonly string[];
  /** A dead-letter topic (`<subscription>.dlq`). */
  readonly deadLetter: boolean;
}

export interface SubscriptionInfo {
  readonly name: string;
  readonly topic: string;
  readonly ackDeadlineSeconds: number;
  readonly messageRetentionSeconds?: number;
  readonly retainAckedMessages: boolean;
  readonly ordering: boolean;
  readonly filter: string;
  readonly deadLetter?: { readonly topic: string; readonly maxDeliveryAttempts: number };
  readonly retry?: { readonly minimumBackoffSeconds?: number; readonly maximumBackoffSeconds?: number };
  readonly push?: string;
}

const where = (ctx: OpsContext) => ({ projectId: ctx.projectId, ...(ctx.emulatorHost ? { emulatorHost: ctx.emulatorHost } : {}) });

/** A project with no topics at all is almost always the wrong project, not an empty one. */
function wrongProject(ctx: OpsContext): OpsError {
  return new OpsError(
    `project ${ctx.projectId} has no topics${ctx.emulatorHost ? ` on the emulator at ${ctx.emulatorHost}` : ''}`,
    'is it the right project? (`make demo` uses `local`: --project local) If it is, provision the topology first (`make provision`).',
  );
}

export async function listTopics(ctx: OpsContext): Promise<TopicInfo[]> {
  let topics;
  let subs;
  try {
    [topics] = await ctx.pubsub.getTopics();
    [subs] = await ctx.pubsub.getSubscriptions();
  } catch (err) {
    throw explainPubSubError(err, 'list topics', where(ctx));
  }
  if (topics.length === 0) throw wrongProject(ctx);
  const byTopic = new Map<string, string[]>();
  for (const s of subs) {
    const t = short(s.metadata?.topic);
    byTopic.set(t, [...(byTopic.get(t) ?? []), short(s.name)]);
  }
  const out: TopicInfo[] = [];
  for (const t of topics) {
    const [meta] = await t.getMetadata();
    const name = short(t.name);
    out.push({
      name,
      ...(meta.schemaSettings?.schema ? { schema: short(meta.schemaSettings.schema) } : {}),
      ...(seconds(meta.messageRetentionDuration) !== undefined ? { messageRetentionSeconds: seconds(meta.messageRetentionDuration)! } : {}),
      subscriptions: (byTopic.get(name) ?? []).sort(),
      deadLetter: name.endsWith('.dlq'),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

export function toSubscriptionInfo(meta: google.pubsub.v1.ISubscription): SubscriptionInfo {
  const retention = seconds(meta.messageRetentionDuration);
  const min = seconds(meta.retryPolicy?.minimumBackoff);
  const max = seconds(meta.retryPolicy?.maximumBackoff);
  return {
    name: short(meta.name),
    topic: short(meta.topic),
    ackDeadlineSeconds: meta.ackDeadlineSeconds ?? 10,
    ...(retention !== undefined ? { messageRetentionSeconds: retention } : {}),
    retainAckedMessages: meta.retainAckedMessages ?? false,
    ordering: meta.enableMessageOrdering ?? false,
    filter: meta.filter ?? '',
    ...(meta.deadLetterPolicy?.deadLetterTopic ? { deadLetter: { topic: short(meta.deadLetterPolicy.deadLetterTopic), maxDeliveryAttempts: meta.deadLetterPolicy.maxDeliveryAttempts ?? 5 } } : {}),
    ...(meta.retryPolicy ? { retry: { ...(min !== undefined ? { minimumBackoffSeconds: min } : {}), ...(max !== undefined ? { maximumBackoffSeconds: max } : {}) } } : {}),
    ...(meta.pushConfig?.pushEndpoint ? { push: meta.pushConfig.pushEndpoint } : {}),
  };
}

export async function listSubscriptions(ctx: OpsContext, topic?: string): Promise<SubscriptionInfo[]> {
  let subs;
  try {
    [subs] = await ctx.pubsub.getSubscriptions();
  } catch (err) {
    throw explainPubSubError(err, 'list subscriptions', where(ctx));
  }
  if (subs.length === 0) {
    const [topics] = await ctx.pubsub.getTopics();
    if (topics.length === 0) throw wrongProject(ctx);
  }
  const out = subs.map((s) => toSubscriptionInfo(s.metadata ?? { name: s.name }));
  return out.filter((s) => topic === undefined || s.topic === topic).sort((a, b) => a.name.localeCompare(b.name));
}

/** The subscription's settings; a clear error when it does not exist. */
export async function describeSubscription(ctx: OpsContext, name: string): Promise<SubscriptionInfo> {
  try {
    const [meta] = await ctx.pubsub.subscription(name).getMetadata();
    return toSubscriptionInfo(meta);
  } catch (err) {
    throw explainPubSubError(err, `subscription ${name}`, where(ctx));
  }
}

export interface SeekResult {
  readonly subscription: string;
  readonly toTime?: string;
  readonly toSnapshot?: string;
}

/** Moves a subscription's cursor: everything published after the time (or not acked in the snapshot) is delivered again. */
export async function seek(ctx: OpsContext, subscription: string, target: { time?: Date; snapshot?: string }): Promise<SeekResult> {
  if ((target.time === undefined) === (target.snapshot === undefined)) throw new OpsError('seek needs exactly one of --to-time and --to-snapshot');
  await describeSubscription(ctx, subscription);
  const args = { subscription, ...(target.time ? { toTime: target.time.toISOString() } : { toSnapshot: target.snapshot }) };
  return audited(
    ctx,
    'seek',
    args,
    async () => {
      try {
        await ctx.pubsub.subscription(subscription).seek(target.time ?? target.snapshot!);
      } catch (err) {
        throw explainPubSubError(err, `seek ${subscription}`, where(ctx));
      }
      return args as SeekResult;
    },
    () => ({ count: 1 }),
  );
}

export interface SnapshotInfo {
  readonly name: string;
  readonly topic?: string;
  readonly expireTime?: string;
}

export async function createSnapshot(ctx: OpsContext, name: string, subscription: string): Promise<SnapshotInfo> {
  await describeSubscription(ctx, subscription);
  return audited(
    ctx,
    'snapshot create',
    { snapshot: name, subscription },
    async () => {
      try {
        const [snap] = await ctx.pubsub.subscription(subscription).createSnapshot(name);
        return { name: short(snap.name), ...(snap.metadata?.topic ? { topic: short(snap.metadata.topic) } : {}) };
      } catch (err) {
        throw explainPubSubError(err, `snapshot ${name} of ${subscription}`, where(ctx));
      }
    },
    () => ({ count: 1 }),
  );
}

export async function listSnapshots(ctx: OpsContext): Promise<SnapshotInfo[]> {
  try {
    const [snaps] = await ctx.pubsub.getSnapshots();
    return snaps
      .map((s) => {
        const expire = s.metadata?.expireTime?.seconds;
        return {
          name: short(s.name),
          ...(s.metadata?.topic ? { topic: short(s.metadata.topic) } : {}),
          ...(expire != null ? { expireTime: new Date(Number(expire) * 1000).toISOString() } : {}),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  } catch (err) {
    throw explainPubSubError(err, 'list snapshots', where(ctx));
  }
}

export async function deleteSnapshot(ctx: OpsContext, name: string): Promise<void> {
  await audited(
    ctx,
    'snapshot delete',
    { snapshot: name },
    async () => {
      try {
        await ctx.pubsub.snapshot(name).delete();
      } catch (err) {
        throw explainPubSubError(err, `snapshot ${name}`, where(ctx));
      }
    },
    () => ({ count: 1 }),
  );
}
