import { LocalBlobStore } from '@commerce/blob-store';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MANIFEST_FILE, encodeSegment, partitionPrefix, segmentName, type ArchivedMessage, type PartitionManifest } from './format.js';
import { ArchiveReader } from './reader.js';
import { ArchiveWriter } from './writer.js';

const msg = (id: number, at: string, key?: string): ArchivedMessage => ({
  messageId: String(id),
  publishTime: at,
  ...(key ? { orderingKey: key } : {}),
  attributes: { 'ce-id': `e-${id}` },
  data: Buffer.from(JSON.stringify({ n: id })).toString('base64'),
});

describe('archive writer and reader', () => {
  let dir: string;
  let store: LocalBlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'archive-'));
    store = new LocalBlobStore({ root: dir });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('splits by hour of publish time, writes a message id once, and keeps manifests exact', async () => {
    const w = new ArchiveWriter({ store });
    const first = await w.write('t1', [msg(1, '2026-11-21T10:59:59.999Z'), msg(2, '2026-11-21T11:00:00.000Z'), msg(2, '2026-11-21T11:00:00.000Z')]);
    expect(first).toMatchObject({ written: 2, duplicates: 1 });
    expect(first.segments).toHaveLength(2);
    const again = await w.write('t1', [msg(1, '2026-11-21T10:59:59.999Z'), msg(3, '2026-11-21T11:30:00.000Z')]);
    expect(again).toMatchObject({ written: 1, duplicates: 1 });

    const r = new ArchiveReader({ store });
    const parts = await r.partitions('t1');
    expect(parts.map((p) => p.hour.toISOString())).toEqual(['2026-11-21T10:00:00.000Z', '2026-11-21T11:00:00.000Z']);
    const m11 = await r.manifest(parts[1]!);
    expect(m11).toMatchObject({ count: 2, firstPublishTime: '2026-11-21T11:00:00.000Z', lastPublishTime: '2026-11-21T11:30:00.000Z' });
    expect(m11.segments).toHaveLength(2);
    const all = [];
    for await (const m of r.messages('t1')) all.push(m.messageId);
    expect(all).toEqual(['1', '2', '3']);
    const window = [];
    for await (const m of r.messages('t1', new Date('2026-11-21T11:00:00.000Z'), new Date('2026-11-21T11:30:00.000Z'))) window.push(m.messageId);
    expect(window).toEqual(['2']);
    // A new writer (a restarted archiver) still knows what is archived.
    expect(await new ArchiveWriter({ store }).write('t1', [msg(3, '2026-11-21T11:30:00.000Z')])).toMatchObject({ written: 0, duplicates: 1 });
  });

  it('takes in a segment left without a manifest entry (a crash between the two) and de-duplicates against it', async () => {
    const p = partitionPrefix('archive', 't1', new Date('2026-11-21T10:00:00Z'));
    await store.put(p + segmentName(Date.now(), 'orphan'), encodeSegment([msg(7, '2026-11-21T10:05:00.000Z')]));
    const r = await new ArchiveWriter({ store }).write('t1', [msg(7, '2026-11-21T10:05:00.000Z'), msg(8, '2026-11-21T10:06:00.000Z')]);
    expect(r).toMatchObject({ written: 1, duplicates: 1 });
    const manifest = JSON.parse((await store.get(p + MANIFEST_FILE)).toString()) as PartitionManifest;
    expect(manifest.count).toBe(2);
    expect(manifest.segments.filter((s) => s.name.includes('orphan'))).toHaveLength(1);
  });

  it('refuses a segment whose bytes do not match its manifest', async () => {
    const w = new ArchiveWriter({ store });
    const { segments } = await w.write('t1', [msg(1, '2026-11-21T10:00:00.000Z')]);
    await store.put(segments[0]!, encodeSegment([msg(666, '2026-11-21T10:00:00.000Z')]));
    const r = new ArchiveReader({ store });
    const read = async (): Promise<void> => {
      for await (const m of r.messages('t1')) void m;
    };
    await expect(read()).rejects.toThrow(/does not match its manifest/);
  });
});
