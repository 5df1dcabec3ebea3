import { createHash } from 'node:crypto';

/**
 * The archive's on-disk (on-bucket) format, shared by the archiver that writes it and every tool
 * that reads it (the ops CLI, the ops console).
 *
 * Layout under the archive prefix (default `archive`):
 *
 *     archive/<topic>/<YYYY>/<MM>/<DD>/<HH>/seg-<writtenAtMs>-<random>.ndjson   one segment per flush
 *     archive/<topic>/<YYYY>/<MM>/<DD>/<HH>/manifest.json                       one manifest per partition
 *
 * A partition is one topic and one UTC hour of *publish time*. Segments are immutable: a flush
 * writes a new one, never appends. Each line of a segment is one `ArchivedMessage` as JSON.
 */
export const ARCHIVE_FORMAT_VERSION = 1;
export const DEFAULT_ARCHIVE_PREFIX = 'archive';
export const MANIFEST_FILE = 'manifest.json';
export const SEGMENT_CONTENT_TYPE = 'application/x-ndjson';

/** One message as it was on the topic. */
export interface ArchivedMessage {
  readonly messageId: string;
  /** ISO 8601, as Pub/Sub stamped it (millisecond precision on the emulator, microseconds on Pub/Sub). */
  readonly publishTime: string;
  /** Absent when the message had none. */
  readonly orderingKey?: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** The payload bytes, base64. */
  readonly data: string;
}

export interface SegmentEntry {
  /** File name within the partition. */
  readonly name: string;
  readonly count: number;
  readonly bytes: number;
  /** SHA-256 of the segment's bytes, hex. Readers verify it. */
  readonly sha256: string;
  readonly firstPublishTime: string;
  readonly lastPublishTime: string;
}

/** What a reader needs to know about a partition without opening its segments. */
export interface PartitionManifest {
  readonly formatVersion: number;
  readonly topic: string;
  /** The hour, `YYYY-MM-DDTHH:00:00.000Z`. */
  readonly hour: string;
  readonly count: number;
  readonly firstPublishTime: string | null;
  readonly lastPublishTime: string | null;
  /** In the order they were written. */
  readonly segments: readonly SegmentEntry[];
  readonly updatedAt: string;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Start of the UTC hour holding `t`. */
export function hourOf(t: Date): Date {
  return new Date(Math.floor(t.getTime() / 3_600_000) * 3_600_000);
}

export function topicPrefix(prefix: string, topic: string): string {
  return `${prefix}/${topic}/`;
}

/** `archive/<topic>/YYYY/MM/DD/HH/` for the hour holding `t`. */
export function partitionPrefix(prefix: string, topic: string, t: Date): string {
  const h = hourOf(t);
  return `${topicPrefix(prefix, topic)}${h.getUTCFullYear()}/${pad(h.getUTCMonth() + 1)}/${pad(h.getUTCDate())}/${pad(h.getUTCHours())}/`;
}

export function manifestKey(prefix: string, topic: string, hour: Date): string {
  return `${partitionPrefix(prefix, topic, hour)}${MANIFEST_FILE}`;
}

/** Segment names sort in write order (then by a random tie-breaker). */
export function segmentName(writtenAtMs: number, random: string): string {
  return `seg-${pad(writtenAtMs, 13)}-${random}.ndjson`;
}

export function isSegmentName(name: string): boolean {
  return /^seg-\d{13}-[0-9a-z]+\.ndjson$/.test(name);
}

/** The hour a partition prefix (`.../YYYY/MM/DD/HH/`) stands for, or undefined if it is not one. */
export function hourOfPartitionPrefix(partition: string): Date | undefined {
  const m = /(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/$/.exec(partition);
  if (!m) return undefined;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4])));
}

export function sha256Hex(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

export function encodeSegment(messages: readonly ArchivedMessage[]): Buffer {
  return Buffer.from(messages.map((m) => JSON.stringify(m)).join('\n') + '\n');
}

/** Parses a segment; `where` names it in the error when a line is damaged. */
export function decodeSegment(buf: Buffer, where: string): ArchivedMessage[] {
  const text = buf.toString('utf8');
  let out: ArchivedMessage[];
  try {
    // One parse for the whole segment is several times faster than one per line.
    out = JSON.parse(`[${text.trimEnd().split('\n').filter((l) => l !== '').join(',')}]`) as ArchivedMessage[];
  } catch {
    return decodeLines(text, where); // names the damaged line
  }
  for (let i = 0; i < out.length; i++) {
    const m = out[i]!;
    if (typeof m.messageId !== 'string' || typeof m.publishTime !== 'string' || typeof m.data !== 'string') {
      throw new Error(`${where} line ${i + 1} is not an archived message (needs messageId, publishTime, data)`);
    }
  }
  return out;
}

function decodeLines(text: string, where: string): ArchivedMessage[] {
  const out: ArchivedMessage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    try {
      out.push(JSON.parse(line) as ArchivedMessage);
    } catch (err) {
      throw new Error(`${where} line ${i + 1} is not JSON (${(err as Error).message}); the segment is damaged`);
    }
  }
  return out;
}

export function segmentEntry(name: string, buf: Buffer, messages: readonly ArchivedMessage[]): SegmentEntry {
  let first = messages[0]!.publishTime;
  let last = first;
  for (const m of messages) {
    if (Date.parse(m.publishTime) < Date.parse(first)) first = m.publishTime;
    if (Date.parse(m.publishTime) > Date.parse(last)) last = m.publishTime;
  }
  return { name, count: messages.length, bytes: buf.length, sha256: sha256Hex(buf), firstPublishTime: first, lastPublishTime: last };
}

export function buildManifest(topic: string, hour: Date, segments: readonly SegmentEntry[]): PartitionManifest {
  let first: string | null = null;
  let last: string | null = null;
  for (const s of segments) {
    if (first === null || Date.parse(s.firstPublishTime) < Date.parse(first)) first = s.firstPublishTime;
    if (last === null || Date.parse(s.lastPublishTime) > Date.parse(last)) last = s.lastPublishTime;
  }
  return {
    formatVersion: ARCHIVE_FORMAT_VERSION,
    topic,
    hour: hourOf(hour).toISOString(),
    count: segments.reduce((n, s) => n + s.count, 0),
    firstPublishTime: first,
    lastPublishTime: last,
    segments: [...segments].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    updatedAt: new Date().toISOString(),
  };
}

/**
 * The identity of the event a message carries, for de-duplication across copies (a redriven or
 * replayed message has a new message id but the same event): `ce-id`, else the Cloud Storage
 * object generation, else the message id.
 */
export function eventIdentity(m: Pick<ArchivedMessage, 'messageId' | 'attributes'>): string {
  const a = m.attributes;
  if (a['ce-id']) return a['ce-id'];
  if (a['bucketId'] && a['objectId'] && a['objectGeneration']) return `gs://${a['bucketId']}/${a['objectId']}#${a['objectGeneration']}`;
  return m.messageId;
}
