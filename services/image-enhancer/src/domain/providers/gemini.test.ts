import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { analyse } from '../analyse.js';
import { EnhanceDefaults } from '../enhance.js';
import { decompressionBombPng } from '../hostile.js';
import { Op, planFor } from '../plan.js';
import { fromRaw } from '../raw.js';
import { cleanSample } from '../samples.js';
import { GeminiProvider, GenAiImageClient, REGENERATION_PROMPT, type GenAiClientOptions } from './gemini.js';
import { DailyBudget, RateLimiter } from './limits.js';
import { LocalProvider } from './local.js';

/** What the stand-in for the Vertex endpoint answers, request by request. */
type Reply = { status: number; body?: unknown; delayMs?: number };

interface Endpoint {
  url: string;
  requests: Array<{ path: string; auth: string | undefined; body: { contents: Array<{ parts: Array<{ text?: string; inlineData?: { mimeType: string; data: string } }> }>; generationConfig?: { responseModalities?: string[] } } }>;
  replies: Reply[];
  close(): Promise<void>;
}

async function vertexStandIn(): Promise<Endpoint> {
  const ep: Partial<Endpoint> & { requests: Endpoint['requests']; replies: Reply[] } = { requests: [], replies: [] };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      ep.requests.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw || '{}') });
      const reply = ep.replies.shift() ?? { status: 500, body: { error: { code: 500, message: 'no reply scripted', status: 'INTERNAL' } } };
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply.body ?? {}));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  ep.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ep.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return ep as Endpoint;
}

const imageReply = (png: Buffer): Reply => ({
  status: 200,
  body: { candidates: [{ content: { role: 'model', parts: [{ text: 'Here is the edited photo.' }, { inlineData: { mimeType: 'image/png', data: png.toString('base64') } }] }, finishReason: 'STOP' }] },
});
const errorReply = (status: number, s: string): Reply => ({ status, body: { error: { code: status, message: `scripted ${status}`, status: s } } });

/** A fixed token instead of Application Default Credentials (none exist here). */
const testAuth = { authClient: { getRequestHeaders: async () => new Headers({ authorization: 'Bearer test-token' }) } } as unknown as GenAiClientOptions['googleAuthOptions'];

const SIZE = { width: 320, height: 400 };
const enhance = { ...EnhanceDefaults, targetLongSidePx: 400 };
const decodeLimits = { maxBytes: 10_000_000, maxPixels: 40_000_000, allowedFormats: ['jpeg', 'png', 'webp'] as ('jpeg' | 'png' | 'webp')[], workingLongSidePx: 2400 };

