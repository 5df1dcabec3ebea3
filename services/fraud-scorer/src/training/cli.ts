/**
 * Offline half of the fraud model lifecycle: `train`, `evaluate`, `thresholds`, `export-synthetic`,
 * and `eval` (train + evaluate, what `make eval-fraud` runs). See README-models.md.
 * Human-readable output on stdout, progress bars on stderr; `evaluate` and `eval` end stdout with
 * one JSON line.
 */
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createBlobStore } from '@commerce/blob-store';
import { parseBackendSetting, selectBackend } from '../domain/gnn/backend.js';
import { BaselineKinds, type BaselineKind } from './baseline.js';
import { evaluateCommand, thresholdsCommand, trainCommand, type CommandContext, type DataSpec } from './commands.js';
import { publishCommand } from './publish.js';
import { SYNTHETIC_DEFAULTS, exportSynthetic, type SyntheticOptions } from './synthetic-dataset.js';

/** Default model store: a local directory, so nothing needs a cloud account. `gs://bucket/prefix` works too. */
const DEFAULT_STORE = process.env.FRAUD_MODEL_STORE ?? '.tmp/blobs';

const number = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number, got "${v}"`);
  return n;
};
const int = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`);
  return n;
};
const rate = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError(`${name} must be in [0, 1], got "${v}"`);
  return n;
};

interface DataFlags {
  data?: string;
  labels?: string;
  seed?: number;
  orders?: number;
  shoppers?: number;
  fraudShare?: number;
  hop1Fanout?: number;
  fanout?: number;
}

function dataOptions(cmd: Command): Command {
  return cmd
    .option('--data <dir>', 'a dataset directory in the generic format (nodes.csv, edges.csv); default: the synthetic generator')
    .option('--labels <prefix>', 'blob-store prefix of fraud-label-reported JSONL files; they override the labels')
    .option('--seed <n>', `synthetic world seed (default ${SYNTHETIC_DEFAULTS.seed})`, int('--seed'))
    .option('--orders <n>', `synthetic orders (default ${SYNTHETIC_DEFAULTS.orders})`, int('--orders'))
    .option('--shoppers <n>', `synthetic shoppers (default ${SYNTHETIC_DEFAULTS.shoppers})`, int('--shoppers'))
    .option('--fraud-share <x>', `synthetic fraud share (default ${SYNTHETIC_DEFAULTS.fraudShare})`, rate('--fraud-share'))
    .option('--hop1-fanout <n>', 'generic graphs: neighbours sampled per relation (default: 90th percentile of degree, at most 8)', int('--hop1-fanout'))
    .option('--fanout <n>', 'second-hop neighbours sampled per first-hop neighbour (default 8 for orders, 5 for generic graphs)', int('--fanout'));
}

function dataSpec(f: DataFlags): DataSpec | undefined {
  const labels = f.labels ? { labels: f.labels } : {};
  // Absolute, so `evaluate` can rebuild the dataset from the manifest from any directory.
  if (f.data) return { kind: 'generic', dir: path.resolve(f.data), ...(f.hop1Fanout ? { hop1Fanout: f.hop1Fanout } : {}), ...(f.fanout ? { fanout: f.fanout } : {}), ...labels };
  const options: Partial<SyntheticOptions> = {
    ...(f.seed ? { seed: f.seed } : {}),
    ...(f.orders ? { orders: f.orders } : {}),
    ...(f.shoppers ? { shoppers: f.shoppers } : {}),
    ...(f.fraudShare !== undefined ? { fraudShare: f.fraudShare } : {}),
    ...(f.fanout ? { fanout: f.fanout } : {}),
  };
  return { kind: 'synthetic', options, ...labels };
}

async function context(flags: { store: string; backend: string }): Promise<CommandContext> {
  const backend = await selectBackend(parseBackendSetting(flags.backend));
  const store = createBlobStore(flags.store);
  const log = (line: string): void => console.log(line);
  const skipped = backend.tried.filter((t) => !t.ok).map((t) => t.backend);
  log(`backend     ${backend.backend}${skipped.length ? ` (unavailable here: ${skipped.join(', ')})` : ''}`);
  log(`store       ${store.description}`);
  return { store, backend, log, progress: process.stderr.isTTY === true };
}

function trainOptions(cmd: Command): Command {
  return cmd
    .option('--epochs <n>', 'training epochs (default 8)', int('--epochs'))
    .option('--hidden <n>', 'hidden width (default 32)', int('--hidden'))
    .option('--learning-rate <x>', 'Adam learning rate (default 0.005)', number('--learning-rate'))
    .option('--model-seed <n>', 'weight initialisation seed', int('--model-seed'))
    .option('--review-fpr <x>', 'review threshold: validation false-positive rate (default 0.02)', rate('--review-fpr'))
    .option('--decline-fpr <x>', 'decline threshold: validation false-positive rate (default 0.005)', rate('--decline-fpr'))
    .option('--alert-fpr <x>', 'alert threshold: validation false-positive rate (default 0.001)', rate('--alert-fpr'))
    .option('--version <v>', 'version name (default: next free YYYY-MM-DD.N)')
    .option('--model <name>', 'model name to store under (default: fraud-gnn for the generator, fraud-gnn-<dir> for --data)')
    .option('--no-publish', 'do not point latest.json at the new version');
}

interface TrainFlags extends DataFlags {
  epochs?: number;
  hidden?: number;
  learningRate?: number;
  modelSeed?: number;
  reviewFpr?: number;
  declineFpr?: number;
  alertFpr?: number;
  version?: string;
  model?: string;
  publish: boolean;
}

