// Plain JS on purpose: jest loads globalSetup outside its module system, where ts-jest's output cannot
// resolve NodeNext `.js` specifiers to `.ts` files (ERR_MODULE_NOT_FOUND). tsx's scoped loader can.
import { tsImport } from 'tsx/esm/api';

/** Starts the integration project's shared Pub/Sub emulator; see src/jest-shared-emulator.ts. */
export default async function globalSetup() {
  const { startSharedPubSubEmulator } = await tsImport('../src/jest-shared-emulator.ts', import.meta.url);
  await startSharedPubSubEmulator();
}
