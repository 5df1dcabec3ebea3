import { exitOnStartupFailure, runService, type ServiceDeps } from '@commerce/service-kit';
import { buildApp, SERVICE } from './app.js';
import { CreativeStudioConfig } from './config.js';

async function main(): Promise<void> {
  // The schema validated every field at boot; the cast only restores the spelled-out type (see config.ts).
  await runService({ name: SERVICE, configSchema: CreativeStudioConfig, build: (deps) => buildApp(deps as unknown as ServiceDeps<CreativeStudioConfig>) });
}

main().catch(exitOnStartupFailure(SERVICE));
