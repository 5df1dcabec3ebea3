import { createWorld } from '@commerce/synthetic';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CoPurchaseIndex, InteractionFileError, InteractionLog, Popularity, averagePrecisionAt, evaluate, readInteractions, recallAt, splitOf, train,
  type Interaction,
} from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function read(name: string, text: string): Promise<Interaction[]> {
  const file = join(dir, name);
  await writeFile(file, text);
  const out: Interaction[] = [];
  for await (const x of readInteractions(file)) out.push(x);
  return out;
}

describe('interaction file', () => {
  it('reads user,item,timestamp with ISO dates, date-times and epoch seconds/ms, columns in any order, quotes and CRLF', async () => {
    const rows = await read('ok.csv', '\ufefftimestamp,user,item\r\n2026-11-01,u1,p1\r\n2026-11-01T10:00:00Z,"u,2",p2\r\n1762000000,u3,p3\r\n1762000000000,u3,"p""4"\r\n\r\n');
    expect(rows).toEqual([
      { user: 'u1', item: 'p1', at: Date.parse('2026-11-01T00:00:00Z') },
      { user: 'u,2', item: 'p2', at: Date.parse('2026-11-01T10:00:00Z') },
      { user: 'u3', item: 'p3', at: 1762000000000 },
      { user: 'u3', item: 'p"4', at: 1762000000000 },
    ]);
  });

  it('reads the H&M transactions file as it is', async () => {
    const rows = await read('hm.csv', 't_dat,customer_id,article_id,price,sales_channel_id\n2018-09-20,000058a1,0663713001,0.0508,2\n');
    expect(rows).toEqual([{ user: '000058a1', item: '0663713001', at: Date.parse('2018-09-20T00:00:00Z') }]);
  });

  it.each([
    ['no header', 'u1,p1,2026-11-01\n', /no-header\.csv:1: header "u1,p1,2026-11-01" has no user, item, timestamp column; expected "user,item,timestamp"/],
    ['missing column', 'user,item\nu1,p1\n', /missing-column\.csv:1: .* has no timestamp column/],
    ['bad timestamp', 'user,item,timestamp\nu1,p1,2026-11-01\nu2,p2,yesterday\n', /bad-timestamp\.csv:3: timestamp "yesterday" is not an ISO 8601 date\/date-time or epoch seconds\/milliseconds/],
    ['too few fields', 'user,item,timestamp\nu1,p1,2026-11-01\n\nu2,p2\n', /too-few-fields\.csv:4: expected 3 columns as in the header, found 2/],
    ['empty user', 'user,item,timestamp\n ,p1,2026-11-01\n', /empty-user\.csv:2: user is empty/],
    ['open quote', 'user,item,timestamp\n"u1,p1,2026-11-01\n', /open-quote\.csv:2: a quoted field is not closed/],
    ['empty file', '', /empty-file\.csv:1: the file is empty/],
  ])('names the file, line and what was expected: %s', async (name, text, message) => {
    const file = `${name.replace(/ /g, '-')}.csv`;
    const err = await read(file, text).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InteractionFileError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('metrics', () => {
  it('AP@12 as in the H&M competition: precision at each hit over min(relevant, 12)', () => {
    const relevant = new Set(['a', 'b', 'c']);
    // Hits at ranks 1 and 3: (1/1 + 2/3) / 3.
    expect(averagePrecisionAt(['a', 'x', 'b', 'y'], relevant)).toBeCloseTo((1 + 2 / 3) / 3, 12);
    expect(averagePrecisionAt(['x', 'y'], relevant)).toBe(0);
    // Thirteen relevant items: the divisor is 12, so a perfect top 12 scores 1.
    const many = new Set(Array.from({ length: 13 }, (_, i) => `i${i}`));
    expect(averagePrecisionAt([...many].slice(0, 12), many)).toBe(1);
    // Only the first 12 recommendations count.
    expect(averagePrecisionAt([...Array.from({ length: 12 }, (_, i) => `x${i}`), 'a'], relevant)).toBe(0);
    expect(recallAt(['a', 'x', 'b'], relevant)).toBeCloseTo(2 / 3, 12);
  });
});

describe('signals', () => {
  it('co-purchase neighbours are cosine-normalised, bounded and survive JSON', () => {
    const co = new CoPurchaseIndex(3);
    for (let i = 0; i < 5; i++) co.add(['jeans', 'belt']);
    co.add(['jeans', 'tee']);
    for (let i = 0; i < 50; i++) co.add(['tee', `other-${i}`]);
    for (let i = 0; i < 10; i++) co.add(['jeans', `x-${i}`]);
    const n = co.neighbours('jeans', 10);
    expect(n.length).toBeLessThanOrEqual(3);
    expect(n[0]?.productId).toBe('belt');
    expect(CoPurchaseIndex.fromJSON(JSON.parse(JSON.stringify(co.toJSON()))).neighbours('jeans', 10)).toEqual(n);
  });

  it('popularity decays with a half-life and ties break by id', () => {
    const p = new Popularity(7 * 86_400_000);
    p.add('old', new Date('2026-11-01T00:00:00Z'));
    p.add('new', new Date('2026-11-08T00:00:00Z'));
    expect(p.score('old')).toBeCloseTo(0.5, 12);
    expect(p.score('new')).toBeCloseTo(1, 12);
    p.add('b', new Date('2026-11-08T00:00:00Z'));
    expect(p.top(3)).toEqual(['b', 'new', 'old']);
    expect(Popularity.fromJSON(JSON.parse(JSON.stringify(p.toJSON()))).top(3)).toEqual(['b', 'new', 'old']);
  });
});

describe('evaluation on a generated purchase log', () => {
  it('the hybrid beats popularity on MAP@12 (seeded, deterministic)', () => {
    const world = createWorld({ seed: 11, shoppers: 1000, products: 600, fraudShare: 0 });
    const log = new InteractionLog();
    // 20,000 orders over 21 days: about 20 per shopper, a third of them in the held-out week.
    for (const { event } of world.orders({ count: 20_000, ratePerSecond: 20_000 / (21 * 86_400) })) {
      for (const id of new Set(event.items.map((i) => i.productId))) log.add({ user: event.userId, item: id, at: Date.parse(event.placedAt) });
    }
    const split = splitOf(log, 7);
    const result = evaluate(log, train(log, split), split);
    expect(result.users).toBeGreaterThan(500);
    expect(result.hybrid.map12).toBeGreaterThan(result.popularity.map12 * 1.2);
    expect(result.hybrid.recall12).toBeGreaterThan(result.popularity.recall12);
    const again = evaluate(log, train(log, split), split);
    expect(again).toEqual(result);
  });

  it('refuses a log too short to hold out the last 7 days', () => {
    const log = new InteractionLog();
    log.add({ user: 'u', item: 'i', at: Date.parse('2026-11-01T00:00:00Z') });
    log.add({ user: 'u', item: 'j', at: Date.parse('2026-11-05T00:00:00Z') });
    expect(() => splitOf(log, 7)).toThrow(/spans 4.0 days; holding out the last 7 needs a longer log/);
  });
});
