import { exitOnStartupFailure, runService, type ServiceDeps } from '@commerce/service-kit';
import { buildApp, SERVICE } from './app.js';
import { ImageEnhancerConfig } from './config.js';

async function main(): Promise<void> {
  // The schema validated every field at boot; the cast only restores the spelled-out type (see config.ts).
  await runService({ name: SERVICE, configSchema: ImageEnhancerConfig, build: (deps) => buildApp(deps as unknown as ServiceDeps<ImageEnhancerConfig>) });
}

main().catch(exitOnStartupFailure(SERVICE));
