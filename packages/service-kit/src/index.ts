export { createServiceApp } from './app.js';
export type { ServiceAppOptions } from './app.js';
export { eventBusPlugin } from './bus-plugin.js';
export { BaseConfig, ConfigError, loadConfig, serviceConfig } from './config.js';
export { NotReadyError, UnauthorizedError } from './errors.js';
export { REDACTED_PATHS, createLogger } from './logger.js';
export type { LoggerSettings } from './logger.js';
export { exitOnStartupFailure, runService } from './server.js';
export type { BuiltService, RunServiceSpec, ServiceDeps } from './server.js';
