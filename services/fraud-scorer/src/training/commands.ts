import path from 'node:path';
import type { BlobStore } from '@commerce/blob-store';
import { SingleBar } from 'cli-progress';
import type { BackendSelection } from '../domain/gnn/backend.js';
import { TRAIN_DEFAULTS, type EpochStats, type TrainHooks } from '../domain/gnn/model.js';
import { MODEL_NAME, ModelFiles, loadModel, nextVersion, readThresholds, resolveVersion, saveModel, versionPrefix, writeThresholds, type Manifest, type Thresholds } from '../domain/gnn/registry.js';
import type { BaselineKind } from './baseline.js';
import { splitCounts, type Dataset } from './dataset.js';
import { loadGenericDataset } from './generic-format.js';
import { readLabels } from './labels.js';
import { PIPELINE_DEFAULTS, THRESHOLD_TARGETS, evaluate, trainBaseline, trainGnn, type Evaluation, type ThresholdTargets } from './pipeline.js';
import { renderReport } from './report.js';
import { syntheticDataset, type SyntheticOptions } from './synthetic-dataset.js';

/** Where the data comes from; recorded in the manifest so `evaluate` can rebuild the same dataset. */
export type DataSpec =
  | { readonly kind: 'synthetic'; readonly options: Partial<SyntheticOptions>; readonly labels?: string }
  | { readonly kind: 'generic'; readonly dir: string; readonly hop1Fanout?: number; readonly fanout?: number; readonly labels?: string };

/**
 * The model name a dataset's versions are stored under. Only order-event models are `fraud-gnn`,
 * the name the live scorer follows (`models/fraud-gnn/latest.json`): a model trained on a generic
 * dataset has another layout and must never become its `latest`, so it goes under
 * `fraud-gnn-<dataset directory>`.
 */
