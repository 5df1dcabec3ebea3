/**
 * `make eval-recs [DATA=<dir with interactions.csv>]`: offline evaluation of the recommender,
 * H&M style: the last 7 days of the log are held out, MAP@12 and recall@12 of the hybrid
 * against the popularity baseline in the same run. The file format is documented in
 * `src/domain/recs/interactions.ts` and the README.
 *
 * - With DATA (user, item, timestamp only): the items-only hybrid (co-purchase from the
 *   user's history + popularity, bought items excluded). No product facts are invented.
 * - Without DATA: a purchase log from `@commerce/synthetic` (honest shoppers with category,
 *   brand and colour tastes). Then the full recommender runs as the service does (catalogue
 *   from product-updated, profiles folded from order-placed) and reports it as map12; the
 *   items-only hybrid on the very same log is reported beside it (items_map12).
 *
 * Last line of stdout: one JSON object. Progress goes to stderr.
 */
import type { OrderPlacedEvent } from '@commerce/contracts';
import { createWorld, DEFAULTS } from '@commerce/synthetic';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  INTERACTIONS_HEADER, InteractionLog, evaluate, foldOrder, formatInteraction, prepareCatalogue, productFromEvent, readInteractions,
  recommend, recommendForNewShopper, splitOf, train, type CatalogueProduct, type EvalResult, type ShopperProfile,
} from '../domain/recs/index.js';

const opts = new Command('eval-recs')
  .description('MAP@12 and recall@12 of the recommender vs popularity on a purchase log (last 7 days held out)')
  .option('--data <dir>', `directory holding interactions.csv (${INTERACTIONS_HEADER}); without it a log is generated`)
  .option('--seed <n>', 'generator seed', '7')
  .option('--shoppers <n>', 'generated shoppers', '10000')
  .option('--products <n>', 'generated catalogue size', '2000')
  .option('--merchants <n>', 'generated merchants', '60')
  .option('--days <n>', 'days of generated purchases (at the generator default of 0.05 orders per second)', '28')
  .option('--holdout-days <n>', 'days at the end of the log held out for testing', '7')
  .option('--write <file>', 'also write the generated log in the interaction-file format (to run the DATA path on it)')
  .parse()
  .opts<{ data?: string; seed: string; shoppers: string; products: string; merchants: string; days: string; holdoutDays: string; write?: string }>();

