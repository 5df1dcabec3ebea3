import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** Compute backends in the order `auto` tries them: fastest first. */
export const ModelBackends = {
  TensorflowGpu: 'tensorflow-gpu',
  Tensorflow: 'tensorflow',
  Wasm: 'wasm',
  Cpu: 'cpu',
} as const;
export type ModelBackend = (typeof ModelBackends)[keyof typeof ModelBackends];
export type ModelBackendSetting = ModelBackend | 'auto';

const AUTO_ORDER: readonly ModelBackend[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendAttempt {
  readonly backend: ModelBackend;
  readonly ok: boolean;
  /** Why it was skipped or failed; absent when it was chosen. */
  readonly reason?: string;
}

/** What was chosen and why the faster ones were not: logged at start, shown in /healthz, recorded in every score. */
export interface BackendSelection {
  readonly backend: ModelBackend;
  readonly tried: readonly BackendAttempt[];
}

export class BackendUnavailableError extends Error {
  readonly code = 'FRAUD_MODEL_BACKEND_UNAVAILABLE';
  constructor(
    readonly backend: ModelBackend,
    readonly reason: string,
  ) {
    super(`FRAUD_MODEL_BACKEND=${backend} was requested but is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

export function parseBackendSetting(value: string | undefined): ModelBackendSetting {
  const v = (value ?? 'auto').trim() || 'auto';
  if (v === 'auto' || (AUTO_ORDER as readonly string[]).includes(v)) return v as ModelBackendSetting;
  throw new RangeError(`FRAUD_MODEL_BACKEND must be one of auto, ${AUTO_ORDER.join(', ')}; got "${v}"`);
}

/**
 * Loaders are injectable so tests can simulate an installed tfjs-node; the default ones import
 * the real packages dynamically, so a package that is not installed is skipped, not a crash.
 */
export type BackendLoaders = Readonly<Record<ModelBackend, () => Promise<void>>>;

/** Variable so TypeScript does not try to resolve packages that are (rightly) not installed here. */
const importOptional = (specifier: string): Promise<unknown> => import(specifier);

export const defaultLoaders: BackendLoaders = {
  // Importing tfjs-node(-gpu) registers the `tensorflow` backend with the shared tfjs-core engine.
  'tensorflow-gpu': async () => {
    await importOptional('@tensorflow/tfjs-node-gpu');
  },
  tensorflow: async () => {
    await importOptional('@tensorflow/tfjs-node');
  },
  wasm: async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // In Node the default fetch of the .wasm by URL does not work: point it at the package's own files.
    wasm.setWasmPaths(wasmDirectory());
  },
  cpu: async () => {
    // Registered by @tensorflow/tfjs itself.
  },
};

/** The directory holding `tfjs-backend-wasm*.wasm`, with a trailing separator as setWasmPaths wants. */
export function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

const TF_BACKEND_NAME: Record<ModelBackend, string> = { 'tensorflow-gpu': 'tensorflow', tensorflow: 'tensorflow', wasm: 'wasm', cpu: 'cpu' };

async function tryBackend(backend: ModelBackend, loaders: BackendLoaders): Promise<string | undefined> {
  try {
    await loaders[backend]();
  } catch (err) {
    return `cannot load: ${describe(err)}`;
  }
  const name = TF_BACKEND_NAME[backend];
  if (tf.findBackendFactory(name) === null && tf.findBackend(name) === null) return `backend "${name}" is not registered after loading`;
  try {
    if (!(await tf.setBackend(name))) return `tf.setBackend("${name}") failed to initialise`;
    await tf.ready();
  } catch (err) {
    return `initialisation failed: ${describe(err)}`;
  }
  return undefined;
}

/**
 * Picks the TF.js backend once at start. `auto` takes the first that loads of tensorflow-gpu,
 * tensorflow, wasm, cpu, recording why each faster one was skipped; a forced backend that cannot
 * load fails with {@link BackendUnavailableError} rather than silently running slower.
 */
export async function selectBackend(setting: ModelBackendSetting = 'auto', loaders: BackendLoaders = defaultLoaders): Promise<BackendSelection> {
  const tried: BackendAttempt[] = [];
  const candidates = setting === 'auto' ? AUTO_ORDER : [setting];
  for (const backend of candidates) {
    const reason = await tryBackend(backend, loaders);
    if (reason === undefined) {
      tried.push({ backend, ok: true });
      return { backend, tried };
    }
    tried.push({ backend, ok: false, reason });
    if (setting !== 'auto') throw new BackendUnavailableError(backend, reason);
  }
  // cpu ships with @tensorflow/tfjs, so this means the install itself is broken.
  throw new Error(`no TensorFlow.js backend could be initialised: ${tried.map((t) => `${t.backend}: ${t.reason}`).join('; ')}`);
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { code?: unknown }).code;
    const first = err.message.split('\n')[0] ?? err.message;
    return typeof code === 'string' ? `${code}: ${first}` : first;
  }
  return String(err);
}
