import type { ArchiveReader, ArchivedMessage } from '@commerce/ops';

export interface EventView {
  readonly messageId: string;
  readonly publishTime: string;
  readonly orderingKey?: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The payload parsed as JSON, or the text when it is not JSON. */
  readonly data: unknown;
}

export function toView(m: ArchivedMessage): EventView {
  const text = Buffer.from(m.data, 'base64').toString('utf8');
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // not JSON: shown as text
  }
  return { messageId: m.messageId, publishTime: m.publishTime, ...(m.orderingKey ? { orderingKey: m.orderingKey } : {}), attributes: m.attributes, data };
}

/** The newest `max` archived events of a topic, newest first; reads partitions from the latest back. */
export async function recentEvents(archive: ArchiveReader, topic: string, max: number): Promise<EventView[]> {
  const partitions = await archive.partitions(topic);
  const out: ArchivedMessage[] = [];
  for (let i = partitions.length - 1; i >= 0 && out.length < max; i--) {
    const p = partitions[i]!;
    const manifest = await archive.manifest(p);
    const messages = await archive.partitionMessages(p.prefix, manifest.segments);
    for (let j = messages.length - 1; j >= 0 && out.length < max; j--) out.push(messages[j]!);
  }
  return out.map(toView);
}
