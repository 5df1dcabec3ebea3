import { BlobNotFoundError, type BlobStore } from '@commerce/blob-store';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CampaignStore } from './domain/campaign.js';
import { segment } from './domain/json-store.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = { html: 'text/html; charset=utf-8', json: 'application/json', webp: 'image/webp', jpg: 'image/jpeg', png: 'image/png', mp4: 'video/mp4' };
const FILE = /^[A-Za-z0-9._-]+$/;

/**
 * What a marketer opens: a campaign's status, its lookbooks, and each lookbook page with its
 * images straight from the blob store (the page uses relative paths, so it works here and as files).
 */
export function registerRoutes(app: FastifyInstance, deps: { campaigns: CampaignStore; blobs: BlobStore; lookbookPrefix: string }): void {
  app.get<{ Params: { id: string } }>('/campaigns/:id', async (req, reply) => {
    const status = await deps.campaigns.status(req.params.id);
    if (status.state === 'unknown') return reply.code(404).send({ error: `no campaign ${req.params.id} has been requested here`, campaignId: req.params.id });
    return status;
  });

  app.get<{ Params: { id: string }; Querystring: { pageToken?: string } }>('/campaigns/:id/lookbooks', async (req) => {
    const prefix = `${deps.lookbookPrefix}${segment(req.params.id)}/`;
    const page = await deps.blobs.list(prefix, { delimiter: '/', pageSize: 200, ...(req.query.pageToken ? { pageToken: req.query.pageToken } : {}) });
    const shoppers = (page.prefixes ?? []).map((p) => decodeURIComponent(p.slice(prefix.length, -1)));
    return {
      campaignId: req.params.id,
      lookbooks: shoppers.map((s) => ({ shopperId: s, page: `/lookbooks/${encodeURIComponent(req.params.id)}/${encodeURIComponent(s)}/` })),
      ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    };
  });

  // Without the trailing slash the page's relative image paths would resolve one level up.
  app.get<{ Params: { campaign: string; shopper: string } }>('/lookbooks/:campaign/:shopper', async (req, reply) =>
    reply.redirect(`/lookbooks/${encodeURIComponent(req.params.campaign)}/${encodeURIComponent(req.params.shopper)}/`, 301),
  );

  const serve = async (req: { params: { campaign: string; shopper: string; file?: string } }, reply: FastifyReply): Promise<FastifyReply> => {
    const file = req.params.file || 'index.html';
    if (!FILE.test(file)) return reply.code(400).send({ error: `bad file name ${JSON.stringify(file)}` });
    const key = `${deps.lookbookPrefix}${segment(req.params.campaign)}/${segment(req.params.shopper)}/${file}`;
    try {
      const data = await deps.blobs.get(key);
      return reply.header('content-type', CONTENT_TYPES[file.split('.').pop() ?? ''] ?? 'application/octet-stream').header('cache-control', 'private, max-age=60').send(data);
    } catch (err) {
      if (err instanceof BlobNotFoundError) return reply.code(404).send({ error: `no ${file} in lookbook ${req.params.campaign}/${req.params.shopper}` });
      throw err;
    }
  };
  app.get<{ Params: { campaign: string; shopper: string } }>('/lookbooks/:campaign/:shopper/', serve);
  app.get<{ Params: { campaign: string; shopper: string; file: string } }>('/lookbooks/:campaign/:shopper/:file', serve);
}
