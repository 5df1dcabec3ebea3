import type { BlobStore } from '@commerce/blob-store';
import type { PubSub, Topic } from '@google-cloud/pubsub';
import { randomUUID } from 'node:crypto';
import { eventIdentity, type ArchivedMessage } from './archive/format.js';
import type { ArchiveReader } from './archive/reader.js';
import { audited } from './audit.js';
import type { OpsContext } from './context.js';
import { OpsError, explainPubSubError } from './errors.js';
import { OpsAttributes, matchesFilters, type AttributeFilter } from './filters.js';
import { RateLimiter } from './rate.js';

export const REPLAY_PREFIX = 'ops/replays';

export interface ReplayParams {
  readonly topic: string;
  /** Inclusive. */
  readonly from: string;
  /** Exclusive. */
  readonly to: string;
  readonly filters: readonly AttributeFilter[];
  /** Where to publish; the archived topic itself by default. */
  readonly toTopic: string;
  /** Also send messages that were themselves replays or redrives (normally skipped: the original is in the archive too). */
  readonly includeCopies: boolean;
}

/** The archive segments a replay reads, fixed when it starts, so a resumed replay sees exactly the same messages. */
interface FrozenPartition {
  readonly prefix: string;
  readonly segments: readonly { readonly name: string; readonly sha256: string }[];
}

export const ReplayStatuses = { Running: 'running', Interrupted: 'interrupted', Failed: 'failed', Completed: 'completed' } as const;
export type ReplayStatus = (typeof ReplayStatuses)[keyof typeof ReplayStatuses];

export interface ReplayState {
  readonly replayId: string;
  readonly params: ReplayParams;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly inputs: readonly FrozenPartition[];
  /** Messages the replay sends in all (after window, filters and de-duplication). */
  readonly total: number;
  status: ReplayStatus;
  /** Every message before this position (in replay order) is confirmed published. */
  next: number;
  /** Positions at or after `next` that are confirmed too (publishes complete out of order). */
  doneAbove: number[];
  sent: number;
  updatedAt: string;
  lastError?: string;
}

export interface ReplayProgress {
  readonly total: number;
  readonly sent: number;
}

export interface ReplayRunOptions {
  /** Messages per second (0: as fast as the publisher goes). */
  readonly rate?: number;
  /** Aborting stops sending, waits for what is in flight, saves the checkpoint and resolves `interrupted`. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ReplayProgress) => void;
  /** Publishes awaiting confirmation at most. */
  readonly maxInFlight?: number;
  /** How often the checkpoint is saved while sending. */
  readonly checkpointEveryMs?: number;
}

export interface DryRunSummary {
  readonly total: number;
  readonly byType: Record<string, number>;
  readonly byHour: Record<string, number>;
  readonly first: readonly ArchivedMessage[];
  readonly last: readonly ArchivedMessage[];
  readonly partitions: number;
}

export const stateKey = (replayId: string): string => `${REPLAY_PREFIX}/${replayId}/state.json`;

export async function loadReplay(store: BlobStore, replayId: string): Promise<ReplayState> {
  if ((await store.head(stateKey(replayId))) === undefined) {
    throw new OpsError(`no replay ${replayId} in ${store.description}`, '`commerce-ops replay list` shows the replays there; check --blob-store');
  }
  return JSON.parse((await store.get(stateKey(replayId))).toString('utf8')) as ReplayState;
}

