import { Type } from '@sinclair/typebox';
import { defineEvent } from '../contract.js';
import { Id, Money, Timestamp } from './common.js';

const Format = Type.Union([Type.Literal('image'), Type.Literal('video')], { title: 'CreativeFormat' });

export const CampaignRequested = defineEvent({
  topic: 'campaign-requested',
  type: 'CampaignRequested',
  version: '1.0.0',
  description: 'Marketing asked for a campaign: every shopper in the audience gets a personalised lookbook.',
  orderingKey: { field: 'campaignId', of: (e) => e.campaignId },
  schema: Type.Object({
    campaignId: Id('Unique campaign id; lookbooks are idempotent per (campaign, shopper).'),
    name: Type.String({ minLength: 1 }),
    brief: Type.String({ minLength: 1, description: 'What the campaign is for, in the marketer\'s words.' }),
    theme: Type.String({ minLength: 1, description: 'Visual and editorial theme, e.g. "winter layers".' }),
    audience: Type.Object(
      {
        segment: Type.Optional(
          Type.Array(
            Type.Object(
              {
                field: Type.String({ minLength: 1, description: 'Profile field, e.g. topCategory, country, ordersLast90d.' }),
                op: Type.Union(['eq', 'neq', 'gte', 'lte', 'in', 'contains'].map((v) => Type.Literal(v)), { title: 'SegmentOp' }),
                value: Type.String({ description: 'Compared as a number when the field is numeric.' }),
                values: Type.Optional(Type.Array(Type.String())),
              },
              { title: 'SegmentRule' },
            ),
            { description: 'All rules must hold (AND).' },
          ),
        ),
        shopperIds: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
        limit: Type.Optional(Type.Integer({ minimum: 1, description: 'At most this many shoppers.' })),
      },
      { title: 'Audience' },
    ),
    channels: Type.Array(Type.Union(['email', 'push', 'in_app'].map((v) => Type.Literal(v)), { title: 'Channel' }), { minItems: 1 }),
    formats: Type.Array(Format, { minItems: 1 }),
    locale: Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', description: 'BCP 47, e.g. sv-SE, en-GB.' }),
    budget: Money,
    requestedBy: Type.String({ minLength: 1 }),
    requestedAt: Timestamp('When the campaign was requested.'),
  }),
  example: {
    campaignId: 'c-winter-layers-2026',
    name: 'Winter layers',
    brief: 'Inspire shoppers who bought outerwear last winter to complete a layered look.',
    theme: 'winter layers',
    audience: { segment: [{ field: 'topCategory', op: 'in', value: '', values: ['outerwear', 'knitwear'] }], limit: 1000 },
    channels: ['in_app', 'email'],
    formats: ['image', 'video'],
    locale: 'sv-SE',
    budget: { value: 500000, currency: 'SEK' },
    requestedBy: 'marketing@shop.example',
    requestedAt: '2026-11-21T08:00:00.000Z',
  },
});

