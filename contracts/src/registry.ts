import type { AnyEventContract } from './contract.js';
import { CampaignCompleted, CampaignRequested, LookbookBatchRequested, LookbookReady } from './events/campaigns.js';
import { ProductUpdated } from './events/catalogue.js';
import { FraudAlert, FraudLabelReported, ModelPublished, OrderScored } from './events/fraud.js';
import { ImageEnhanced, ImageUploaded } from './events/images.js';
import { OrderPlaced } from './events/orders.js';

export const registry = {
  OrderPlaced, OrderScored, FraudAlert, FraudLabelReported, ModelPublished,
  ProductUpdated, ImageUploaded, ImageEnhanced, CampaignRequested, LookbookBatchRequested, LookbookReady, CampaignCompleted,
} as const;

/** Every contract, in catalogue order. */
export const contracts: readonly AnyEventContract[] = Object.values(registry);

const byTopic = new Map(contracts.map((c) => [c.topic, c]));

/** The contract for a topic id, or a clear error listing the known topics. */
export function contractFor(topic: string): AnyEventContract {
  const c = byTopic.get(topic);
  if (c === undefined) throw new Error(`no contract for topic "${topic}"; known topics: ${[...byTopic.keys()].join(', ')}`);
  return c;
}
