import { startProcessEmulator, type ProcessEmulatorSpec } from './process-emulator.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

export const pubsubEmulatorSpec: ProcessEmulatorSpec = {
  kind: 'pubsub',
  readyPattern: /Server started, listening on/,
  env: (host, projectId) => ({ PUBSUB_EMULATOR_HOST: host, PUBSUB_PROJECT_ID: projectId }),
  troubleshooting:
    'Is Java 17+ installed (`java -version`)? Is the Pub/Sub emulator component installed (`gcloud components list`; '
    + '`gcloud components install pubsub-emulator`, or `apt-get install google-cloud-cli-pubsub-emulator` for the Debian package)?',
};

/** Starts the Pub/Sub emulator as a local process (gcloud SDK + Java); resolves once it accepts connections. */
export function startPubSubEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startProcessEmulator(pubsubEmulatorSpec, options);
}

/** What `new PubSub(options)` needs to talk to an emulator, without depending on `@google-cloud/pubsub` here. */
export interface PubSubEmulatorClientOptions {
  projectId: string;
  apiEndpoint: string;
  emulatorMode: true;
  universeDomain: string;
}

/**
 * Client options for an emulator. An explicit universe domain stops the client's credential discovery,
 * whose GCE metadata probe fails off-cloud and prints `MetadataLookupWarning` even with a project id;
 * `emulatorMode` then keeps the channel plaintext, which the universe domain alone would switch off.
 */
export function pubsubClientOptions(emulator: Pick<RunningEmulator, 'host' | 'projectId'>): PubSubEmulatorClientOptions {
  return { projectId: emulator.projectId, apiEndpoint: emulator.host, emulatorMode: true, universeDomain: 'googleapis.com' };
}
