import { eventIdentity, type ArchivedMessage } from './archive/format.js';
import type { OpsContext } from './context.js';
import { OpsAttributes } from './filters.js';

export interface TraceHit {
  readonly topic: string;
  readonly publishTime: string;
  readonly messageId: string;
  readonly eventId: string;
  readonly type: string;
  /** Why it matched: `ce-id`, `message id`, `attribute <k>`, `field <path>`. */
  readonly matchedOn: string;
  /** A replayed or redriven copy, not the original publish. */
  readonly copy?: 'replay' | 'redrive';
  readonly orderingKey?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly data: unknown;
}

/** Where `id` occurs as a whole string value in a JSON document, as a path (`/orderId`, `/entities/2/id`). */
export function findValue(doc: unknown, id: string, path = ''): string | undefined {
  if (typeof doc === 'string') return doc === id ? path || '/' : undefined;
  if (Array.isArray(doc)) {
    for (let i = 0; i < doc.length; i++) {
      const p = findValue(doc[i], id, `${path}/${i}`);
      if (p) return p;
    }
  } else if (doc !== null && typeof doc === 'object') {
    for (const [k, v] of Object.entries(doc)) {
      const p = findValue(v, id, `${path}/${k}`);
      if (p) return p;
    }
  }
  return undefined;
}

function match(m: ArchivedMessage, id: string): { matchedOn: string; data: unknown } | undefined {
  let data: unknown;
  const raw = Buffer.from(m.data, 'base64').toString('utf8');
  try {
    data = JSON.parse(raw);
  } catch {
    data = raw;
  }
  if (m.messageId === id) return { matchedOn: 'message id', data };
  if (m.attributes['ce-id'] === id) return { matchedOn: 'ce-id', data };
  for (const [k, v] of Object.entries(m.attributes)) if (v === id) return { matchedOn: `attribute ${k}`, data };
  // A cheap test on the raw text before walking the document.
  if (!raw.includes(id)) return undefined;
  const path = findValue(data, id);
  return path ? { matchedOn: `field ${path}`, data } : undefined;
}

/**
 * Every archived event about an id (an event id, a message id, an order id, a user id...)
 * across topics, in publish order. Reads only the partitions in [from, to).
 */
export async function trace(ctx: Pick<OpsContext, 'archive'>, id: string, opts: { from?: Date; to?: Date; topics?: readonly string[] } = {}): Promise<TraceHit[]> {
  const topics = opts.topics ?? (await ctx.archive.topics());
  const hits: TraceHit[] = [];
  for (const topic of topics) {
    for await (const m of ctx.archive.messages(topic, opts.from, opts.to)) {
      const hit = match(m, id);
      if (!hit) continue;
      const copy = m.attributes[OpsAttributes.ReplayId] ? 'replay' : m.attributes[OpsAttributes.RedriveId] ? 'redrive' : undefined;
      hits.push({
        topic,
        publishTime: m.publishTime,
        messageId: m.messageId,
        eventId: eventIdentity(m),
        type: m.attributes['ce-type'] ?? m.attributes['eventType'] ?? '(untyped)',
        matchedOn: hit.matchedOn,
        ...(copy ? { copy } : {}),
        ...(m.orderingKey ? { orderingKey: m.orderingKey } : {}),
        attributes: m.attributes,
        data: hit.data,
      });
    }
  }
  return hits.sort((a, b) => Date.parse(a.publishTime) - Date.parse(b.publishTime));
}
