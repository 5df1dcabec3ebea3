// Two projects: `unit` runs handlers and pure code in-process (no emulator),
// `integration` runs against a real Pub/Sub emulator that the global setup starts
// on a free port and stops afterwards. Workspace packages resolve to their TypeScript
// sources through the `development` export condition, so tests never need a build.
const common = {
  testEnvironment: 'node',
  testEnvironmentOptions: { customExportConditions: ['development', 'node', 'node-addons'] },
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.tests.json' }] },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{contracts,packages/*,services/*,scripts}/**/src/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{contracts,packages/*,services/*}/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
      globalSetup: '<rootDir>/packages/emulators/jest/global-setup.js',
      globalTeardown: '<rootDir>/packages/emulators/jest/global-teardown.js',
    },
  ],
  // Global only (Jest ignores it per project). Integration tests wait for real redeliveries.
  testTimeout: 120_000,
};
