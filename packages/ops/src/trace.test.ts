import { LocalBlobStore } from '@commerce/blob-store';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArchivedMessage } from './archive/format.js';
import { ArchiveReader } from './archive/reader.js';
import { ArchiveWriter } from './archive/writer.js';
import { findValue, trace } from './trace.js';

const msg = (id: string, at: string, type: string, body: object, extra: Record<string, string> = {}): ArchivedMessage => ({
  messageId: id,
  publishTime: at,
  attributes: { 'ce-id': `e-${id}`, 'ce-type': type, ...extra },
  data: Buffer.from(JSON.stringify(body)).toString('base64'),
});

describe('trace', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('finds every event about an order across topics, in publish order, and says why each matched', async () => {
    dir = await mkdtemp(join(tmpdir(), 'trace-'));
    const store = new LocalBlobStore({ root: dir });
    const w = new ArchiveWriter({ store });
    await w.write('order-scored', [msg('2', '2026-11-21T10:00:01.000Z', 'OrderScored', { orderId: 'o-7', score: 0.93 }), msg('9', '2026-11-21T10:00:02.000Z', 'OrderScored', { orderId: 'o-70' })]);
    await w.write('order-placed', [msg('1', '2026-11-21T09:59:59.000Z', 'OrderPlaced', { orderId: 'o-7', userId: 'u-1' }), msg('3', '2026-11-21T10:00:00.000Z', 'OrderPlaced', { orderId: 'o-8' })]);
    await w.write('fraud-alert', [msg('4', '2026-11-21T10:00:01.500Z', 'FraudAlert', { orderId: 'o-7', entities: [{ type: 'user', id: 'u-1' }] })]);
    await w.write('order-placed', [msg('5', '2026-11-21T11:00:00.000Z', 'OrderPlaced', { orderId: 'o-7' }, { 'ops-replay-id': 'r-1' })]);

    const hits = await trace({ archive: new ArchiveReader({ store }) }, 'o-7');
    expect(hits.map((h) => [h.topic, h.messageId, h.matchedOn, h.copy])).toEqual([
      ['order-placed', '1', 'field /orderId', undefined],
      ['order-scored', '2', 'field /orderId', undefined],
      ['fraud-alert', '4', 'field /orderId', undefined],
      ['order-placed', '5', 'field /orderId', 'replay'],
    ]);
    expect((await trace({ archive: new ArchiveReader({ store }) }, 'e-4')).map((h) => h.matchedOn)).toEqual(['ce-id']);
    expect((await trace({ archive: new ArchiveReader({ store }) }, 'o-7', { to: new Date('2026-11-21T10:00:01.000Z') })).map((h) => h.messageId)).toEqual(['1']);
  });

  it('matches whole string values only', () => {
    expect(findValue({ a: { b: ['x', 'o-7'] } }, 'o-7')).toBe('/a/b/1');
    expect(findValue({ a: 'o-70' }, 'o-7')).toBeUndefined();
  });
});
