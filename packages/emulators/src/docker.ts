import { execFile } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { startBigtableEmulator } from './bigtable.js';
import {
  DEFAULT_PORT_CLOSE_TIMEOUT_MS, DEFAULT_PROJECT_ID, DOCKER_CONTAINER_PORTS, DOCKER_EMULATOR_IMAGE,
  DOCKER_PROBE_TIMEOUT_MS, TESTCONTAINERS_MIN_NODE,
} from './defaults.js';
import { EmulatorError, EmulatorErrorCode } from './errors.js';
import { findGcloudSdk, findOnPath } from './gcloud-sdk.js';
import { canConnect, waitFor } from './net.js';
import { emulatorStateDir } from './paths.js';
import { startPubSubEmulator } from './pubsub.js';
import type { EmulatorKind, EmulatorOptions, RunningEmulator } from './types.js';

/** `auto`: the gcloud SDK as a local process when `gcloud` is on PATH, else Docker through testcontainers. */
export type EmulatorRuntime = 'auto' | 'process' | 'docker';

export interface StartEmulatorOptions extends EmulatorOptions {
  runtime?: EmulatorRuntime;
}

/** What this machine offers for running an emulator; `dockerEngine` is `undefined` when there is no docker client to ask. */
export interface EmulatorAvailability {
  readonly gcloud: boolean;
  readonly dockerClient: boolean;
  readonly dockerEngine: boolean | undefined;
  readonly nodeVersion: string;
  readonly testcontainers: boolean;
}

// The subset of testcontainers' API used here, typed structurally so this package compiles and
// runs without testcontainers installed (it needs Docker and Node >= 22.22, which most machines here lack).
type PortBinding = number | { container: number; host: number };
interface StartedContainer {
  getHost(): string;
  getMappedPort(port: number): number;
  stop(): Promise<unknown>;
}
interface Container {
  withExposedPorts(...ports: PortBinding[]): Container;
  withLogConsumer(consumer: (stream: Readable) => unknown): Container;
  start(): Promise<StartedContainer>;
}
interface GenericContainer extends Container {
  withCommand(command: string[]): GenericContainer;
  withWaitStrategy(strategy: unknown): GenericContainer;
}
interface PubSubEmulatorContainer extends Container {
  withProjectId?(projectId: string): PubSubEmulatorContainer;
}
interface GcloudModule { PubSubEmulatorContainer: new (image?: string) => PubSubEmulatorContainer }
interface TestcontainersModule {
  GenericContainer: new (image: string) => GenericContainer;
  Wait: { forLogMessage(message: RegExp | string): unknown };
}

// A variable specifier keeps TypeScript (and bundlers) from resolving the optional module at build time.
async function importOptional<T>(specifier: string): Promise<T | undefined> {
  try {
    return (await import(specifier)) as T;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return undefined;
    throw err;
  }
}

function versionAtLeast(version: string, minimum: string): boolean {
  const parse = (v: string): number[] => v.replace(/^v/, '').split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [a, b] = [parse(version), parse(minimum)];
  for (let i = 0; i < 3; i += 1) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/** `docker info` talks to the engine; the CLI alone (as on the dev machines here) fails it. */
export function isDockerEngineReachable(timeoutMs: number = DOCKER_PROBE_TIMEOUT_MS): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: timeoutMs }, (err, stdout) => {
      resolve(!err && stdout.trim().length > 0);
    });
  });
}

export async function checkEmulatorAvailability(): Promise<EmulatorAvailability> {
  const gcloud = findGcloudSdk() !== undefined;
  const dockerClient = findOnPath('docker') !== undefined;
  const dockerEngine = dockerClient ? await isDockerEngineReachable() : undefined;
  const nodeVersion = process.versions.node;
  const testcontainers = (await importOptional<GcloudModule>('@testcontainers/gcloud')) !== undefined;
  return { gcloud, dockerClient, dockerEngine, nodeVersion, testcontainers };
}

const LABEL: Record<EmulatorKind, string> = { pubsub: 'Pub/Sub', bigtable: 'Bigtable' };
const COMPONENT: Record<EmulatorKind, { gcloud: string; apt: string }> = {
  pubsub: { gcloud: 'pubsub-emulator', apt: 'google-cloud-cli-pubsub-emulator' },
  bigtable: { gcloud: 'bigtable', apt: 'google-cloud-cli-bigtable-emulator' },
};

