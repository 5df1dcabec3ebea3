import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { blobStoreContract } from './contract-suite.js';
import { BlobStoreConfigError, GcsBlobStore, LocalBlobStore, createBlobStore } from './index.js';

const roots: string[] = [];
const freshRoot = async (): Promise<string> => {
  const root = await mkdtemp(join(tmpdir(), 'blob-store-'));
  roots.push(root);
  return root;
};
afterAll(async () => {
  await Promise.all(roots.map((r) => rm(r, { recursive: true, force: true })));
});

blobStoreContract('LocalBlobStore', async () => new LocalBlobStore({ root: await freshRoot() }));

/** Every file under a directory, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('LocalBlobStore on disk', () => {
  it('an interrupted writer leaves no object, no metadata and no temp file behind', async () => {
    const root = await freshRoot();
    const store = new LocalBlobStore({ root });
    await store.put('keep/me', Buffer.from('kept'));
    const before = { objects: await filesUnder(join(root, 'objects')), meta: await filesUnder(join(root, 'meta')) };
    const broken = Readable.from(
      (async function* () {
        yield Buffer.alloc(64 * 1024, 1);
        yield Buffer.alloc(64 * 1024, 2);
        throw new Error('upstream connection reset');
      })(),
    );
    await expect(store.put('keep/new', broken, { metadata: { a: 'b' } })).rejects.toThrow('upstream connection reset');
    await expect(store.put('keep/me', Readable.from([Buffer.from('x')]).map(() => { throw new Error('boom'); }))).rejects.toThrow('boom');
    expect(await filesUnder(join(root, 'tmp'))).toEqual([]);
    expect(await filesUnder(join(root, 'objects'))).toEqual(before.objects);
    expect(await filesUnder(join(root, 'meta'))).toEqual(before.meta);
    expect((await store.list('')).items.map((i) => i.key)).toEqual(['keep/me']);
    expect((await store.get('keep/me')).toString()).toBe('kept');
  });

  it('leftovers of a crashed process in tmp/ are never listed or read', async () => {
    const root = await freshRoot();
    const store = new LocalBlobStore({ root });
    await store.put('a', Buffer.from('a'));
    const { writeFile, mkdir } = await import('node:fs/promises');
    await mkdir(join(root, 'tmp'), { recursive: true });
    await writeFile(join(root, 'tmp', 'deadbeef.data'), 'half a write');
    expect((await store.list('')).items.map((i) => i.key)).toEqual(['a']);
    expect((await store.list('', { delimiter: '/' })).prefixes).toEqual([]);
  });

  it('keeps the content as a plain file at url(), with metadata in the parallel meta/ tree', async () => {
    const root = await freshRoot();
    const store = new LocalBlobStore({ root });
    await store.put('images/ab/cd.json', Buffer.from('{"ok":true}'), { contentType: 'application/json', metadata: { k: 'v' } });
    const path = fileURLToPath(store.url('images/ab/cd.json'));
    expect(path).toBe(join(root, 'objects', 'images.d', 'ab.d', 'cd.json'));
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ ok: true });
    const meta = await filesUnder(join(root, 'meta'));
    expect(meta).toHaveLength(1);
    expect(meta[0]).toMatch(/^images\.d\/ab\.d\/cd\.json\.\d+\.meta$/);
    expect(JSON.parse(await readFile(join(root, 'meta', meta[0] as string), 'utf8'))).toMatchObject({ contentType: 'application/json', metadata: { k: 'v' } });
  });

  it('overwriting and deleting remove the old metadata and empty directories', async () => {
    const root = await freshRoot();
    const store = new LocalBlobStore({ root });
    await store.put('x/y/z', Buffer.from('1'));
    await store.put('x/y/z', Buffer.from('2'));
    await store.put('x/y/z', Buffer.from('3'), { ifAbsent: true });
    expect(await filesUnder(join(root, 'meta'))).toHaveLength(1);
    await store.delete('x/y/z');
    expect(await filesUnder(join(root, 'meta'))).toEqual([]);
    expect(await readdir(join(root, 'objects'))).toEqual([]);
  });

  it('is durable across instances on the same root', async () => {
    const root = await freshRoot();
    await new LocalBlobStore({ root }).put('persist', Buffer.from('still here'), { metadata: { m: '1' } });
    const reopened = new LocalBlobStore({ root });
    expect((await reopened.get('persist')).toString()).toBe('still here');
    expect((await reopened.head('persist'))?.metadata).toEqual({ m: '1' });
  });

  it('keeps writing after another store on the same root, or someone by hand, removed its directories', async () => {
    const root = await freshRoot();
    const writer = new LocalBlobStore({ root });
    const other = new LocalBlobStore({ root });
    await writer.put('journal/2026/000001', Buffer.from('one'));
    await other.delete('journal/2026/000001'); // prunes journal/2026 and journal in objects/ and meta/
    await writer.put('journal/2026/000002', Buffer.from('two'));
    await rm(join(root, 'tmp'), { recursive: true, force: true });
    await rm(join(root, 'objects'), { recursive: true, force: true });
    await writer.put('journal/2026/000003', Buffer.from('three'));
    expect((await other.list('journal/')).items.map((i) => i.key)).toEqual(['journal/2026/000003']);
    expect((await other.get('journal/2026/000003')).toString()).toBe('three');
  });

  it('refuses a page token from another listing', async () => {
    const store = new LocalBlobStore({ root: await freshRoot() });
    for (const k of ['a/1', 'a/2', 'b/1']) await store.put(k, Buffer.from(k));
    const page = await store.list('a/', { pageSize: 1 });
    expect(page.nextPageToken).toBeDefined();
    await expect(store.list('b/', { pageToken: page.nextPageToken as string })).rejects.toMatchObject({ code: 'BLOB_ARGUMENT_INVALID' });
    await expect(store.list('a/', { pageToken: 'garbage' })).rejects.toThrow(/pass the nextPageToken/);
  });
});

describe('createBlobStore', () => {
  it('chooses the local store for file URLs and paths', () => {
    const fromUrl = createBlobStore('file:///var/data/blobs');
    expect(fromUrl).toBeInstanceOf(LocalBlobStore);
    expect((fromUrl as LocalBlobStore).root).toBe('/var/data/blobs');
    expect((createBlobStore('/srv/blobs') as LocalBlobStore).root).toBe('/srv/blobs');
    expect((createBlobStore('.data/blobs', { baseDir: '/work' }) as LocalBlobStore).root).toBe('/work/.data/blobs');
  });

  it('chooses Cloud Storage for gs:// with an optional prefix', () => {
    const store = createBlobStore('gs://my-bucket/images/originals', { storageOptions: { projectId: 'p', apiEndpoint: 'http://127.0.0.1:1' } });
    expect(store).toBeInstanceOf(GcsBlobStore);
    expect(store.kind).toBe('gcs');
    expect(store.url('ab.jpg')).toBe('gs://my-bucket/images/originals/ab.jpg');
    expect(createBlobStore('gs://my-bucket', { storageOptions: { apiEndpoint: 'http://127.0.0.1:1' } }).url('k')).toBe('gs://my-bucket/k');
  });

  it('explains what to set instead of a bad location', () => {
    for (const bad of ['', 's3://bucket/x', 'gs://', 'gs://Not_A_Bucket!/x', 'file://host/x']) {
      let err: unknown;
      try {
        createBlobStore(bad, { storageOptions: { apiEndpoint: 'http://127.0.0.1:1' } });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(BlobStoreConfigError);
      expect((err as BlobStoreConfigError).code).toBe('BLOB_STORE_CONFIG');
    }
    expect(() => createBlobStore('s3://bucket/x')).toThrow(/use 'file:\/\/\/absolute\/dir'.*'gs:\/\/bucket/);
  });
});
