import { CRC32C } from '@google-cloud/storage';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compareKeys } from './blob-store.js';

/**
 * Just enough of the Cloud Storage JSON API, in process, to run the GCS store through the contract suite
 * where fake-gcs-server (Docker) cannot run: multipart and resumable uploads, object metadata, `alt=media`
 * downloads (with `x-goog-hash`, so the client's integrity checks run), list with prefix/delimiter/paging,
 * delete, and `ifGenerationMatch` preconditions. Objects appear only when their upload completes.
 * Not a general emulator: no ACLs, no compose/rewrite, no metageneration preconditions.
 */
export interface FakeGcsServer {
  /** `http://127.0.0.1:<port>`, for `new Storage({ apiEndpoint })` or `STORAGE_EMULATOR_HOST`. */
  readonly url: string;
  /** Requests served so far, by `METHOD kind` (e.g. `POST upload:resumable`), to show which paths ran. */
  readonly requests: Map<string, number>;
  close(): Promise<void>;
}

interface StoredObject {
  name: string;
  data: Buffer;
  contentType?: string;
  metadata?: Record<string, string>;
  generation: number;
  updated: string;
}

interface PendingUpload {
  bucket: string;
  name: string;
  contentType?: string;
  metadata?: Record<string, string>;
  ifGenerationMatch?: number;
  chunks: Buffer[];
}

