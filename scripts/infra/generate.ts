/**
 * Writes infra/pubsub.tf.json from infra/topology.yaml (make infra-generate), or with --check fails
 * when the committed file differs from what the topology gives (the drift test does the same in jest).
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTopology } from '@commerce/topology';
import { renderPubsubTfText } from './pubsub-tf.js';

export const PUBSUB_TF = fileURLToPath(new URL('../../infra/pubsub.tf.json', import.meta.url));

function main(): number {
  const check = process.argv.includes('--check');
  const wanted = renderPubsubTfText(loadTopology('cloud'));
  const current = existsSync(PUBSUB_TF) ? readFileSync(PUBSUB_TF, 'utf8') : undefined;
  if (current === wanted) {
    console.log(`infra-generate: infra/pubsub.tf.json is current with the topology`);
    return 0;
  }
  if (check) {
    console.error('infra-generate: infra/pubsub.tf.json is stale: run `make infra-generate` and commit the result');
    return 1;
  }
  writeFileSync(PUBSUB_TF, wanted);
  console.log(`infra-generate: wrote infra/pubsub.tf.json`);
  return 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`infra-generate: ${(err as Error).message}`);
  process.exitCode = 1;
}
