/**
 * Uploads and announces the demo's degraded product photos to a running stack:
 *   PUBSUB_EMULATOR_HOST=127.0.0.1:8085 npx tsx --conditions=development services/image-enhancer/src/tools/demo-samples.ts [--rounds 1]
 */
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { Command } from 'commander';
import { announceDemoSamples, DEFAULT_BLOB_STORE_URL, DEMO_BUCKET } from '../demo-samples.js';

const o = new Command()
  .option('--project <id>', 'Pub/Sub project', process.env['GOOGLE_CLOUD_PROJECT'] ?? 'local')
  .option('--emulator-host <host:port>', 'Pub/Sub emulator', process.env['PUBSUB_EMULATOR_HOST'])
  .option('--store <url>', 'BLOB_STORE_URL of the enhancer', process.env['BLOB_STORE_URL'] ?? DEFAULT_BLOB_STORE_URL)
  .option('--bucket <name>', 'bucket', DEMO_BUCKET)
  .option('--rounds <n>', 'photos per kind', '1')
  .parse()
  .opts<{ project: string; emulatorHost?: string; store: string; bucket: string; rounds: string }>();

async function main(): Promise<void> {
  const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId: o.project, ...(o.emulatorHost ? { emulatorHost: o.emulatorHost } : {}) }), source: 'cloud-storage-notification' });
  try {
    const samples = await announceDemoSamples({ bus, storeUrl: o.store, bucket: o.bucket, rounds: Number(o.rounds) });
    for (const s of samples) console.log(`${s.kind.padEnd(14)} ${s.url}`);
    console.log(`announced ${samples.length} photos; outputs land under enhanced/ in the same store`);
  } finally {
    await bus.close();
  }
}

main().catch((err: unknown) => {
  console.error(`demo-samples: ${(err as Error).message}`);
  process.exit(1);
});