export async function startFakeGcsServer(): Promise<FakeGcsServer> {
  const buckets = new Map<string, Map<string, StoredObject>>();
  const uploads = new Map<string, PendingUpload>();
  const requests = new Map<string, number>();
  let nextGeneration = 1_700_000_000_000_000;

  const bucketOf = (name: string): Map<string, StoredObject> => {
    let b = buckets.get(name);
    if (!b) buckets.set(name, (b = new Map()));
    return b;
  };
  const count = (kind: string): void => void requests.set(kind, (requests.get(kind) ?? 0) + 1);

  const resource = (bucket: string, o: StoredObject): Record<string, unknown> => {
    const crc = new CRC32C();
    crc.update(o.data);
    return {
      kind: 'storage#object',
      id: `${bucket}/${o.name}/${o.generation}`,
      name: o.name,
      bucket,
      generation: String(o.generation),
      metageneration: '1',
      size: String(o.data.length),
      md5Hash: createHash('md5').update(o.data).digest('base64'),
      crc32c: crc.toString(),
      timeCreated: o.updated,
      updated: o.updated,
      ...(o.contentType !== undefined ? { contentType: o.contentType } : {}),
      ...(o.metadata !== undefined ? { metadata: o.metadata } : {}),
    };
  };

  /** Stores the object unless the precondition fails; returns the HTTP status and body to send. */
  const finalize = (u: Omit<PendingUpload, 'chunks'>, data: Buffer): [number, unknown] => {
    const objects = bucketOf(u.bucket);
    const existing = objects.get(u.name);
    if (u.ifGenerationMatch !== undefined && (existing?.generation ?? 0) !== u.ifGenerationMatch) {
      return [412, apiError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet')];
    }
    const o: StoredObject = {
      name: u.name,
      data,
      generation: nextGeneration++,
      updated: new Date().toISOString(),
      ...(u.contentType !== undefined ? { contentType: u.contentType } : {}),
      ...(u.metadata !== undefined ? { metadata: u.metadata } : {}),
    };
    objects.set(u.name, o);
    return [200, resource(u.bucket, o)];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const q = url.searchParams;
    const body = await readBody(req);
    const path = url.pathname.replace(/^\/storage\/v1(?=\/b\/)/, '');
    const ifGen = q.get('ifGenerationMatch');
    const ifGenerationMatch = ifGen === null ? undefined : Number(ifGen);

    let m = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(path);
    if (m && req.method === 'POST' && q.get('uploadType') === 'multipart') {
      count('POST upload:multipart');
      const [metaPart, dataPart] = parseMultipart(body, String(req.headers['content-type']));
      const meta = JSON.parse(metaPart?.body.toString() ?? '{}') as { name?: string; contentType?: string; metadata?: Record<string, string> };
      const name = q.get('name') ?? meta.name ?? '';
      const contentType = meta.contentType ?? dataPart?.contentType;
      return send(res, ...finalize({ bucket: decodeURIComponent(m[1] as string), name, ...opt({ contentType, metadata: meta.metadata, ifGenerationMatch }) }, dataPart?.body ?? Buffer.alloc(0)));
    }
    if (m && req.method === 'POST' && q.get('uploadType') === 'resumable') {
      count('POST upload:resumable');
      const meta = (body.length ? JSON.parse(body.toString()) : {}) as { name?: string; contentType?: string; metadata?: Record<string, string> };
      const bucket = decodeURIComponent(m[1] as string);
      const name = q.get('name') ?? meta.name ?? '';
      const existing = bucketOf(bucket).get(name);
      if (ifGenerationMatch !== undefined && (existing?.generation ?? 0) !== ifGenerationMatch) {
        return send(res, 412, apiError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet'));
      }
      const id = randomBytes(8).toString('hex');
      const contentType = meta.contentType ?? headerText(req.headers['x-upload-content-type']);
      uploads.set(id, { bucket, name, chunks: [], ...opt({ contentType, metadata: meta.metadata, ifGenerationMatch }) });
      res.setHeader('Location', `http://${req.headers.host}/upload/storage/v1/b/${m[1]}/o?uploadType=resumable&upload_id=${id}`);
      return send(res, 200, {});
    }
    if (m && req.method === 'PUT' && q.get('upload_id')) {
      count('PUT upload:resumable');
      const u = uploads.get(q.get('upload_id') as string);
      if (!u) return send(res, 404, apiError(404, 'No such upload', 'notFound'));
      u.chunks.push(body);
      const received = u.chunks.reduce((n, c) => n + c.length, 0);
      // `bytes 0-*/*` (one request, size unknown), `bytes a-b/total`, or `bytes */total` (status or empty final).
      const range = /^bytes (\*|\d+-(\d+|\*))\/(\*|\d+)$/.exec(headerText(req.headers['content-range']) ?? '');
      const total = range?.[3] === undefined || range[3] === '*' ? undefined : Number(range[3]);
      const done = total !== undefined ? received >= total : range?.[2] === '*';
      if (!done) {
        if (received > 0) res.setHeader('Range', `bytes=0-${received - 1}`);
        return send(res, 308, undefined);
      }
      uploads.delete(q.get('upload_id') as string);
      const { chunks: _c, ...target } = u;
      return send(res, ...finalize(target, Buffer.concat(u.chunks)));
    }

    m = /^\/b\/([^/]+)\/o\/(.+)$/.exec(path);
    if (m) {
      const bucket = decodeURIComponent(m[1] as string);
      const name = decodeURIComponent(m[2] as string);
      const o = bucketOf(bucket).get(name);
      const wantGen = q.get('generation');
      const found = o && (wantGen === null || String(o.generation) === wantGen) ? o : undefined;
      if (req.method === 'GET') {
        count(q.get('alt') === 'media' ? 'GET media' : 'GET metadata');
        if (!found) return send(res, 404, apiError(404, `No such object: ${bucket}/${name}`, 'notFound'));
        if (q.get('alt') !== 'media') return send(res, 200, resource(bucket, found));
        const r = resource(bucket, found);
        res.writeHead(200, {
          'Content-Type': found.contentType ?? 'application/octet-stream',
          'Content-Length': String(found.data.length),
          'x-goog-hash': `crc32c=${String(r['crc32c'])},md5=${String(r['md5Hash'])}`,
          'x-goog-stored-content-encoding': 'identity',
          'x-goog-generation': String(found.generation),
        });
        res.end(found.data);
        return;
      }
      if (req.method === 'DELETE') {
        count('DELETE object');
        if (!found) return send(res, 404, apiError(404, `No such object: ${bucket}/${name}`, 'notFound'));
        bucketOf(bucket).delete(name);
        return send(res, 204, undefined);
      }
    }

    m = /^\/b\/([^/]+)\/o$/.exec(path);
    if (m && req.method === 'GET') {
      count('GET list');
      const bucket = decodeURIComponent(m[1] as string);
      const prefix = q.get('prefix') ?? '';
      const delimiter = q.get('delimiter') ?? '';
      const maxResults = Math.min(Number(q.get('maxResults') ?? 1000), 1000);
      const after = q.get('pageToken') ? Buffer.from(q.get('pageToken') as string, 'base64url').toString() : undefined;
      const entries: Array<{ name: string; prefix: boolean }> = [];
      const seen = new Set<string>();
      const names = [...bucketOf(bucket).keys()].filter((n) => n.startsWith(prefix)).sort(compareKeys);
      for (const n of names) {
        const cut = delimiter ? n.indexOf(delimiter, prefix.length) : -1;
        if (cut === -1) entries.push({ name: n, prefix: false });
        else {
          const p = n.slice(0, cut + delimiter.length);
          if (!seen.has(p)) entries.push({ name: p, prefix: true });
          seen.add(p);
        }
      }
      const rest = entries.filter((e) => after === undefined || compareKeys(e.name, after) > 0);
      const page = rest.slice(0, maxResults);
      const objects = bucketOf(bucket);
      const out: Record<string, unknown> = {
        kind: 'storage#objects',
        items: page.filter((e) => !e.prefix).map((e) => resource(bucket, objects.get(e.name) as StoredObject)),
      };
      if (delimiter) out['prefixes'] = page.filter((e) => e.prefix).map((e) => e.name);
      if (rest.length > page.length) out['nextPageToken'] = Buffer.from((page[page.length - 1] as { name: string }).name).toString('base64url');
      return send(res, 200, out);
    }

    count(`unhandled ${req.method} ${path}`);
    send(res, 501, apiError(501, `fake GCS server does not implement ${req.method} ${url.pathname}`, 'notImplemented'));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, apiError(500, String(err), 'backendError')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function opt<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function headerText(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

function apiError(code: number, message: string, reason: string): unknown {
  return { error: { code, message, errors: [{ message, reason, domain: 'global' }] } };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status, { 'Content-Length': '0' });
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parts of a `multipart/related` body, each with its content type and raw bytes. */
function parseMultipart(body: Buffer, contentType: string): Array<{ contentType?: string; body: Buffer }> {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ contentType?: string; body: Buffer }> = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next === -1) break;
    const raw = body.subarray(start + delimiter.length, next);
    const headerEnd = raw.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = raw.subarray(0, headerEnd).toString();
      let content = raw.subarray(headerEnd + 4);
      if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
      parts.push({ ...(type ? { contentType: type.trim() } : {}), body: content });
    }
    start = next;
  }
  return parts;
}
