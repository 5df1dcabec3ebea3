import { exitOnStartupFailure, runService } from '@commerce/service-kit';
import { buildApp, SERVICE } from './app.js';
import { FraudScorerConfig } from './config.js';

async function main(): Promise<void> {
  await runService({ name: SERVICE, configSchema: FraudScorerConfig, build: (deps) => buildApp(deps) });
}

main().catch(exitOnStartupFailure(SERVICE));