export async function listReplays(store: BlobStore): Promise<ReplayState[]> {
  const out: ReplayState[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.list(`${REPLAY_PREFIX}/`, { delimiter: '/', ...(pageToken ? { pageToken } : {}) });
    for (const p of page.prefixes ?? []) {
      const id = p.slice(REPLAY_PREFIX.length + 1, -1);
      if ((await store.head(stateKey(id))) !== undefined) out.push(await loadReplay(store, id));
    }
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

async function saveState(store: BlobStore, state: ReplayState): Promise<void> {
  state.updatedAt = new Date().toISOString();
  await store.put(stateKey(state.replayId), Buffer.from(JSON.stringify(state)), { contentType: 'application/json' });
}

/** Freezes the archive segments of the window (from the manifests: nothing outside it is opened). */
async function freeze(archive: ArchiveReader, p: ReplayParams): Promise<FrozenPartition[]> {
  const out: FrozenPartition[] = [];
  for (const part of await archive.partitions(p.topic, new Date(p.from), new Date(p.to))) {
    const m = await archive.manifest(part);
    if (m.segments.length > 0) out.push({ prefix: part.prefix, segments: m.segments.map((s) => ({ name: s.name, sha256: s.sha256 })) });
  }
  return out;
}

/**
 * The replay's messages in order: partitions oldest first, each in publish order; in the window,
 * matching the filters, and each event once (a redriven or replayed copy has a new message id
 * but the same event id). Deterministic for the same frozen inputs.
 */
async function* selected(archive: ArchiveReader, p: ReplayParams, inputs: readonly FrozenPartition[]): AsyncGenerator<ArchivedMessage[]> {
  const lo = Date.parse(p.from);
  const hi = Date.parse(p.to);
  const seen = new Set<string>();
  for (const part of inputs) {
    const batch: ArchivedMessage[] = [];
    for (const m of await archive.partitionMessages(part.prefix, part.segments)) {
      const t = Date.parse(m.publishTime);
      if (t < lo || t >= hi) continue;
      if (!matchesFilters(m.attributes, p.filters)) continue;
      if (!p.includeCopies && (m.attributes[OpsAttributes.ReplayId] !== undefined || m.attributes[OpsAttributes.RedriveId] !== undefined)) continue;
      const id = eventIdentity(m);
      if (seen.has(id)) continue;
      seen.add(id);
      batch.push(m);
    }
    yield batch;
  }
}

export function validateParams(p: ReplayParams): void {
  if (!(Date.parse(p.from) < Date.parse(p.to))) throw new OpsError(`--from (${p.from}) must be before --to (${p.to})`);
}

/** What a replay would send, without sending anything. */
export async function planReplay(ctx: Pick<OpsContext, 'archive'>, p: ReplayParams): Promise<DryRunSummary> {
  validateParams(p);
  const inputs = await freeze(ctx.archive, p);
  const byType: Record<string, number> = {};
  const byHour: Record<string, number> = {};
  const first: ArchivedMessage[] = [];
  let last: ArchivedMessage[] = [];
  let total = 0;
  for await (const batch of selected(ctx.archive, p, inputs)) {
    for (const m of batch) {
      total++;
      const type = m.attributes['ce-type'] ?? m.attributes['eventType'] ?? '(untyped)';
      byType[type] = (byType[type] ?? 0) + 1;
      const hour = `${m.publishTime.slice(0, 13)}:00Z`;
      byHour[hour] = (byHour[hour] ?? 0) + 1;
      if (first.length < 5) first.push(m);
      last.push(m);
      if (last.length > 5) last = last.slice(-5);
    }
  }
  return { total, byType, byHour, first, last: total > 5 ? last : [], partitions: inputs.length };
}

/** Starts a replay: freezes its inputs and records its state; `runReplay` then sends. */
export async function createReplay(ctx: Pick<OpsContext, 'archive' | 'store' | 'who'>, p: ReplayParams, replayId: string = randomUUID()): Promise<ReplayState> {
  validateParams(p);
  const inputs = await freeze(ctx.archive, p);
  let total = 0;
  for await (const batch of selected(ctx.archive, p, inputs)) total += batch.length;
  const now = new Date().toISOString();
  const state: ReplayState = { replayId, params: p, createdAt: now, createdBy: ctx.who, inputs, total, status: ReplayStatuses.Running, next: 0, doneAbove: [], sent: 0, updatedAt: now };
  await saveState(ctx.store, state);
  return state;
}

/** Checks the target topic exists before anything is sent. */
async function targetTopic(pubsub: PubSub, ctx: OpsContext, name: string): Promise<Topic> {
  const topic = pubsub.topic(name, { batching: { maxMessages: 1000, maxMilliseconds: 10 }, messageOrdering: true });
  try {
    const [exists] = await topic.exists();
    if (!exists) throw new OpsError(`topic ${name} does not exist in project ${ctx.projectId}`, 'create it (or provision the topology) first; replay never creates topics');
  } catch (err) {
    throw explainPubSubError(err, `topic ${name}`, { projectId: ctx.projectId, ...(ctx.emulatorHost ? { emulatorHost: ctx.emulatorHost } : {}) });
  }
  return topic;
}

/**
 * Sends (or resumes sending) a replay. Each message goes to the target topic with its data,
 * attributes and ordering key, plus `ops-replay-id` and `ops-replay-original-message-id` (the
 * replay's state names the source topic and window; the archive has the original publish time). Progress is checkpointed as the exact set of confirmed positions, so resuming after an
 * interruption sends every message that was not confirmed and none that was. (After a hard kill,
 * messages published since the last checkpoint are sent again; they carry their original `ce-id`,
 * so consumers' idempotency drops them.)
 */
export async function runReplay(ctx: OpsContext, replayId: string, opts: ReplayRunOptions = {}): Promise<ReplayState> {
  const state = await loadReplay(ctx.store, replayId);
  if (state.status === ReplayStatuses.Completed) return state;
  const p = state.params;
  const topic = await targetTopic(ctx.pubsub, ctx, p.toTopic);
  const limiter = new RateLimiter(opts.rate ?? 0);
  const maxInFlight = opts.maxInFlight ?? 20_000;
  const done = new Set<number>(state.doneAbove);
  const sentBefore = state.sent;
  state.status = ReplayStatuses.Running;
  delete state.lastError;

  const advance = (): void => {
    while (done.has(state.next)) done.delete(state.next++);
  };
  const checkpoint = async (): Promise<void> => {
    advance();
    state.doneAbove = [...done].sort((a, b) => a - b);
    await saveState(ctx.store, state);
  };

  let inFlight = 0;
  let wake: (() => void) | undefined;
  let wakeAt = 0;
  let failure: Error | undefined;
  const settled = (): void => {
    inFlight--;
    if (wake !== undefined && inFlight <= wakeAt) {
      const w = wake;
      wake = undefined;
      w();
    }
  };
  const waitBelow = async (n: number): Promise<void> => {
    if (inFlight <= n) return;
    wakeAt = n;
    await new Promise<void>((r) => (wake = r));
  };
  let lastSave = Date.now();
  let saving: Promise<void> | undefined;
  const everyMs = opts.checkpointEveryMs ?? 1000;

  return audited(
    ctx,
    'replay',
    { replayId, ...p, rate: opts.rate ?? 0, resumedAt: sentBefore > 0 ? sentBefore : undefined },
    async () => {
      let position = 0;
      outer: for await (const batch of selected(ctx.archive, p, state.inputs)) {
        for (const m of batch) {
          const pos = position++;
          if (pos < state.next || done.has(pos)) continue;
          if (opts.signal?.aborted || failure) break outer;
          if (!limiter.unlimited) {
            await limiter.take(opts.signal);
            if (opts.signal?.aborted) break outer;
          }
          // Refill by halves: waking per settled publish would cost a promise per message.
          if (inFlight >= maxInFlight) await waitBelow(maxInFlight >> 1);
          // Copied, not spread first: `{ ...a, k: v }` takes V8's slow path (see event-kit's encodeEvent).
          const attributes: Record<string, string> = Object.assign({}, m.attributes);
          attributes[OpsAttributes.ReplayId] = replayId;
          attributes[OpsAttributes.ReplayOriginalMessageId] = m.messageId;
          const data = Buffer.from(m.data, 'base64');
          inFlight++;
          topic.publishMessage(m.orderingKey ? { data, attributes, orderingKey: m.orderingKey } : { data, attributes }).then(
            () => {
              done.add(pos);
              state.sent++;
              opts.onProgress?.({ total: state.total, sent: state.sent });
              settled();
            },
            (err: unknown) => {
              if (m.orderingKey) topic.resumePublishing(m.orderingKey);
              failure ??= explainPubSubError(err, `publish to ${p.toTopic}`, { projectId: ctx.projectId, ...(ctx.emulatorHost ? { emulatorHost: ctx.emulatorHost } : {}) });
              settled();
            },
          );
          if (Date.now() - lastSave >= everyMs && saving === undefined) {
            lastSave = Date.now();
            saving = checkpoint().finally(() => (saving = undefined));
          }
        }
      }
      await topic.flush().catch(() => undefined);
      await waitBelow(0);
      await saving;
      advance();
      if (failure) {
        state.status = ReplayStatuses.Failed;
        state.lastError = failure.message;
      } else if (state.next >= state.total) {
        state.status = ReplayStatuses.Completed;
      } else {
        state.status = ReplayStatuses.Interrupted;
      }
      await checkpoint();
      if (failure) throw new OpsError(`replay ${replayId} stopped: ${failure.message}`, `${state.sent}/${state.total} sent and checkpointed; fix the cause and run \`commerce-ops replay --resume ${replayId} --execute\``, { cause: failure });
      return state;
    },
    (s) => ({ count: s.sent - sentBefore, result: { status: s.status, sent: s.sent, total: s.total } }),
  );
}