export const LookbookReady = defineEvent({
  topic: 'lookbook-ready',
  type: 'LookbookReady',
  version: '1.0.0',
  description: 'A shopper\'s personalised lookbook for a campaign is in the blob store.',
  orderingKey: { field: 'campaignId', of: (e) => e.campaignId },
  attributes: (e) => ({ campaignId: e.campaignId, provider: e.provider }),
  attributeNames: ['campaignId', 'provider'],
  schema: Type.Object({
    campaignId: Id('The campaign.'),
    shopperId: Id('The shopper it was made for.'),
    lookbookId: Id('Deterministic per (campaign, shopper).'),
    title: Type.String({ minLength: 1 }),
    locale: Type.String({ minLength: 2 }),
    manifestKey: Type.String({ minLength: 1 }),
    pageKey: Type.String({ minLength: 1, description: 'Blob-store key of the HTML page.' }),
    imageKeys: Type.Array(Type.String({ minLength: 1 })),
    videoKey: Type.Optional(Type.String()),
    productIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    provider: Type.Union([Type.Literal('local'), Type.Literal('vertex')], { title: 'CreativeProvider' }),
    cost: Money,
    safetyFiltered: Type.Optional(Type.Array(Type.String(), { description: 'Assets the provider withheld on safety grounds.' })),
    readyAt: Timestamp('When the lookbook was complete.'),
  }),
  example: {
    campaignId: 'c-winter-layers-2026',
    shopperId: 'u-1873',
    lookbookId: 'lb-c-winter-layers-2026-u-1873',
    title: 'Alva, your winter layers',
    locale: 'sv-SE',
    manifestKey: 'lookbooks/c-winter-layers-2026/u-1873/manifest.json',
    pageKey: 'lookbooks/c-winter-layers-2026/u-1873/index.html',
    imageKeys: ['lookbooks/c-winter-layers-2026/u-1873/page-1.webp'],
    videoKey: 'lookbooks/c-winter-layers-2026/u-1873/slideshow.webp',
    productIds: ['p-0934', 'p-1102', 'p-2210', 'p-3001'],
    provider: 'local',
    cost: { value: 0, currency: 'SEK' },
    readyAt: '2026-11-21T08:04:10.000Z',
  },
});

export const CampaignCompleted = defineEvent({
  topic: 'campaign-completed',
  type: 'CampaignCompleted',
  version: '1.0.0',
  description: 'Every shopper in a campaign\'s audience has a lookbook or a recorded failure.',
  orderingKey: { field: 'campaignId', of: (e) => e.campaignId },
  schema: Type.Object({
    campaignId: Id('The campaign.'),
    shoppersTargeted: Type.Integer({ minimum: 0 }),
    lookbooksReady: Type.Integer({ minimum: 0 }),
    failures: Type.Integer({ minimum: 0 }),
    failureReasons: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'Count per reason code.' }),
    cost: Money,
    startedAt: Timestamp('When work on the campaign started.'),
    completedAt: Timestamp('When the last lookbook was done.'),
  }),
  example: {
    campaignId: 'c-winter-layers-2026',
    shoppersTargeted: 1000,
    lookbooksReady: 998,
    failures: 2,
    failureReasons: { no_eligible_products: 2 },
    cost: { value: 0, currency: 'SEK' },
    startedAt: '2026-11-21T08:00:01.000Z',
    completedAt: '2026-11-21T08:06:40.000Z',
  },
});

export const LookbookBatchRequested = defineEvent({
  topic: 'lookbook-batch-requested',
  type: 'LookbookBatchRequested',
  version: '1.0.0',
  description:
    'Internal to the creative studio: one batch of a campaign\'s audience to render. The campaign handler plans the campaign and publishes one per batch, so many instances render a large audience in parallel. No ordering key: batches are independent.',
  attributes: (e) => ({ campaignId: e.campaignId }),
  attributeNames: ['campaignId'],
  schema: Type.Object({
    campaignId: Id('The campaign.'),
    batch: Type.Integer({ minimum: 0, description: 'Index of this batch, 0-based.' }),
    batches: Type.Integer({ minimum: 1, description: 'Batches in the campaign.' }),
    shoppers: Type.Integer({ minimum: 0, description: 'Shoppers in this batch.' }),
    planKey: Type.String({ minLength: 1, description: 'Blob-store key of the campaign plan (audience, frozen catalogue and signals, per-batch budget).' }),
    batchKey: Type.String({ minLength: 1, description: 'Blob-store key of this batch\'s input (shopper profiles as planned).' }),
  }),
  example: {
    campaignId: 'c-winter-layers-2026',
    batch: 3,
    batches: 40,
    shoppers: 25,
    planKey: 'creative-studio/campaigns/c-winter-layers-2026/plan.json',
    batchKey: 'creative-studio/campaigns/c-winter-layers-2026/batches/0003/input.json',
  },
});
