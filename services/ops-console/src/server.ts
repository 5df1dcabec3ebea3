import { exitOnStartupFailure, runService } from '@commerce/service-kit';
import { buildApp, SERVICE } from './app.js';
import { OpsConsoleConfig } from './config.js';

async function main(): Promise<void> {
  await runService({ name: SERVICE, configSchema: OpsConsoleConfig, build: (deps) => buildApp(deps) });
}

main().catch(exitOnStartupFailure(SERVICE));
