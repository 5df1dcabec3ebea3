// Test helpers for other packages: `@commerce/blob-store/testing`. Kept out of the main entry point
// because the contract suite imports jest.
export { blobStoreContract } from './contract-suite.js';
export { startFakeGcsServer, type FakeGcsServer } from './fake-gcs-server.js';