/** The message for a machine that can run the emulator neither way: what was found, and each way to fix it. */
export function explainUnavailable(kind: EmulatorKind, found: EmulatorAvailability): string {
  const nodeOk = versionAtLeast(found.nodeVersion, TESTCONTAINERS_MIN_NODE);
  const docker = !found.dockerClient ? 'not installed'
    : found.dockerEngine ? 'engine reachable'
      : 'client only, the engine is not reachable (`docker info` fails)';
  const module = found.testcontainers ? 'installed' : 'not installed';
  const { gcloud, apt } = COMPONENT[kind];
  const envVar = kind === 'pubsub' ? 'PUBSUB_EMULATOR_HOST=localhost:8085' : 'BIGTABLE_EMULATOR_HOST=localhost:8086';
  return [
    `Cannot start the ${LABEL[kind]} emulator on this machine.`,
    `  gcloud on PATH: ${found.gcloud ? 'yes' : 'no'}`,
    `  Docker: ${docker}`,
    `  @testcontainers/gcloud: ${module}`,
    `  Node.js: ${found.nodeVersion}${nodeOk ? '' : ` (testcontainers 12 requires Node >= ${TESTCONTAINERS_MIN_NODE})`}`,
    'Fix it one of these ways:',
    `  1. Local process (what CI uses): install the Google Cloud SDK (https://cloud.google.com/sdk/docs/install) with the emulator component`,
    `     (\`gcloud components install ${gcloud}\`, or \`apt-get install google-cloud-cli ${apt}\`)${kind === 'pubsub' ? ' and Java 17+' : ''}.`,
    `  2. Containers from the tests: run a Docker engine, use Node >= ${TESTCONTAINERS_MIN_NODE}, and \`npm i -D @testcontainers/gcloud\`.`,
    `  3. Containers by hand: \`docker compose up ${kind}\`, then \`export ${envVar}\` (the jest global setup reuses a running emulator).`,
  ].join('\n');
}

function dockerReady(found: EmulatorAvailability): boolean {
  return found.dockerEngine === true && found.testcontainers === true && versionAtLeast(found.nodeVersion, TESTCONTAINERS_MIN_NODE);
}

/** Starts the emulator in a container via testcontainers; needs a Docker engine, Node >= 22.22 and `@testcontainers/gcloud`. */
export async function startDockerEmulator(kind: EmulatorKind, options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const found = await checkEmulatorAvailability();
  if (!dockerReady(found)) throw new EmulatorError(EmulatorErrorCode.Unavailable, explainUnavailable(kind, found));
  const gcloudModule = await importOptional<GcloudModule>('@testcontainers/gcloud');
  const testcontainers = await importOptional<TestcontainersModule>('testcontainers');
  if (!gcloudModule || !testcontainers) {
    throw new EmulatorError(EmulatorErrorCode.Unavailable, explainUnavailable(kind, { ...found, testcontainers: false }));
  }

  const projectId = options.projectId ?? DEFAULT_PROJECT_ID;
  const containerPort = DOCKER_CONTAINER_PORTS[kind];
  const logFile = options.logFile ?? join(emulatorStateDir(), `${kind}-docker-${options.port ?? 'auto'}.log`);
  mkdirSync(dirname(logFile), { recursive: true });

  let container: Container;
  if (kind === 'pubsub') {
    const pubsub = new gcloudModule.PubSubEmulatorContainer(DOCKER_EMULATOR_IMAGE);
    container = pubsub.withProjectId?.(projectId) ?? pubsub;
  } else {
    // @testcontainers/gcloud has no Bigtable class; the same image runs it through gcloud.
    container = new testcontainers.GenericContainer(DOCKER_EMULATOR_IMAGE)
      .withCommand(['gcloud', 'beta', 'emulators', 'bigtable', 'start', `--host-port=0.0.0.0:${containerPort}`])
      .withWaitStrategy(testcontainers.Wait.forLogMessage(/Cloud Bigtable emulator running on/))
      .withExposedPorts(containerPort);
  }
  // A fixed host port lets a test restart the emulator where its clients already point.
  if (options.port !== undefined) container = container.withExposedPorts({ container: containerPort, host: options.port });
  container = container.withLogConsumer((stream) => stream.pipe(createWriteStream(logFile, { flags: 'a' })));

  const startedAt = performance.now();
  const started = await container.start();
  const startupMs = Math.round(performance.now() - startedAt);
  const port = started.getMappedPort(containerPort);
  const hostName = started.getHost();
  const host = `${hostName}:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    kind,
    host,
    port,
    projectId,
    pid: 0,
    logFile,
    env: kind === 'pubsub' ? { PUBSUB_EMULATOR_HOST: host, PUBSUB_PROJECT_ID: projectId } : { BIGTABLE_EMULATOR_HOST: host },
    runtime: 'docker',
    startupMs,
    stop: () => (stopping ??= (async () => {
      await started.stop();
      await waitFor(async () => !(await canConnect(port, hostName)), DEFAULT_PORT_CLOSE_TIMEOUT_MS);
    })()),
  };
}

/** gcloud first (a local process), then Docker; a clear list of what to install when neither works. */
export async function startEmulator(kind: EmulatorKind, options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const { runtime = 'auto', ...emulatorOptions } = options;
  if (runtime !== 'docker' && findGcloudSdk()) {
    return kind === 'pubsub' ? startPubSubEmulator(emulatorOptions) : startBigtableEmulator(emulatorOptions);
  }
  if (runtime === 'process') {
    throw new EmulatorError(EmulatorErrorCode.Unavailable, explainUnavailable(kind, await checkEmulatorAvailability()));
  }
  return startDockerEmulator(kind, emulatorOptions);
}