export function modelNameFor(spec: DataSpec): string {
  if (spec.kind === 'synthetic') return MODEL_NAME;
  const slug = path.basename(path.resolve(spec.dir)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'dataset';
  return `${MODEL_NAME}-${slug}`;
}

/** Human-readable lines go here; the caller decides where (stdout in the CLI, an array in tests). */
export type Log = (line: string) => void;

export interface CommandContext {
  readonly store: BlobStore;
  readonly backend: BackendSelection;
  readonly log: Log;
  /** Show cli-progress bars (on stderr) during training. */
  readonly progress?: boolean;
}

export async function loadDataset(spec: DataSpec, store: BlobStore, log: Log): Promise<Dataset> {
  let labels;
  if (spec.labels) {
    const read = await readLabels(store, spec.labels);
    log(`labels      ${read.events} fraud-label-reported events in ${read.objects.length} object(s) under ${spec.labels} in ${store.description}, ${read.labels.size} orders`);
    labels = read.labels;
  }
  if (spec.kind === 'synthetic') return syntheticDataset(spec.options, labels);
  const ds = await loadGenericDataset(spec.dir, { ...(spec.hop1Fanout ? { hop1Fanout: spec.hop1Fanout } : {}), ...(spec.fanout ? { fanout: spec.fanout } : {}) });
  if (!labels) return ds;
  // Reported labels override the file's, matched on the node id (or `order:<id>` as the exporter writes).
  const relabel = (id: string): 0 | 1 | undefined => {
    const l = labels.get(id) ?? labels.get(id.replace(/^order:/, ''));
    return l === undefined ? undefined : l === 'fraud' ? 1 : 0;
  };
  return { ...ds, examples: ds.examples.map((e) => ({ ...e, label: relabel(e.id) ?? 0 })), facts: { ...ds.facts, labels: `reported labels (${labels.size}); nodes without one count as legitimate` } };
}

function describeSplits(ds: Dataset): string {
  const c = splitCounts(ds);
  return (['train', 'valid', 'test'] as const).map((s) => `${s} ${c[s].total} (${c[s].fraud} fraud)`).join(', ');
}

function progressHooks(ctx: CommandContext, epochs: number): TrainHooks {
  let bar: SingleBar | undefined;
  return {
    onBatch(epoch, done, total, loss) {
      if (!ctx.progress) return;
      if (!bar) {
        bar = new SingleBar({ format: ` epoch ${epoch}/${epochs} {bar} {percentage}% | {value}/{total} examples | loss {loss}`, hideCursor: true, clearOnComplete: true, barsize: 30, barCompleteChar: '\u2588', barIncompleteChar: '\u2591' });
        bar.start(total, 0, { loss: '-' });
      }
      bar.update(done, { loss: loss.toFixed(4) });
    },
    onEpoch(s: EpochStats) {
      bar?.stop();
      bar = undefined;
      ctx.log(`epoch ${String(s.epoch).padStart(2)}/${epochs}  loss ${s.loss.toFixed(4)}  valid ROC AUC ${s.validationRocAuc.toFixed(4)}  PR AUC ${s.validationPrAuc.toFixed(4)}`);
    },
  };
}

export interface TrainCommandOptions {
  readonly data: DataSpec;
  readonly epochs?: number;
  readonly hidden?: number;
  readonly seed?: number;
  readonly learningRate?: number;
  readonly targets?: Partial<ThresholdTargets>;
  /** Default: next free `YYYY-MM-DD.N`. */
  readonly version?: string;
  /** Point `latest.json` at the new version (default true). */
  readonly publish?: boolean;
  /** Default: {@link modelNameFor} the data. */
  readonly model?: string;
}

export interface TrainCommandResult {
  readonly name: string;
  readonly version: string;
  readonly prefix: string;
  readonly thresholds: Thresholds;
  readonly manifest: Manifest;
}

/** Trains on the train split, calibrates and sets thresholds on validation, writes the version to the blob store. */
export async function trainCommand(opts: TrainCommandOptions, ctx: CommandContext): Promise<TrainCommandResult> {
  const started = performance.now();
  const ds = await loadDataset(opts.data, ctx.store, ctx.log);
  ctx.log(`dataset     ${ds.name}: ${describeSplits(ds)}`);
  const epochs = opts.epochs ?? TRAIN_DEFAULTS.epochs;
  const targets = { ...THRESHOLD_TARGETS, ...opts.targets };
  const run = await trainGnn(
    ds,
    { hidden: opts.hidden ?? PIPELINE_DEFAULTS.hidden, seed: opts.seed ?? PIPELINE_DEFAULTS.seed, train: { epochs, ...(opts.learningRate ? { learningRate: opts.learningRate } : {}) }, targets },
    progressHooks(ctx, epochs),
  );
  try {
    const name = opts.model ?? modelNameFor(opts.data);
    const version = opts.version ?? (await nextVersion(ctx.store, new Date(), name));
    const { f1, ...thresholds } = run.thresholds;
    const manifest: Manifest = {
      name,
      version,
      createdAt: new Date().toISOString(),
      backend: ctx.backend.backend,
      data: opts.data,
      dataset: { name: ds.name, kind: ds.kind, window: ds.window ?? null, facts: ds.facts, splits: splitCounts(ds) },
      layout: { features: ds.layout.features.length, relations: ds.layout.relations },
      training: { epochs: run.result.epochs, bestEpoch: run.result.bestEpoch, positiveWeight: run.result.positiveWeight, calibration: run.result.calibration, trainMs: Math.round(run.result.trainMs), config: run.model.config },
      thresholds: { ...thresholds, f1, targets },
      metrics: { validation: run.validation },
    };
    const { prefix } = await saveModel(ctx.store, { name, version, artifact: run.model.toArtifact(), thresholds: { ...thresholds, f1 } as Thresholds, manifest, latest: opts.publish !== false });
    const v = run.validation;
    ctx.log(`trained     best epoch ${run.result.bestEpoch}/${epochs} in ${(run.result.trainMs / 1000).toFixed(1)} s; validation ROC AUC ${v.rocAuc.toFixed(4)}, PR AUC ${v.prAuc.toFixed(4)}`);
    ctx.log(`thresholds  review ${thresholds.review.toFixed(4)}  decline ${thresholds.decline.toFixed(4)}  alert ${thresholds.alert.toFixed(4)} (validation FPR <= ${targets.review}, ${targets.decline}, ${targets.alert})`);
    ctx.log(`saved       ${prefix}/ in ${ctx.store.description} (${opts.publish !== false ? 'now latest' : 'not published'}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return { name, version, prefix, thresholds, manifest };
  } finally {
    run.model.dispose();
  }
}

export interface EvaluateCommandOptions {
  /** A version or `latest` (default). */
  readonly version?: string;
  /** Default: the data the version was trained on (from its manifest). */
  readonly data?: DataSpec;
  readonly baseline?: BaselineKind;
  /** Default: {@link modelNameFor} `data` when given, else `fraud-gnn`. */
  readonly model?: string;
}

export interface EvaluateCommandResult {
  readonly version: string;
  readonly evaluation: Evaluation;
  readonly reportUrl: string;
  readonly pngUrls: readonly string[];
  /** The benchmark line: `{"bench":"fraud-eval",...}`. */
  readonly bench: { bench: 'fraud-eval'; gnn_pr_auc: number; baseline_pr_auc: number; gnn_roc_auc: number; baseline_roc_auc: number };
}

/** Scores the test split with a stored version and a feature-only baseline trained now, and writes the report under the version. */
export async function evaluateCommand(opts: EvaluateCommandOptions, ctx: CommandContext): Promise<EvaluateCommandResult> {
  const name = opts.model ?? (opts.data ? modelNameFor(opts.data) : MODEL_NAME);
  const version = await resolveVersion(ctx.store, opts.version, name);
  const loaded = await loadModel(ctx.store, { name, version, expected: null });
  try {
    const data = opts.data ?? (loaded.manifest.data as DataSpec | undefined);
    if (!data) throw new Error(`version ${version} has no data spec in its manifest: pass a dataset`);
    const ds = await loadDataset(data, ctx.store, ctx.log);
    if (ds.layout.features.join() !== loaded.model.layout.features.join() || ds.layout.relations.join() !== loaded.model.layout.relations.join()) {
      throw new Error(`version ${version} was trained on a different graph layout than ${ds.name} (features or relations differ)`);
    }
    ctx.log(`evaluating  ${loaded.modelVersion} on ${ds.name}: ${describeSplits(ds)}`);
    const kind = opts.baseline ?? PIPELINE_DEFAULTS.baseline;
    const baseline = trainBaseline(ds, kind);
    const thresholds = await readThresholds(ctx.store, version, name);
    const ev = await evaluate(ds, loaded.model, thresholds, baseline);
    const training = loaded.manifest.training as { epochs?: EpochStats[]; bestEpoch?: number } | undefined;
    const report = await renderReport({
      modelVersion: loaded.modelVersion,
      evaluation: ev,
      thresholds,
      epochs: training?.epochs ?? [],
      bestEpoch: training?.bestEpoch ?? 0,
      datasetFacts: ds.facts,
      ...(ds.window ? { window: ds.window } : {}),
      backend: ctx.backend.backend,
      generatedAt: new Date().toISOString(),
    });
    const prefix = `${versionPrefix(version, name)}/${ModelFiles.report}`;
    await ctx.store.put(`${prefix}/index.html`, Buffer.from(report.html), { contentType: 'text/html; charset=utf-8' });
    const pngUrls: string[] = [];
    for (const [name, bytes] of Object.entries(report.files)) {
      await ctx.store.put(`${prefix}/${name}`, bytes, { contentType: 'image/png' });
      pngUrls.push(ctx.store.url(`${prefix}/${name}`));
    }
    const { curves: _curves, ...summary } = ev;
    await ctx.store.put(`${prefix}/evaluation.json`, Buffer.from(JSON.stringify({ version, ...summary }, null, 1)), { contentType: 'application/json' });
    // The manifest keeps the latest test metrics next to the validation ones (for /healthz, dashboards).
    const manifest = { ...loaded.manifest, metrics: { ...(loaded.manifest.metrics as object | undefined), test: { dataset: ds.name, evaluatedAt: new Date().toISOString(), gnn: ev.gnn, baseline: { kind: ev.baselineKind, ...ev.baseline }, patterns: ev.patterns } }, report: `${prefix}/index.html` };
    await ctx.store.put(`${versionPrefix(version, name)}/${ModelFiles.manifest}`, Buffer.from(JSON.stringify(manifest, null, 1)), { contentType: 'application/json' });
    printSummary(ev, ctx.log);
    const reportUrl = ctx.store.url(`${prefix}/index.html`);
    ctx.log(`report      ${reportUrl}`);
    for (const u of pngUrls) ctx.log(`plot        ${u}`);
    const r = (x: number): number => Math.round(x * 10000) / 10000;
    return {
      version,
      evaluation: ev,
      reportUrl,
      pngUrls,
      bench: { bench: 'fraud-eval', gnn_pr_auc: r(ev.gnn.prAuc), baseline_pr_auc: r(ev.baseline.prAuc), gnn_roc_auc: r(ev.gnn.rocAuc), baseline_roc_auc: r(ev.baseline.rocAuc) },
    };
  } finally {
    loaded.model.dispose();
  }
}

function printSummary(ev: Evaluation, log: Log): void {
  const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(4) : '   n/a');
  const p = (x: number): string => `${(x * 100).toFixed(1)}%`.padStart(6);
  log('');
  log(`test split: ${ev.gnn.examples} examples, ${ev.gnn.fraud} fraud          GNN   baseline (${ev.baselineKind})`);
  log(`  PR AUC                                 ${f(ev.gnn.prAuc)}   ${f(ev.baseline.prAuc)}`);
  log(`  ROC AUC                                ${f(ev.gnn.rocAuc)}   ${f(ev.baseline.rocAuc)}`);
  log(`  F1-macro (threshold from validation)   ${f(ev.gnn.f1Macro)}   ${f(ev.baseline.f1Macro)}`);
  log(`  recall at 1% FPR                       ${p(ev.gnn.recallAt1PctFpr)}   ${p(ev.baseline.recallAt1PctFpr)}`);
  if (ev.patterns.length) {
    log('per pattern (that fraud vs all legitimate), PR AUC:');
    for (const r of ev.patterns) log(`  ${r.pattern.padEnd(20)} ${String(r.fraud).padStart(5)} fraud   GNN ${f(r.gnnPrAuc)}   baseline ${f(r.baselinePrAuc)}`);
  }
  if (ev.quirks.length) {
    log('legitimate orders that look unusual, sent to review:');
    for (const q of ev.quirks) log(`  ${q.quirk.padEnd(20)} ${String(q.orders).padStart(5)} orders  GNN ${String(q.gnnFlagged).padStart(4)}   baseline ${String(q.baselineFlagged).padStart(4)}`);
  }
  log('decisions on the test split (GNN):');
  for (const d of ev.decisions) log(`  ${d.name.padEnd(8)} >= ${d.threshold.toFixed(4)}  flagged ${String(d.flagged).padStart(5)}  precision ${p(d.precision)}  recall ${p(d.recall)}  FPR ${p(d.fpr)}`);
}

/** Shows a version's thresholds, or replaces the given ones. */
export async function thresholdsCommand(opts: { version?: string; model?: string; review?: number; decline?: number; alert?: number }, ctx: Pick<CommandContext, 'store' | 'log'>): Promise<Thresholds> {
  const name = opts.model ?? MODEL_NAME;
  const version = await resolveVersion(ctx.store, opts.version, name);
  const current = await readThresholds(ctx.store, version, name);
  const changes = { ...(opts.review !== undefined ? { review: opts.review } : {}), ...(opts.decline !== undefined ? { decline: opts.decline } : {}), ...(opts.alert !== undefined ? { alert: opts.alert } : {}) };
  let out = current;
  if (Object.keys(changes).length > 0) {
    const basis = { ...current.basis, ...Object.fromEntries(Object.keys(changes).map((k) => [k, `set by hand ${new Date().toISOString()}`])) };
    out = { ...current, ...changes, basis, updatedAt: new Date().toISOString() };
    await writeThresholds(ctx.store, version, out, name);
  }
  ctx.log(`${name}@${version}: review ${out.review}  decline ${out.decline}  alert ${out.alert}`);
  return out;
}