describe('gemini provider against a local stand-in for the Vertex endpoint', () => {
  let ep: Endpoint;
  let cluttered: Awaited<ReturnType<typeof cleanSample>>;
  let regenerated: Buffer;
  const fallbacks: string[] = [];

  beforeAll(async () => {
    cluttered = await cleanSample({ seed: 7, clutter: true, background: '#9a8f80', ...SIZE });
    regenerated = await fromRaw(await cleanSample({ seed: 7, ...SIZE })).png().toBuffer();
  });
  beforeEach(async () => {
    ep = await vertexStandIn();
    fallbacks.length = 0;
  });
  afterEach(() => ep.close());

  function provider(over: { budgetUsd?: number; timeoutMs?: number; maxAttempts?: number } = {}): GeminiProvider {
    return new GeminiProvider({
      client: new GenAiImageClient({ project: 'shop-images', location: 'global', model: 'gemini-2.5-flash-image', baseUrl: ep.url, googleAuthOptions: testAuth, fetch: (url, init) => fetch(url, init) }),
      fallback: new LocalProvider(enhance),
      budget: new DailyBudget(over.budgetUsd ?? 1, 0.039),
      limiter: new RateLimiter(6000, 10),
      timeoutMs: over.timeoutMs ?? 10_000,
      maxAttempts: over.maxAttempts ?? 4,
      retryBaseMs: 5,
      retryMaxMs: 20,
      decodeLimits,
      enhance,
      logger: pino({ level: 'silent' }),
      onFallback: (r) => fallbacks.push(r),
    });
  }

  const input = (image = cluttered) => {
    const metrics = analyse(image, enhance);
    return { object: 'gs://b/p.jpg#1', image, metrics, plan: planFor(metrics) };
  };

  it('regenerates a photo the local path cannot save, with generateContent and image output on Vertex', async () => {
    ep.replies.push(imageReply(regenerated));
    const out = await provider().enhance(input());
    expect(out.provider).toBe('gemini');
    expect(out.master.ops[0]).toBe(Op.Regenerate);
    expect(ep.requests).toHaveLength(1);
    const [req] = ep.requests;
    expect(req!.path).toMatch(/\/projects\/shop-images\/locations\/global\/publishers\/google\/models\/gemini-2\.5-flash-image:generateContent$/);
    expect(req!.auth).toBe('Bearer test-token');
    expect(req!.body.generationConfig?.responseModalities).toEqual(['TEXT', 'IMAGE']);
    const parts = req!.body.contents[0]!.parts;
    expect(parts.find((p) => p.inlineData)?.inlineData?.mimeType).toBe('image/png');
    expect(parts.find((p) => p.text)?.text).toBe(REGENERATION_PROMPT);
    expect(fallbacks).toEqual([]);
  });

  it('sends nothing for a photo the local path can handle', async () => {
    const out = await provider().enhance(input(await cleanSample({ seed: 8, ...SIZE })));
    expect(out.provider).toBe('local');
    expect(ep.requests).toHaveLength(0);
    expect(fallbacks).toEqual([]);
  });

  it('retries 429 and 5xx with backoff, then succeeds', async () => {
    ep.replies.push(errorReply(429, 'RESOURCE_EXHAUSTED'), errorReply(503, 'UNAVAILABLE'), imageReply(regenerated));
    const out = await provider().enhance(input());
    expect(out.provider).toBe('gemini');
    expect(ep.requests).toHaveLength(3);
  });

  it('falls back to local after the last attempt, and does not retry a 400', async () => {
    ep.replies.push(errorReply(500, 'INTERNAL'), errorReply(500, 'INTERNAL'), errorReply(500, 'INTERNAL'));
    const out = await provider({ maxAttempts: 3 }).enhance(input());
    expect(out.provider).toBe('local');
    expect(ep.requests).toHaveLength(3);
    expect(fallbacks[0]).toMatch(/500/);

    ep.replies.push(errorReply(400, 'INVALID_ARGUMENT'));
    const again = await provider({ maxAttempts: 3 }).enhance(input());
    expect(again.provider).toBe('local');
    expect(ep.requests).toHaveLength(4);
  });

  it('falls back to local when the endpoint is slower than the per-image timeout', async () => {
    ep.replies.push({ ...imageReply(regenerated), delayMs: 5000 });
    const out = await provider({ timeoutMs: 300 }).enhance(input());
    expect(out.provider).toBe('local');
    expect(fallbacks[0]).toMatch(/timed out after 300 ms/);
  });

  it('stops calling once the daily budget is spent, and a failed call costs nothing', async () => {
    const p = provider({ budgetUsd: 0.08 });
    ep.replies.push(errorReply(400, 'INVALID_ARGUMENT'), imageReply(regenerated), imageReply(regenerated), imageReply(regenerated));
    expect((await p.enhance(input())).provider).toBe('local');
    expect((await p.enhance(input())).provider).toBe('gemini');
    expect((await p.enhance(input())).provider).toBe('gemini');
    expect((await p.enhance(input())).provider).toBe('local');
    expect(ep.requests).toHaveLength(3);
    expect(fallbacks.at(-1)).toBe('daily budget spent');
    expect(p.health()).toMatchObject({ budget: { spentUsd: 0.078, limitUsd: 0.08 } });
  });

  it('treats what comes back as untrusted: no image, or a decompression bomb, falls back', async () => {
    ep.replies.push({ status: 200, body: { candidates: [{ content: { role: 'model', parts: [{ text: 'I cannot help with that.' }] }, finishReason: 'STOP' }] } });
    ep.replies.push(imageReply(decompressionBombPng(20_000)));
    const p = provider();
    expect((await p.enhance(input())).provider).toBe('local');
    expect((await p.enhance(input())).provider).toBe('local');
    expect(fallbacks[0]).toMatch(/no image.*I cannot help with that/);
    expect(fallbacks[1]).toMatch(/decompression bomb/);
  });
});
