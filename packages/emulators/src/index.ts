export { startBigtableEmulator, bigtableEmulatorSpec } from './bigtable.js';
export {
  checkEmulatorAvailability, explainUnavailable, isDockerEngineReachable, startDockerEmulator, startEmulator,
  type EmulatorAvailability, type EmulatorRuntime, type StartEmulatorOptions,
} from './docker.js';
export * as emulatorDefaults from './defaults.js';
export { EmulatorError, EmulatorErrorCode } from './errors.js';
export { findGcloudSdk, type GcloudSdk } from './gcloud-sdk.js';
export { canConnect, getFreePort, parseHostPort } from './net.js';
export { emulatorStateDir, findRepoRoot } from './paths.js';
export { isProcessGroupAlive, liveGroupMembers } from './process-group.js';
export { stopEmulatorProcess, type ProcessEmulatorSpec, type StopOptions } from './process-emulator.js';
export { pubsubClientOptions, pubsubEmulatorSpec, startPubSubEmulator, type PubSubEmulatorClientOptions } from './pubsub.js';
export type { EmulatorKind, EmulatorLauncher, EmulatorOptions, RunningEmulator } from './types.js';
