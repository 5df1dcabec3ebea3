export { SERVICE, buildApp } from './app.js';
export { OpsConsoleConfig, parseServiceUrls } from './config.js';