function integer(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}, got "${text}"`);
  return n;
}

let current: cliProgress.SingleBar | undefined;

/** One stage's progress bar on stderr (stages run one after another). */
function bar(stage: string, total: number, unit: string): { tick: (n?: number) => void; set: (n: number) => void; done: () => void } {
  current?.stop();
  const b = new cliProgress.SingleBar({ format: `${stage.padEnd(9)} {bar} {percentage}% | {value}/{total} ${unit}`, hideCursor: true }, cliProgress.Presets.shades_classic);
  current = b;
  b.start(Math.max(1, total), 0);
  let value = 0;
  // Redrawing per row would cost more than the work; every 1% is plenty.
  const step = Math.max(1, Math.floor(total / 100));
  return {
    tick: (n = 1) => {
      value += n;
      if (value % step < n) b.update(value);
    },
    set: (n) => b.update(n),
    done: () => {
      b.update(Math.max(1, total));
      b.stop();
      current = undefined;
    },
  };
}

async function readLog(dir: string): Promise<InteractionLog> {
  const file = join(dir, 'interactions.csv');
  if (!existsSync(file)) throw new Error(`${file} does not exist: DATA must be a directory holding interactions.csv (${INTERACTIONS_HEADER})`);
  const size = statSync(file).size;
  const progress = bar('read', size, 'bytes');
  const log = new InteractionLog();
  for await (const x of readInteractions(file, { onBytes: progress.set })) log.add(x);
  progress.done();
  return log;
}

interface Generated {
  log: InteractionLog;
  orders: OrderPlacedEvent[];
  catalogue: Map<string, CatalogueProduct>;
}

async function generate(): Promise<Generated> {
  const days = integer('days', opts.days, 2);
  // Honest traffic only: fraud orders are bought for resale, not taste, and would blur what is measured.
  const world = createWorld({
    seed: integer('seed', opts.seed, Number.MIN_SAFE_INTEGER),
    shoppers: integer('shoppers', opts.shoppers, 1),
    products: integer('products', opts.products, 1),
    merchants: integer('merchants', opts.merchants, 1),
    fraudShare: 0,
  });
  const count = Math.round(days * 86_400 * DEFAULTS.ratePerSecond);
  const progress = bar('generate', count, 'orders');
  const log = new InteractionLog();
  const orders: OrderPlacedEvent[] = [];
  for (const { event } of world.orders({ count })) {
    orders.push(event);
    const at = Date.parse(event.placedAt);
    for (const id of new Set(event.items.map((i) => i.productId))) log.add({ user: event.userId, item: id, at });
    progress.tick();
  }
  progress.done();
  if (opts.write) {
    await mkdir(dirname(opts.write), { recursive: true });
    const rows: string[] = [INTERACTIONS_HEADER];
    for (const o of orders) for (const id of new Set(o.items.map((i) => i.productId))) rows.push(formatInteraction({ user: o.userId, item: id, at: Date.parse(o.placedAt) }));
    await writeFile(opts.write, `${rows.join('\n')}\n`);
  }
  const catalogue = new Map(world.products().map((e) => [e.productId, productFromEvent(e)]));
  return { log, orders, catalogue };
}

const r4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function describe(label: string, r: EvalResult): void {
  console.log(
    `${label.padEnd(12)} MAP@12 ${r.hybrid.map12.toFixed(4)} recall@12 ${r.hybrid.recall12.toFixed(4)} | popularity MAP@12 ${r.popularity.map12.toFixed(4)} recall@12 ${r.popularity.recall12.toFixed(4)} | users with history: ${r.hybridWithHistory.map12.toFixed(4)} vs ${r.popularityWithHistory.map12.toFixed(4)}`,
  );
}

async function main(): Promise<void> {
  const holdoutDays = integer('holdout-days', opts.holdoutDays, 1);
  const started = performance.now();
  const generated = opts.data ? undefined : await generate();
  const log = generated ? generated.log : await readLog(opts.data as string);
  const split = splitOf(log, holdoutDays);
  const trainBar = bar('train', log.length, 'rows');
  const trained = train(log, split, () => trainBar.tick());
  trainBar.done();

  const evalBar = bar('items', trained.heldOut.size, 'users');
  const items = evaluate(log, trained, split, undefined, () => evalBar.tick());
  evalBar.done();

  let full: EvalResult | undefined;
  let msPerShopper: number | undefined;
  if (generated) {
    // Profiles as the service folds them, from the training orders only.
    const profiles = new Map<string, ShopperProfile>();
    for (const o of generated.orders) if (Date.parse(o.placedAt) <= split.cutoffMs) profiles.set(o.userId, foldOrder(profiles.get(o.userId), o));
    const index = prepareCatalogue(generated.catalogue);
    const fullBar = bar('full', trained.heldOut.size, 'users');
    let spent = 0;
    let timed = 0;
    full = evaluate(log, trained, split, (user) => {
      const profile = profiles.get(user);
      const t0 = performance.now();
      const recs = profile ? recommend(profile, index, trained.signals) : recommendForNewShopper(index, trained.signals);
      spent += performance.now() - t0;
      timed++;
      return recs.map((r) => r.product.productId);
    }, () => fullBar.tick());
    fullBar.done();
    msPerShopper = spent / Math.max(1, timed);
  }
  const main = full ?? items;
  console.log(`log          ${log.length} purchases, ${log.users.length} users, ${log.items.length} items, ${day(split.startMs)} .. ${day(split.endMs)}`);
  console.log(`held out     after ${new Date(split.cutoffMs).toISOString()} (last ${holdoutDays} days): ${main.users} users with purchases, ${main.usersWithHistory} of them with earlier purchases`);
  if (full) describe('full hybrid', full);
  describe('items-only', items);
  if (msPerShopper !== undefined) console.log(`recommend    ${msPerShopper.toFixed(3)} ms per shopper (full hybrid, ${generated?.catalogue.size} products)`);
  console.log(
    JSON.stringify({
      bench: 'recs',
      map12: r4(main.hybrid.map12),
      recall12: r4(main.hybrid.recall12),
      pop_map12: r4(main.popularity.map12),
      pop_recall12: r4(main.popularity.recall12),
      model: full ? 'full-hybrid' : 'items-only-hybrid',
      source: opts.data ? join(opts.data, 'interactions.csv') : `synthetic seed=${opts.seed} shoppers=${opts.shoppers} products=${opts.products} days=${opts.days}`,
      ...(full ? { items_map12: r4(items.hybrid.map12), items_recall12: r4(items.hybrid.recall12) } : {}),
      history_map12: r4(main.hybridWithHistory.map12),
      history_pop_map12: r4(main.popularityWithHistory.map12),
      users: main.users,
      users_with_history: main.usersWithHistory,
      items: log.items.length,
      rows: log.length,
      period: { from: new Date(split.startMs).toISOString(), cutoff: new Date(split.cutoffMs).toISOString(), to: new Date(split.endMs).toISOString(), holdout_days: holdoutDays },
      ...(msPerShopper !== undefined ? { ms_per_shopper: r4(msPerShopper) } : {}),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    }),
  );
}

main().catch((err: unknown) => {
  current?.stop();
  console.error(`eval-recs: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
