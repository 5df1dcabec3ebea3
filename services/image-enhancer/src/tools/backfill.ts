/**
 * Backfill: announce an existing bucket (or prefix) to the image enhancer, page by page, at a
 * fixed rate, resumable from a checkpoint. `--dry-run` lists and estimates without publishing.
 *
 *   npx tsx --conditions=development services/image-enhancer/src/tools/backfill.ts \
 *     --bucket shop-product-images --prefix catalogue/ --rate 200 --dry-run
 */
import { createPubSubClient, PubSubEventBus } from '@commerce/event-kit';
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { createHash } from 'node:crypto';
import { bucketStores } from '../domain/outputs.js';
import { runBackfill, sizing, type Checkpoint } from '../domain/backfill.js';

const program = new Command()
  .name('image-backfill')
  .description('Announce existing images as image-uploaded notifications, at a fixed rate, resumable.')
  .requiredOption('--bucket <name>', 'bucket to backfill')
  .option('--prefix <prefix>', 'only objects under this prefix', '')
  .option('--store <url>', 'blob store location, {bucket} is replaced (as BLOB_STORE_URL)', process.env['BLOB_STORE_URL'] ?? '.tmp/image-enhancer/buckets/{bucket}')
  .option('--rate <n>', 'announcements per second', '50')
  .option('--page-size <n>', 'objects per list page (max 1000)', '1000')
  .option('--checkpoint <file>', 'checkpoint file (default: .tmp/image-enhancer/backfill-<bucket>-<prefix hash>.json)')
  .option('--limit <n>', 'stop after this many announcements (trial run)')
  .option('--dry-run', 'list and estimate; publish nothing', false)
  .option('--output-prefix <prefix>', "the enhancer's output prefix, never announced", 'enhanced/')
  .option('--project <id>', 'Pub/Sub project', process.env['GOOGLE_CLOUD_PROJECT'] ?? process.env['PUBSUB_PROJECT_ID'] ?? 'local')
  .option('--emulator-host <host:port>', 'Pub/Sub emulator', process.env['PUBSUB_EMULATOR_HOST'])
  .option('--img-per-s <n>', 'measured enhancer throughput per instance (make bench-images: service_img_per_s)', '1.5')
  .option('--days <n>', 'days to finish the library in, for the estimate', '14')
  .option('--total <n>', 'images expected (for the estimate and progress bar; a dry run counts them)')
  .option('--regeneration-share <x>', 'share of photos sent to Gemini when IMAGE_PROVIDER=gemini', '0')
  .option('--cost-per-image <usd>', 'Gemini 2.5 Flash Image price per output image', '0.039');

async function main(): Promise<void> {
  const o = program.parse().opts<Record<string, string | boolean | undefined>>();
  const bucket = String(o['bucket']);
  const prefix = String(o['prefix'] ?? '');
  const dryRun = o['dryRun'] === true;
  const rate = Number(o['rate']);
  const store = bucketStores(String(o['store']))(bucket);
  const checkpointPath = String(o['checkpoint'] ?? `.tmp/image-enhancer/backfill-${bucket}-${createHash('sha256').update(prefix).digest('hex').slice(0, 8)}.json`);
  const bus = dryRun
    ? undefined
    : new PubSubEventBus({ pubsub: createPubSubClient({ projectId: String(o['project']), ...(o['emulatorHost'] ? { emulatorHost: String(o['emulatorHost']) } : {}) }), source: 'image-backfill' });
  const total = o['total'] ? Number(o['total']) : undefined;
  const bar = new cliProgress.SingleBar(
    { format: `${dryRun ? 'listing ' : 'backfill'} {bar} {value}${total ? '/{total}' : ''} images | listed {listed} | skipped {skipped} | {gb} GB | {rate}/s`, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const t0 = Date.now();
  bar.start(total ?? 0, 0, { listed: 0, skipped: 0, gb: '0.00', rate: '0' });
  const show = (c: Checkpoint): void => {
    const secs = Math.max(0.001, (Date.now() - t0) / 1000);
    if (!total && c.published > bar.getTotal()) bar.setTotal(c.published);
    bar.update(c.published, { listed: c.listed, skipped: c.skipped, gb: (c.bytes / 1e9).toFixed(2), rate: (c.published / secs).toFixed(1) });
  };
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort(new Error('interrupted: run the same command again to resume from the checkpoint')));
  let result: Checkpoint;
  try {
    result = await runBackfill({
      store,
      bucket,
      prefix,
      ...(bus ? { bus, checkpointPath } : {}),
      ratePerSecond: dryRun ? Number.MAX_SAFE_INTEGER : rate,
      pageSize: Number(o['pageSize']),
      outputPrefix: String(o['outputPrefix']),
      ...(o['limit'] ? { limit: Number(o['limit']) } : {}),
      signal: abort.signal,
      onProgress: show,
    });
    show(result);
  } finally {
    bar.stop();
    await bus?.close();
  }
  const images = dryRun ? result.published : (total ?? result.published);
  const est = sizing({
    images,
    imagesPerSecondPerInstance: Number(o['imgPerS']),
    days: Number(o['days']),
    regenerationShare: Number(o['regenerationShare']),
    costPerImageUsd: Number(o['costPerImage']),
    ratePerSecond: rate,
  });
  const where = `gs://${bucket}/${prefix}`;
  console.log(
    [
      `${dryRun ? 'Dry run' : result.done ? 'Backfill complete' : 'Backfill stopped'}: ${where}`,
      `  images ${dryRun ? 'found' : 'announced'}   ${result.published} (${(result.bytes / 1e9).toFixed(2)} GB), skipped ${result.skipped} (outputs, non-images), listed ${result.listed}`,
      dryRun ? '' : `  checkpoint        ${checkpointPath}${result.done ? ' (done)' : ` (resume by running the same command)`}`,
      `  announcing at     ${rate}/s takes ${est.publishHours} h`,
      `  processing        ${est.instances} instance(s) at ${o['imgPerS']} img/s each finish in ${est.processingHoursWithInstances} h (target ${o['days']} days)`,
      `  Gemini            ${est.geminiImages} images, $${est.geminiCostUsd} (about $${est.geminiDailyBudgetUsd}/day over ${o['days']} days)`,
    ]
      .filter((l) => l !== '')
      .join('\n'),
  );
  console.log(JSON.stringify({ backfill: where, dryRun, done: result.done, images: result.published, skipped: result.skipped, bytes: result.bytes, ...est }));
}

main().catch((err: unknown) => {
  console.error(`image-backfill: ${(err as Error).message}`);
  process.exit(1);
});
