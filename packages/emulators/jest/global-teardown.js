// Plain JS for the same reason as global-setup.js.
import { tsImport } from 'tsx/esm/api';

/** Stops the shared emulator (a reused PUBSUB_EMULATOR_HOST is left alone). */
export default async function globalTeardown() {
  const { stopSharedPubSubEmulator } = await tsImport('../src/jest-shared-emulator.ts', import.meta.url);
  await stopSharedPubSubEmulator();
}
