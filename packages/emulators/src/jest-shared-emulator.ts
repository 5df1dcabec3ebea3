// The integration project's shared Pub/Sub emulator: started once by jest's globalSetup, stopped by
// its globalTeardown. Test workers are spawned after globalSetup returns, so they inherit
// PUBSUB_EMULATOR_HOST / PUBSUB_PROJECT_ID from process.env; each test file isolates itself with
// unique topic names or its own project id.
import { TEST_PROJECT_ID } from './defaults.js';
import { canConnect, parseHostPort } from './net.js';
import { startPubSubEmulator } from './pubsub.js';
import type { RunningEmulator } from './types.js';

// Jest runs globalSetup and globalTeardown in one process but loads each file (and, through tsx,
// each module graph) separately, so the handle travels on globalThis under a registry symbol.
const KEY = Symbol.for('@commerce/emulators/jest-shared-pubsub');
type HandleStore = Record<symbol, RunningEmulator | undefined>;

export interface SharedEmulatorLog {
  (line: string): void;
}

const toStderr: SharedEmulatorLog = (line) => { process.stderr.write(`${line}\n`); };

/**
 * Starts the emulator and exports its env into `process.env`, or, when the user already set
 * PUBSUB_EMULATOR_HOST, checks it is reachable and reuses it without starting or stopping anything.
 */
export async function startSharedPubSubEmulator(log: SharedEmulatorLog = toStderr): Promise<RunningEmulator | undefined> {
  const existing = process.env['PUBSUB_EMULATOR_HOST'];
  if (existing) {
    process.env['PUBSUB_PROJECT_ID'] ||= TEST_PROJECT_ID;
    const { host, port } = parseHostPort(existing);
    if (!(await canConnect(port, host))) {
      throw new Error(`PUBSUB_EMULATOR_HOST=${existing} is set but nothing accepts connections there: start it (\`scripts/emulators.sh start pubsub\`) or unset the variable so the tests start their own emulator`);
    }
    log(`[emulators] reusing the Pub/Sub emulator at PUBSUB_EMULATOR_HOST=${existing} (project ${process.env['PUBSUB_PROJECT_ID']}); not starting or stopping one`);
    return undefined;
  }
  const emulator = await startPubSubEmulator({ projectId: TEST_PROJECT_ID });
  Object.assign(process.env, emulator.env);
  (globalThis as HandleStore)[KEY] = emulator;
  return emulator;
}

/** Stops what startSharedPubSubEmulator started; a reused emulator is left running. */
export async function stopSharedPubSubEmulator(): Promise<void> {
  const store = globalThis as HandleStore;
  const emulator = store[KEY];
  delete store[KEY];
  if (!emulator) return;
  await emulator.stop();
  // Later globalSetups in the same process (jest --watch) must not reuse the dead address.
  for (const name of Object.keys(emulator.env)) {
    if (process.env[name] === emulator.env[name]) delete process.env[name];
  }
}