function trainArgs(f: TrainFlags): Parameters<typeof trainCommand>[0] {
  return {
    data: dataSpec(f)!,
    ...(f.epochs ? { epochs: f.epochs } : {}),
    ...(f.hidden ? { hidden: f.hidden } : {}),
    ...(f.learningRate ? { learningRate: f.learningRate } : {}),
    ...(f.modelSeed ? { seed: f.modelSeed } : {}),
    ...(f.version ? { version: f.version } : {}),
    ...(f.model ? { model: f.model } : {}),
    publish: f.publish,
    targets: { ...(f.reviewFpr !== undefined ? { review: f.reviewFpr } : {}), ...(f.declineFpr !== undefined ? { decline: f.declineFpr } : {}), ...(f.alertFpr !== undefined ? { alert: f.alertFpr } : {}) },
  };
}

const baselineOption = new Option('--baseline <kind>', 'feature-only model to compare against').choices(Object.values(BaselineKinds)).default('gbt');

export function program(): Command {
  const root = new Command('fraud-model')
    .description('Train and evaluate the fraud GNN (see services/fraud-scorer/README-models.md)')
    .option('--store <location>', 'blob store for model versions: a directory, file:///dir or gs://bucket/prefix (env FRAUD_MODEL_STORE)', DEFAULT_STORE)
    .option('--backend <backend>', 'auto | tensorflow-gpu | tensorflow | wasm | cpu (env FRAUD_MODEL_BACKEND)', process.env.FRAUD_MODEL_BACKEND ?? 'auto')
    .showHelpAfterError();
  const globals = (): { store: string; backend: string } => root.opts();

  trainOptions(dataOptions(root.command('train').description('train a version on a dataset and store it (weights, normaliser, thresholds, manifest)'))).action(async (f: TrainFlags) => {
    const ctx = await context(globals());
    const r = await trainCommand(trainArgs(f), ctx);
    console.log(JSON.stringify({ trained: `${r.name}@${r.version}`, store: ctx.store.description, prefix: r.prefix }));
  });

  dataOptions(root.command('evaluate').description('evaluate a stored version against a feature-only baseline on the test split; writes the report'))
    .option('--version <v>', 'version to evaluate', 'latest')
    .option('--model <name>', 'model name (default: fraud-gnn, or fraud-gnn-<dir> with --data)')
    .addOption(baselineOption)
    .action(async (f: DataFlags & { version: string; model?: string; baseline: BaselineKind }) => {
      const ctx = await context(globals());
      const explicit = f.data || f.labels || f.seed || f.orders || f.shoppers || f.fraudShare !== undefined;
      const r = await evaluateCommand({ version: f.version, baseline: f.baseline, ...(f.model ? { model: f.model } : {}), ...(explicit ? { data: dataSpec(f)! } : {}) }, ctx);
      console.log(JSON.stringify(r.bench));
    });

  trainOptions(dataOptions(root.command('eval').description('train, then evaluate the new version (make eval-fraud)')))
    .addOption(baselineOption)
    .action(async (f: TrainFlags & { baseline: BaselineKind }) => {
      const ctx = await context(globals());
      const t = await trainCommand(trainArgs(f), ctx);
      const r = await evaluateCommand({ model: t.name, version: t.version, baseline: f.baseline }, ctx);
      console.log(JSON.stringify(r.bench));
    });

  root
    .command('thresholds')
    .description("show a version's thresholds, or change them (calibrated probabilities in [0, 1])")
    .option('--version <v>', 'version', 'latest')
    .option('--model <name>', 'model name (default fraud-gnn)')
    .option('--review <p>', 'new review threshold', rate('--review'))
    .option('--decline <p>', 'new decline threshold', rate('--decline'))
    .option('--alert <p>', 'new alert threshold', rate('--alert'))
    .action(async (f: { version: string; model?: string; review?: number; decline?: number; alert?: number }) => {
      const store = createBlobStore(globals().store);
      await thresholdsCommand(f, { store, log: (l) => console.log(l) });
    });

  root
    .command('publish')
    .description('announce a stored version on model-published: running scorers load it live (between two batches) or as a shadow')
    .option('--version <v>', 'version to publish', 'latest')
    .addOption(new Option('--role <role>', 'live: it takes over; shadow: scored beside the live model and compared').choices(['live', 'shadow']).default('live'))
    .option('--project <id>', 'Pub/Sub project (env GOOGLE_CLOUD_PROJECT)', process.env.GOOGLE_CLOUD_PROJECT ?? 'local')
    .option('--emulator-host <host:port>', 'Pub/Sub emulator (env PUBSUB_EMULATOR_HOST); omit for the real service', process.env.PUBSUB_EMULATOR_HOST)
    .action(async (f: { version: string; role: 'live' | 'shadow'; project: string; emulatorHost?: string }) => {
      const store = createBlobStore(globals().store);
      const r = await publishCommand({ version: f.version, role: f.role, projectId: f.project, ...(f.emulatorHost ? { emulatorHost: f.emulatorHost } : {}) }, { store, log: (l) => console.log(l) });
      console.log(JSON.stringify(r));
    });

  root
    .command('export-synthetic <dir>')
    .description("write the generator's world as a generic-format dataset (nodes.csv, edges.csv)")
    .option('--seed <n>', 'world seed', int('--seed'))
    .option('--orders <n>', 'orders', int('--orders'))
    .option('--shoppers <n>', 'shoppers', int('--shoppers'))
    .option('--fraud-share <x>', 'fraud share', rate('--fraud-share'))
    .action(async (dir: string, f: DataFlags) => {
      const spec = dataSpec(f);
      const r = await exportSynthetic(dir, spec?.kind === 'synthetic' ? spec.options : {});
      console.log(`wrote ${dir}/nodes.csv (${r.nodes} nodes) and ${dir}/edges.csv (${r.edges} edges)`);
    });
  return root;
}

program()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  });
