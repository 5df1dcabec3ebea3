import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { compareKeys, type BlobStore, type ListOptions } from './blob-store.js';
import { BlobErrorCode, BlobNotFoundError, InvalidBlobKeyError } from './errors.js';

/**
 * The behaviour every `BlobStore` must have. `makeStore` returns a store with no objects in it
 * (a fresh directory, or a fresh prefix in a bucket) for each test.
 */
export function blobStoreContract(name: string, makeStore: () => Promise<BlobStore> | BlobStore): void {
  const text = async (r: Readable): Promise<string> => {
    const chunks: Buffer[] = [];
    for await (const c of r) chunks.push(Buffer.from(c as Buffer));
    return Buffer.concat(chunks).toString();
  };
  const failing = (chunks: string[], message = 'source broke mid-way'): Readable =>
    Readable.from(
      (async function* () {
        for (const c of chunks) yield Buffer.from(c);
        throw new Error(message);
      })(),
    );
  const allKeys = async (store: BlobStore, prefix: string, opts: ListOptions = {}): Promise<string[]> => {
    const out: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await store.list(prefix, { ...opts, ...(pageToken ? { pageToken } : {}) });
      out.push(...page.items.map((i) => i.key), ...(page.prefixes ?? []));
      pageToken = page.nextPageToken;
    } while (pageToken);
    return out;
  };

  describe(`${name}: BlobStore contract`, () => {
    it('puts a buffer and reads it back with its info', async () => {
      const store = await makeStore();
      const data = Buffer.from('hello blob');
      const put = await store.put('images/a.txt', data, { contentType: 'text/plain', metadata: { source: 'test', 'x-ü': 'ünï' } });
      expect(put).toMatchObject({ key: 'images/a.txt', size: data.length, contentType: 'text/plain', created: true });
      expect(put.metadata).toEqual({ source: 'test', 'x-ü': 'ünï' });
      expect((await store.get('images/a.txt')).toString()).toBe('hello blob');
      const head = await store.head('images/a.txt');
      expect(head).toMatchObject({ key: 'images/a.txt', size: data.length, contentType: 'text/plain', metadata: put.metadata });
      expect(head?.updated).toBeInstanceOf(Date);
      expect(Number.isNaN(head?.updated.getTime())).toBe(false);
      expect(head?.md5).toBe(createHash('md5').update(data).digest('base64'));
      if (head?.sha256 !== undefined) expect(head.sha256).toBe(createHash('sha256').update(data).digest('hex'));
      if (store.kind === 'gcs') expect(head?.generation).toMatch(/^\d+$/);
    });

    it('puts a stream and reads it back whole and as a stream', async () => {
      const store = await makeStore();
      const parts = Array.from({ length: 50 }, (_, i) => `chunk-${i};`);
      const put = await store.put('s/stream.bin', Readable.from(parts.map((p) => Buffer.from(p))));
      expect(put.size).toBe(parts.join('').length);
      expect(put.metadata).toEqual({});
      expect((await store.get('s/stream.bin')).toString()).toBe(parts.join(''));
      expect(await text(await store.getStream('s/stream.bin'))).toBe(parts.join(''));
    });

    it('round-trips a larger binary object byte for byte', async () => {
      const store = await makeStore();
      const data = Buffer.alloc(3 * 1024 * 1024 + 17);
      for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 251;
      const chunks = Array.from({ length: 8 }, (_, i) => data.subarray((i * data.length) / 8, ((i + 1) * data.length) / 8));
      await store.put('big/blob.bin', Readable.from(chunks));
      const back = await store.get('big/blob.bin');
      expect(back.length).toBe(data.length);
      expect(back.equals(data)).toBe(true);
    });

    it('stores an empty object', async () => {
      const store = await makeStore();
      expect((await store.put('empty', Buffer.alloc(0))).size).toBe(0);
      expect((await store.get('empty')).length).toBe(0);
      expect(await text(await store.getStream('empty'))).toBe('');
      expect((await store.head('empty'))?.size).toBe(0);
    });

    it('overwrites content and metadata together', async () => {
      const store = await makeStore();
      await store.put('k', Buffer.from('one'), { contentType: 'text/plain', metadata: { v: '1' } });
      const second = await store.put('k', Buffer.from('second'), { contentType: 'application/json', metadata: { w: '2' } });
      expect(second.created).toBe(true);
      expect((await store.get('k')).toString()).toBe('second');
      expect(await store.head('k')).toMatchObject({ size: 6, contentType: 'application/json', metadata: { w: '2' } });
    });

    it('reports a missing key: get and getStream throw BlobNotFoundError naming key and store, head is undefined', async () => {
      const store = await makeStore();
      const err = await store.get('no/such/key').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BlobNotFoundError);
      expect((err as BlobNotFoundError).code).toBe(BlobErrorCode.NotFound);
      expect((err as Error).message).toContain('"no/such/key"');
      expect((err as Error).message).toContain(store.description);
      await expect(store.getStream('no/such/key')).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND', key: 'no/such/key' });
      expect(await store.head('no/such/key')).toBeUndefined();
    });

    it('deletes idempotently', async () => {
      const store = await makeStore();
      await store.put('d/x', Buffer.from('x'));
      await store.delete('d/x');
      expect(await store.head('d/x')).toBeUndefined();
      await expect(store.get('d/x')).rejects.toBeInstanceOf(BlobNotFoundError);
      await expect(store.delete('d/x')).resolves.toBeUndefined();
      await expect(store.delete('never/was')).resolves.toBeUndefined();
      expect(await allKeys(store, '')).toEqual([]);
    });

    it('ifAbsent creates once, then leaves the object alone and returns its info', async () => {
      const store = await makeStore();
      const first = await store.put('h/abc', Buffer.from('original'), { ifAbsent: true, metadata: { n: '1' } });
      expect(first.created).toBe(true);
      const again = await store.put('h/abc', Buffer.from('different!'), { ifAbsent: true, metadata: { n: '2' } });
      expect(again).toMatchObject({ created: false, key: 'h/abc', size: 8, metadata: { n: '1' } });
      const streamed = await store.put('h/abc', Readable.from([Buffer.from('streamed')]), { ifAbsent: true });
      expect(streamed.created).toBe(false);
      expect((await store.get('h/abc')).toString()).toBe('original');
    });

    it('concurrent ifAbsent puts of one key: exactly one wins and its content is stored', async () => {
      const store = await makeStore();
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.put('race/key', Readable.from([Buffer.from(`writer-${i}`)]), { ifAbsent: true, metadata: { writer: String(i) } })),
      );
      const winners = results.filter((r) => r.created);
      expect(winners).toHaveLength(1);
      const winner = winners[0]?.metadata['writer'];
      expect((await store.get('race/key')).toString()).toBe(`writer-${winner}`);
      for (const r of results.filter((x) => !x.created)) expect(r.metadata).toEqual({ writer: winner });
    });

    it('a put whose source stream fails stores nothing and leaves an existing object intact', async () => {
      const store = await makeStore();
      await expect(store.put('crash/new', failing(['partial ', 'data ']))).rejects.toThrow();
      expect(await store.head('crash/new')).toBeUndefined();
      await expect(store.get('crash/new')).rejects.toBeInstanceOf(BlobNotFoundError);
      await store.put('crash/old', Buffer.from('intact'));
      await expect(store.put('crash/old', failing(['replacement ']))).rejects.toThrow();
      expect((await store.get('crash/old')).toString()).toBe('intact');
      expect(await allKeys(store, '')).toEqual(['crash/old']);
    });

    it('rejects invalid keys on every operation, naming the key and the rule', async () => {
      const store = await makeStore();
      const bad: Array<[string, RegExp]> = [
        ['', /non-empty/],
        ['/abs', /must not start with '\/'/],
        ['a/../b', /'\.\.' segment/],
        ['..', /'\.\.' segment/],
        ['./a', /'\.' or '\.\.' segment/],
        ['a\0b', /NUL/],
        ['a\nb', /CR or LF/],
        ['a//b', /empty segment/],
        ['dir/', /empty segment/],
        ['k'.repeat(1025), /1024 bytes/],
        [`a/${'s'.repeat(201)}`, /segment must be at most 200 bytes/],
      ];
      for (const [key, rule] of bad) {
        const err = await store.put(key, Buffer.from('x')).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InvalidBlobKeyError);
        expect((err as InvalidBlobKeyError).code).toBe(BlobErrorCode.InvalidKey);
        expect((err as Error).message).toMatch(rule);
        expect((err as Error).message).toContain(JSON.stringify(key).slice(0, 40));
        await expect(store.get(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.head(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
        await expect(store.delete(key)).rejects.toBeInstanceOf(InvalidBlobKeyError);
      }
      await expect(store.list('/x')).rejects.toBeInstanceOf(InvalidBlobKeyError);
      expect(await allKeys(store, '')).toEqual([]);
    });

    it('lets a key and keys below it coexist (a and a/b), like Cloud Storage', async () => {
      const store = await makeStore();
      await store.put('a', Buffer.from('file a'));
      await store.put('a/b', Buffer.from('file a/b'));
      await store.put('x.d', Buffer.from('dot d'));
      await store.put('x/y~', Buffer.from('tilde'));
      expect((await store.get('a')).toString()).toBe('file a');
      expect((await store.get('a/b')).toString()).toBe('file a/b');
      expect((await store.get('x.d')).toString()).toBe('dot d');
      expect((await store.get('x/y~')).toString()).toBe('tilde');
      expect(await allKeys(store, '')).toEqual(['a', 'a/b', 'x.d', 'x/y~']);
    });

    it('lists in lexicographic UTF-8 byte order', async () => {
      const store = await makeStore();
      const keys = ['z', 'a/b/c', 'A', 'a0', 'é', 'a-b', 'a', 'a/b', '𝄞', '\uffee', 'b', 'a/b-c', 'a.d'];
      for (const k of keys) await store.put(k, Buffer.from(k));
      const expected = [...keys].sort(compareKeys);
      expect(expected.indexOf('𝄞')).toBeGreaterThan(expected.indexOf('\uffee')); // differs from UTF-16 order
      expect(await allKeys(store, '')).toEqual(expected);
      expect(await allKeys(store, '', { pageSize: 2 })).toEqual(expected);
    });

    it('paginates with a stable token: every key once, in order, pages no larger than asked', async () => {
      const store = await makeStore();
      const keys = Array.from({ length: 23 }, (_, i) => `p/${String(i).padStart(3, '0')}`);
      for (const k of [...keys].reverse()) await store.put(k, Buffer.from(k));
      await store.put('q/outside', Buffer.from('no'));
      const pages: string[][] = [];
      let pageToken: string | undefined;
      do {
        const page = await store.list('p/', { pageSize: 5, ...(pageToken ? { pageToken } : {}) });
        pages.push(page.items.map((i) => i.key));
        expect(page.items.every((i) => i.size === i.key.length)).toBe(true);
        pageToken = page.nextPageToken;
      } while (pageToken);
      expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
      expect(pages.flat()).toEqual(keys);
    });

    it('keeps paging correctly when keys are added and deleted between pages', async () => {
      const store = await makeStore();
      for (const k of ['c/1', 'c/3', 'c/5', 'c/7']) await store.put(k, Buffer.from(k));
      const first = await store.list('c/', { pageSize: 2 });
      expect(first.items.map((i) => i.key)).toEqual(['c/1', 'c/3']);
      await store.put('c/0', Buffer.from('before the cursor'));
      await store.put('c/6', Buffer.from('after the cursor'));
      await store.delete('c/5');
      const rest = await allKeys(store, 'c/', { pageSize: 2, ...(first.nextPageToken ? { pageToken: first.nextPageToken } : {}) });
      expect(rest).toEqual(['c/6', 'c/7']);
    });

    it("rolls keys up into common prefixes with delimiter '/'", async () => {
      const store = await makeStore();
      for (const k of ['img/a.jpg', 'img/b/1', 'img/b/2', 'img/c/x/y', 'img0', 'img/d']) await store.put(k, Buffer.from(k));
      const page = await store.list('img/', { delimiter: '/' });
      expect(page.items.map((i) => i.key)).toEqual(['img/a.jpg', 'img/d']);
      expect(page.prefixes).toEqual(['img/b/', 'img/c/']);
      expect(page.nextPageToken).toBeUndefined();
      const top = await store.list('', { delimiter: '/' });
      expect(top.items.map((i) => i.key)).toEqual(['img0']);
      expect(top.prefixes).toEqual(['img/']);
      expect(await allKeys(store, 'img/', { delimiter: '/', pageSize: 1 })).toEqual(['img/a.jpg', 'img/b/', 'img/c/', 'img/d']);
      await store.delete('img/c/x/y');
      expect((await store.list('img/', { delimiter: '/' })).prefixes).toEqual(['img/b/']);
    });

    it('matches a prefix that ends mid-segment', async () => {
      const store = await makeStore();
      for (const k of ['img/b', 'img/ba/1', 'img/bz', 'img/c', 'imgb']) await store.put(k, Buffer.from(k));
      expect(await allKeys(store, 'img/b')).toEqual(['img/b', 'img/ba/1', 'img/bz']);
      const page = await store.list('img/b', { delimiter: '/' });
      expect(page.items.map((i) => i.key)).toEqual(['img/b', 'img/bz']);
      expect(page.prefixes).toEqual(['img/ba/']);
    });

    it('lists nothing for an unknown prefix, and refuses bad list options', async () => {
      const store = await makeStore();
      await store.put('here', Buffer.from('x'));
      expect(await store.list('nothing/')).toEqual({ items: [] });
      await expect(store.list('', { pageSize: 0 })).rejects.toMatchObject({ code: 'BLOB_ARGUMENT_INVALID' });
      await expect(store.list('', { pageSize: 1001 })).rejects.toMatchObject({ code: 'BLOB_ARGUMENT_INVALID' });
      await expect(store.list('', { delimiter: '|' })).rejects.toMatchObject({ code: 'BLOB_ARGUMENT_INVALID' });
    });

    it('gives a URL naming the object', async () => {
      const store = await makeStore();
      const url = store.url('images/a b.jpg');
      expect(url).toMatch(store.kind === 'local' ? /^file:\/\// : /^gs:\/\//);
      expect(decodeURIComponent(url)).toContain('a b.jpg');
      expect(() => store.url('../escape')).toThrow(InvalidBlobKeyError);
    });
  });
}
