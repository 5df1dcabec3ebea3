import { startProcessEmulator, type ProcessEmulatorSpec } from './process-emulator.js';
import type { EmulatorOptions, RunningEmulator } from './types.js';

export const bigtableEmulatorSpec: ProcessEmulatorSpec = {
  kind: 'bigtable',
  readyPattern: /Cloud Bigtable emulator running on/,
  // The Bigtable clients and `cbt` take the project and instance per call, so only the host goes into the env.
  env: (host) => ({ BIGTABLE_EMULATOR_HOST: host }),
  troubleshooting:
    'Is the Bigtable emulator component installed (`gcloud components list`; `gcloud components install bigtable`, '
    + 'or `apt-get install google-cloud-cli-bigtable-emulator` for the Debian package)?',
};

/** Starts the Bigtable emulator (`cbtemulator`, a Go binary) as a local process; resolves once it accepts connections. */
export function startBigtableEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startProcessEmulator(bigtableEmulatorSpec, options);
}
