import { createHash, randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rmdir, link, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  compareKeys,
  validateKey,
  validateListOptions,
  validateListPrefix,
  validateMetadata,
  type BlobInfo,
  type BlobStore,
  type ListOptions,
  type ListPage,
  type PutOptions,
  type PutResult,
} from './blob-store.js';
import { Defaults } from './defaults.js';
import { BlobNotFoundError, BlobStoreConfigError, BlobStoreError, BlobErrorCode } from './errors.js';
import { decodePageToken, encodePageToken } from './page-token.js';

export interface LocalBlobStoreOptions {
  /** Absolute directory holding the store; created if missing. */
  root: string;
}

/** What the metadata file of one object version holds. */
interface MetaFile {
  key: string;
  size: number;
  contentType?: string;
  metadata: Record<string, string>;
  updated: string;
  md5: string;
  sha256: string;
}

const DIR_SUFFIX = '.d';
const FILE_ESCAPE = '~';

/**
 * Blobs on the local filesystem: the embedded default for development, tests and single-machine runs.
 *
 * Layout under `root`:
 * - `objects/` the content, one plain file per key, so `url()` points at a file any tool can open.
 *   Every directory segment gets a `.d` suffix, so key `a` (a file) and key `a/b` (inside directory `a.d`)
 *   can coexist as they do in Cloud Storage. A file segment that itself ends in `.d` or `~` gets a `~` appended.
 * - `meta/` the same tree; `<file>.<inode>.meta` holds the content type, custom metadata and hashes of the
 *   data file with that inode number. Naming metadata by inode makes data and metadata one atomic unit:
 *   the metadata is in place before the data file appears, a reader pairs the data it opened with exactly
 *   its metadata, and a crash can leave at worst an unreferenced metadata file, never a wrong pairing.
 * - `tmp/` writes in progress. It is on the same filesystem as `objects/`, so publishing is one atomic
 *   `rename` (or `link` for `ifAbsent`), and nothing in it is ever listed; leftovers of a crash are garbage.
 *
 * Durability: file contents are fsynced before they are published, and directories after they change.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;
  readonly description: string;
  readonly root: string;
  private readonly objectsDir: string;
  private readonly metaDir: string;
  private readonly tmpDir: string;
  /**
   * Directories this store has made or seen, so a put does not `mkdir -p` them again: the fraud
   * scorer's journal writes a small object per group commit, where three mkdir calls per put
   * showed up in its profile. A directory pruned meanwhile (by this store or another one on the
   * same root) makes the rename fail with ENOENT, and the retry then creates it for real.
   */
  private readonly knownDirs = new Set<string>();

  constructor(options: LocalBlobStoreOptions) {
    if (!isAbsolute(options.root)) {
      throw new BlobStoreConfigError(`local blob store root must be an absolute path, got ${JSON.stringify(options.root)}; resolve it first`);
    }
    this.root = resolve(options.root);
    this.description = `local:${this.root}`;
    this.objectsDir = join(this.root, 'objects');
    this.metaDir = join(this.root, 'meta');
    this.tmpDir = join(this.root, 'tmp');
  }

  async put(key: string, data: Buffer | Readable, opts: PutOptions = {}): Promise<PutResult> {
    validateKey(key);
    const metadata = validateMetadata(opts.metadata);
    if (opts.ifAbsent) {
      // A cheap early answer; the exclusive link below is what guarantees a single winner.
      const existing = await this.head(key);
      if (existing) {
        if (!Buffer.isBuffer(data)) data.destroy();
        return { ...existing, created: false };
      }
    }
    await this.ensureDir(this.tmpDir);
    const tmpBase = join(this.tmpDir, `${randomBytes(12).toString('hex')}`);
    const tmpData = `${tmpBase}.data`;
    const tmpMeta = `${tmpBase}.meta`;
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    let size = 0;
    let ino: bigint;
    const createTmp = (): Promise<FileHandle> => open(tmpData, fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_EXCL, 0o644);
    const fh = await createTmp().catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      this.knownDirs.delete(this.tmpDir); // removed behind our back: make it again
      await this.ensureDir(this.tmpDir);
      return createTmp();
    });
    try {
      const chunks: AsyncIterable<Buffer | string> | Buffer[] = Buffer.isBuffer(data) ? [data] : data;
      for await (const chunk of chunks) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        md5.update(buf);
        sha256.update(buf);
        size += buf.length;
        await writeAll(fh, buf);
      }
      await fh.sync();
      ino = (await fh.stat({ bigint: true })).ino;
    } catch (err) {
      await fh.close().catch(() => undefined);
      await unlink(tmpData).catch(() => undefined);
      throw err;
    }
    await fh.close();
    const inoText = String(ino);
    const meta: MetaFile = {
      key,
      size,
      ...(opts.contentType !== undefined ? { contentType: opts.contentType } : {}),
      metadata,
      updated: new Date().toISOString(),
      md5: md5.digest('base64'),
      sha256: sha256.digest('hex'),
    };
    try {
      await writeDurably(tmpMeta, Buffer.from(JSON.stringify(meta)));
      const target = this.objectPath(key);
      const metaTarget = this.metaPath(key, inoText);
      let metaPlaced = false;
      let replaced: string | undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          await this.ensureDir(dirname(target));
          if (!metaPlaced) {
            await this.ensureDir(dirname(metaTarget));
            // Metadata first, so whoever opens the data file finds its metadata.
            await rename(tmpMeta, metaTarget);
            metaPlaced = true;
          }
          if (opts.ifAbsent) {
            await link(tmpData, target);
          } else {
            replaced = await inodeOf(target);
            await rename(tmpData, target);
          }
          break;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EEXIST' && opts.ifAbsent) {
            const existing = await this.head(key);
            if (existing) {
              await unlink(metaTarget).catch(() => undefined);
              return { ...existing, created: false };
            }
            // Deleted between our link and head: try again to create it (our metadata is still in place).
            if (attempt < Defaults.localParentDirRetries) continue;
          }
          // A concurrent delete pruned the (empty) parent directory between mkdir and rename: recreate it.
          if (code === 'ENOENT' && attempt < Defaults.localParentDirRetries) {
            this.forgetDirs(dirname(target));
            this.forgetDirs(dirname(metaTarget));
            continue;
          }
          throw ioError(`put ${JSON.stringify(key)} into ${this.description}`, err);
        }
      }
      await syncDir(dirname(target));
      // The replaced version's metadata. Readers still holding that version retry and find the new one.
      // (Two overwrites racing can leave an unreferenced metadata file: harmless, never paired with data.)
      if (replaced !== undefined && replaced !== inoText) await unlink(this.metaPath(key, replaced)).catch(() => undefined);
      await syncDir(dirname(metaTarget));
    } finally {
      await unlink(tmpData).catch(() => undefined);
      await unlink(tmpMeta).catch(() => undefined);
    }
    return { ...toInfo(meta), created: true };
  }

  async get(key: string): Promise<Buffer> {
    const opened = await this.openObject(key);
    if (!opened) throw new BlobNotFoundError(key, this.description);
    try {
      const buf = Buffer.alloc(opened.info.size);
      let offset = 0;
      while (offset < buf.length) {
        const { bytesRead } = await opened.fh.read(buf, offset, buf.length - offset, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
      }
      return buf;
    } finally {
      await opened.fh.close();
    }
  }

  async getStream(key: string): Promise<Readable> {
    const opened = await this.openObject(key);
    if (!opened) throw new BlobNotFoundError(key, this.description);
    if (opened.info.size === 0) {
      await opened.fh.close();
      return Readable.from([]);
    }
    // Streams from the file handle we opened, so an overwrite during the read does not mix versions.
    return opened.fh.createReadStream({ start: 0, end: opened.info.size - 1, autoClose: true });
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    const opened = await this.openObject(key);
    if (!opened) return undefined;
    await opened.fh.close();
    return opened.info;
  }

  async list(prefix: string, opts?: ListOptions): Promise<ListPage> {
    validateListPrefix(prefix);
    const { pageSize, delimiter } = validateListOptions(opts);
    const startAfter = opts?.pageToken === undefined ? undefined : decodePageToken(opts.pageToken, prefix);
    const slash = prefix.lastIndexOf('/');
    const dirKey = prefix.slice(0, slash + 1);
    const namePrefix = prefix.slice(slash + 1);
    const dirAbs = join(this.objectsDir, ...dirKey.split('/').filter(Boolean).map((s) => s + DIR_SUFFIX));

    const items: BlobInfo[] = [];
    const prefixes: string[] = [];
    let last: string | undefined;
    let more = false;
    const entries = delimiter ? this.oneLevel(dirAbs, dirKey, namePrefix, startAfter) : this.walk(dirAbs, dirKey, namePrefix, startAfter);
    for await (const entry of entries) {
      if (items.length + prefixes.length === pageSize) {
        more = true;
        break;
      }
      if (entry.endsWith('/')) {
        prefixes.push(entry);
        last = entry;
        continue;
      }
      const info = await this.head(entry);
      if (!info) continue; // deleted while we listed
      items.push(info);
      last = entry;
    }
    const page: ListPage = { items };
    if (delimiter) page.prefixes = prefixes;
    if (more && last !== undefined) page.nextPageToken = encodePageToken(last);
    return page;
  }

  async delete(key: string): Promise<void> {
    validateKey(key);
    const target = this.objectPath(key);
    let ino: string | undefined;
    try {
      const fh = await open(target, 'r');
      ino = String((await fh.stat({ bigint: true })).ino);
      await fh.close();
      await unlink(target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw ioError(`delete ${JSON.stringify(key)} from ${this.description}`, err);
    }
    await syncDir(dirname(target));
    const metaTarget = this.metaPath(key, ino);
    await unlink(metaTarget).catch(() => undefined);
    await this.prune(dirname(target), this.objectsDir);
    await this.prune(dirname(metaTarget), this.metaDir);
  }

  url(key: string): string {
    validateKey(key);
    return pathToFileURL(this.objectPath(key)).href;
  }

  private objectPath(key: string): string {
    const segments = key.split('/');
    const file = segments.pop() as string;
    return join(this.objectsDir, ...segments.map((s) => s + DIR_SUFFIX), encodeFileName(file));
  }

  private metaPath(key: string, ino: string): string {
    const segments = key.split('/');
    const file = segments.pop() as string;
    return join(this.metaDir, ...segments.map((s) => s + DIR_SUFFIX), `${encodeFileName(file)}.${ino}.meta`);
  }

  /** Opens the data file and reads the metadata that belongs to exactly that file (by inode). */
  private async openObject(key: string): Promise<{ fh: FileHandle; info: BlobInfo } | undefined> {
    validateKey(key);
    for (let attempt = 0; ; attempt++) {
      let fh: FileHandle;
      try {
        fh = await open(this.objectPath(key), 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw ioError(`open ${JSON.stringify(key)} in ${this.description}`, err);
      }
      try {
        const ino = String((await fh.stat({ bigint: true })).ino);
        const meta = JSON.parse(await readFile(this.metaPath(key, ino), 'utf8')) as MetaFile;
        return { fh, info: toInfo(meta) };
      } catch (err) {
        await fh.close();
        // The metadata of the version we opened was removed by a concurrent overwrite or delete: look again.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && attempt < Defaults.localParentDirRetries) continue;
        throw ioError(`read the metadata of ${JSON.stringify(key)} in ${this.description}`, err);
      }
    }
  }

  /** `mkdir -p`, then fsync the parents of every directory it created so they survive a crash. */
  private async ensureDir(dir: string): Promise<void> {
    if (this.knownDirs.has(dir)) return;
    const first = await mkdir(dir, { recursive: true });
    this.knownDirs.add(dir);
    if (first === undefined) return;
    for (let d = dir; ; d = dirname(d)) {
      await syncDir(dirname(d));
      if (d === first || d === this.root) break;
    }
  }

  /** Forgets a directory and its ancestors: the next put makes sure they exist. */
  private forgetDirs(dir: string): void {
    for (let d = dir; d.startsWith(this.root) && d !== this.root; d = dirname(d)) this.knownDirs.delete(d);
  }

  /** Removes now-empty directories up to (not including) `stop`, so `list` never reports an empty prefix. */
  private async prune(dir: string, stop: string): Promise<void> {
    for (let d = dir; d !== stop && d.startsWith(stop); d = dirname(d)) {
      try {
        this.knownDirs.delete(d);
        await rmdir(d);
      } catch {
        return; // not empty (or gone): a concurrent put owns it now
      }
    }
  }

  /** Children of one directory, as keys (`a/b`) and prefixes (`a/b/`), sorted the way keys sort. */
  private async children(dirAbs: string, dirKey: string, namePrefix: string): Promise<Array<{ entry: string; abs: string }>> {
    let names: string[];
    try {
      names = await readdir(dirAbs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return [];
      throw ioError(`list ${JSON.stringify(dirKey)} in ${this.description}`, err);
    }
    const out: Array<{ entry: string; abs: string }> = [];
    for (const name of names) {
      const isDir = name.endsWith(DIR_SUFFIX);
      const segment = isDir ? name.slice(0, -DIR_SUFFIX.length) : decodeFileName(name);
      if (!segment.startsWith(namePrefix)) continue;
      out.push({ entry: dirKey + segment + (isDir ? '/' : ''), abs: join(dirAbs, name) });
    }
    // Sorting `a/` against `a-b` as strings gives key order: every key under `a/` sorts where `a/` does.
    return out.sort((x, y) => compareKeys(x.entry, y.entry));
  }

  /** Every key under a directory in lexicographic order, skipping whole subtrees at or before `startAfter`. */
  private async *walk(dirAbs: string, dirKey: string, namePrefix: string, startAfter: string | undefined): AsyncGenerator<string> {
    for (const { entry, abs } of await this.children(dirAbs, dirKey, namePrefix)) {
      if (!entry.endsWith('/')) {
        if (startAfter === undefined || compareKeys(entry, startAfter) > 0) yield entry;
      } else if (startAfter === undefined || startAfter.startsWith(entry) || compareKeys(entry, startAfter) > 0) {
        yield* this.walk(abs, entry, '', startAfter);
      }
    }
  }

  /** One directory level: its keys, and its non-empty subdirectories as common prefixes. */
  private async *oneLevel(dirAbs: string, dirKey: string, namePrefix: string, startAfter: string | undefined): AsyncGenerator<string> {
    for (const { entry, abs } of await this.children(dirAbs, dirKey, namePrefix)) {
      if (startAfter !== undefined && compareKeys(entry, startAfter) <= 0) continue;
      if (entry.endsWith('/')) {
        // A directory emptied by a delete racing with this list is not a prefix.
        const first = await this.walk(abs, entry, '', undefined).next();
        if (first.done) continue;
      }
      yield entry;
    }
  }
}

function encodeFileName(segment: string): string {
  return segment.endsWith(DIR_SUFFIX) || segment.endsWith(FILE_ESCAPE) ? segment + FILE_ESCAPE : segment;
}

function decodeFileName(name: string): string {
  return name.endsWith(FILE_ESCAPE) ? name.slice(0, -FILE_ESCAPE.length) : name;
}

function toInfo(meta: MetaFile): BlobInfo {
  return {
    key: meta.key,
    size: meta.size,
    ...(meta.contentType !== undefined ? { contentType: meta.contentType } : {}),
    metadata: { ...meta.metadata },
    updated: new Date(meta.updated),
    md5: meta.md5,
    sha256: meta.sha256,
  };
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buf.length) {
    const { bytesWritten } = await fh.write(buf, offset, buf.length - offset);
    offset += bytesWritten;
  }
}

async function writeDurably(path: string, buf: Buffer): Promise<void> {
  const fh = await open(path, 'w', 0o644);
  try {
    await writeAll(fh, buf);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function inodeOf(path: string): Promise<string | undefined> {
  try {
    return String((await stat(path, { bigint: true })).ino);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function ioError(what: string, cause: unknown): BlobStoreError {
  if (cause instanceof BlobStoreError) return cause;
  const code = (cause as NodeJS.ErrnoException)?.code;
  // Out of space or descriptors, or a busy resource, can pass; permissions and corruption will not.
  const retryable = code === 'ENOSPC' || code === 'EMFILE' || code === 'ENFILE' || code === 'EBUSY' || code === 'EAGAIN';
  return new BlobStoreError(`could not ${what}: ${(cause as Error)?.message ?? String(cause)}`, BlobErrorCode.Io, retryable, { cause });
}
