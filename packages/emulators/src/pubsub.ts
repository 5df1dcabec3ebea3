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
