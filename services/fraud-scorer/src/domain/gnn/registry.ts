import type { BlobStore } from '@commerce/blob-store';
import { BlobNotFoundError } from '@commerce/blob-store';
import type { FusedGnn } from './fused.js';
import { FraudGnn, ORDER_LAYOUT, type GraphLayout, type ModelArtifact } from './model.js';

/**
 * Where model versions live in the blob store:
 *   models/<name>/<version>/model.json       the `fraud-gnn/1` artifact (weights, normaliser, calibration)
 *   models/<name>/<version>/thresholds.json  review / decline / alert thresholds (analysts may edit)
 *   models/<name>/<version>/manifest.json    data window, training run, thresholds as chosen, metrics
 *   models/<name>/<version>/report/...       evaluation report (index.html, PNG plots, evaluation.json)
 *   models/<name>/latest.json                `{ "version": ... }`: the version scorers load
 */
export const MODEL_NAME = 'fraud-gnn';

export const ModelFiles = {
  model: 'model.json',
  thresholds: 'thresholds.json',
  manifest: 'manifest.json',
  report: 'report',
} as const;

/** Calibrated-probability thresholds; an order is flagged when `probability >= threshold`. */
export interface Thresholds {
  readonly review: number;
  readonly decline: number;
  readonly alert: number;
  /** How each was chosen, for the report and for whoever changes them. */
  readonly basis?: Readonly<Record<string, string>>;
  readonly updatedAt?: string;
}

/** Free-form JSON describing a version (what data, which run, what metrics). */
export type Manifest = Readonly<Record<string, unknown>> & { readonly version: string; readonly createdAt: string };

export interface LoadedModel {
  readonly name: string;
  readonly version: string;
  /** `<name>@<version>`, the `modelVersion` to put on scores and alerts. */
  readonly modelVersion: string;
  readonly model: FraudGnn;
  readonly thresholds: Thresholds;
  readonly manifest: Manifest;
  /** The same network as plain loops, used instead of TF.js on wasm/cpu when attached (see fused.ts). */
  readonly fused?: FusedGnn;
}

export function versionPrefix(version: string, name: string = MODEL_NAME): string {
  return `models/${name}/${version}`;
}
export function latestKey(name: string = MODEL_NAME): string {
  return `models/${name}/latest.json`;
}

async function getJson<T>(store: BlobStore, key: string): Promise<T> {
  return JSON.parse((await store.get(key)).toString('utf8')) as T;
}
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value, null, 1));

/** The version `latest.json` points at, or undefined when nothing was published yet. */
export async function latestVersion(store: BlobStore, name: string = MODEL_NAME): Promise<string | undefined> {
  try {
    return (await getJson<{ version: string }>(store, latestKey(name))).version;
  } catch (err) {
    if (err instanceof BlobNotFoundError) return undefined;
    throw err;
  }
}

/** `latest` (or undefined) resolves through the pointer; anything else is taken as a version. */
export async function resolveVersion(store: BlobStore, version: string | undefined, name: string = MODEL_NAME): Promise<string> {
  if (version && version !== 'latest') return version;
  const v = await latestVersion(store, name);
  if (!v) throw new Error(`no ${name} model has been published in ${store.description} (${latestKey(name)} is missing): run the train command first`);
  return v;
}

/** Next free version for a day: `YYYY-MM-DD.N`. */
export async function nextVersion(store: BlobStore, now: Date, name: string = MODEL_NAME): Promise<string> {
  const day = now.toISOString().slice(0, 10);
  const page = await store.list(`models/${name}/${day}.`, { delimiter: '/' });
  const used = (page.prefixes ?? []).map((p) => Number(p.slice(`models/${name}/${day}.`.length, -1))).filter(Number.isInteger);
  return `${day}.${Math.max(0, ...used) + 1}`;
}

export async function saveModel(
  store: BlobStore,
  entry: { version: string; artifact: ModelArtifact; thresholds: Thresholds; manifest: Manifest; latest?: boolean; name?: string },
): Promise<{ prefix: string }> {
  const name = entry.name ?? MODEL_NAME;
  const prefix = versionPrefix(entry.version, name);
  // The model first and the pointer last: a scorer following `latest` never sees a half-written version.
  await store.put(`${prefix}/${ModelFiles.model}`, json(entry.artifact), { contentType: 'application/json' });
  await store.put(`${prefix}/${ModelFiles.thresholds}`, json(entry.thresholds), { contentType: 'application/json' });
  await store.put(`${prefix}/${ModelFiles.manifest}`, json(entry.manifest), { contentType: 'application/json' });
  if (entry.latest !== false) await setLatest(store, entry.version, name);
  return { prefix };
}

export async function setLatest(store: BlobStore, version: string, name: string = MODEL_NAME): Promise<void> {
  await store.put(latestKey(name), json({ version, updatedAt: new Date().toISOString() }), { contentType: 'application/json' });
}

export async function readThresholds(store: BlobStore, version: string, name: string = MODEL_NAME): Promise<Thresholds> {
  return getJson<Thresholds>(store, `${versionPrefix(version, name)}/${ModelFiles.thresholds}`);
}

/** Replaces a version's thresholds (each in [0, 1], review <= decline); the model itself is untouched. */
export async function writeThresholds(store: BlobStore, version: string, thresholds: Thresholds, name: string = MODEL_NAME): Promise<void> {
  for (const k of ['review', 'decline', 'alert'] as const) {
    const v = thresholds[k];
    if (!(v >= 0 && v <= 1)) throw new RangeError(`threshold ${k} must be in [0, 1], got ${v}`);
  }
  if (thresholds.review > thresholds.decline) throw new RangeError(`review (${thresholds.review}) must not be above decline (${thresholds.decline})`);
  await store.put(`${versionPrefix(version, name)}/${ModelFiles.thresholds}`, json(thresholds), { contentType: 'application/json' });
}

/**
 * Loads a version (default: the one `latest.json` names) ready to score. `expected` is the graph
 * layout the caller will feed: the order-event layout by default (the online scorer); `null`
 * accepts whatever the artifact was trained on (evaluating a generic-dataset model).
 * The caller owns the returned model: `model.dispose()` when replacing it.
 */
export async function loadModel(store: BlobStore, options: { version?: string; name?: string; expected?: GraphLayout | null } = {}): Promise<LoadedModel> {
  const name = options.name ?? MODEL_NAME;
  const version = await resolveVersion(store, options.version, name);
  const prefix = versionPrefix(version, name);
  const [artifact, thresholds, manifest] = await Promise.all([
    getJson<ModelArtifact>(store, `${prefix}/${ModelFiles.model}`),
    getJson<Thresholds>(store, `${prefix}/${ModelFiles.thresholds}`),
    getJson<Manifest>(store, `${prefix}/${ModelFiles.manifest}`),
  ]);
  const model = FraudGnn.fromArtifact(artifact, options.expected === undefined ? ORDER_LAYOUT : options.expected);
  return { name, version, modelVersion: `${name}@${version}`, model, thresholds, manifest };
}

export const Decisions = { Approve: 'approve', Review: 'review', Decline: 'decline' } as const;
export type Decision = (typeof Decisions)[keyof typeof Decisions];

/** What a probability means under a version's thresholds: decline beats review; an alert is raised independently. */
export function decide(probability: number, thresholds: Thresholds): { decision: Decision; alert: boolean } {
  const decision = probability >= thresholds.decline ? Decisions.Decline : probability >= thresholds.review ? Decisions.Review : Decisions.Approve;
  return { decision, alert: probability >= thresholds.alert };
}
