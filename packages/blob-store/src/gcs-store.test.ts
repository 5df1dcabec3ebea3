import { Storage } from '@google-cloud/storage';
import { blobStoreContract } from './contract-suite.js';
import { startFakeGcsServer, type FakeGcsServer } from './fake-gcs-server.js';
import { GcsBlobStore } from './gcs-store.js';

// The GCS adapter against an in-process fake of the Cloud Storage JSON API (see fake-gcs-server.ts),
// so the real client library's uploads, downloads, paging and preconditions run in every unit test run.
// test/gcs-store.test.ts runs the same contract against fake-gcs-server when STORAGE_EMULATOR_HOST is set.
let fake: FakeGcsServer;
let storage: Storage;
let n = 0;

beforeAll(async () => {
  fake = await startFakeGcsServer();
  storage = new Storage({ apiEndpoint: fake.url, projectId: 'test', retryOptions: { autoRetry: false } });
});
afterAll(async () => {
  await fake.close();
});

// A small resumable threshold so buffers above 1 KiB take the resumable path and smaller ones multipart.
blobStoreContract('GcsBlobStore (in-process fake GCS)', () => new GcsBlobStore({ storage, bucket: 'contract', prefix: `run-${++n}/`, resumableThresholdBytes: 1024 }));

describe('GcsBlobStore against the fake', () => {
  it('used both upload protocols, media downloads and paged lists', () => {
    for (const kind of ['POST upload:multipart', 'POST upload:resumable', 'PUT upload:resumable', 'GET media', 'GET metadata', 'GET list', 'DELETE object']) {
      expect([kind, (fake.requests.get(kind) ?? 0) > 0]).toEqual([kind, true]);
    }
    expect([...fake.requests.keys()].filter((k) => k.startsWith('unhandled'))).toEqual([]);
  });

  it('keeps keys inside its prefix: another prefix in the same bucket sees nothing', async () => {
    const a = new GcsBlobStore({ storage, bucket: 'shared', prefix: 'tenant-a' });
    const b = new GcsBlobStore({ storage, bucket: 'shared', prefix: 'tenant-b/' });
    await a.put('x', Buffer.from('a'));
    expect((await a.list('')).items.map((i) => i.key)).toEqual(['x']);
    expect(await b.head('x')).toBeUndefined();
    expect(a.url('x')).toBe('gs://shared/tenant-a/x');
  });
});
