import base from './jest.config.js';
const fix = (p) => ({ ...p, rootDir: process.cwd(), testEnvironmentOptions: { customExportConditions: ['development', 'node', 'default'] } });
export default { projects: base.projects.map(fix) };
