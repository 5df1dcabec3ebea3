import { OrderPlaced } from '@commerce/contracts';
import { createServiceApp, type BuiltService, type ServiceDeps } from '@commerce/service-kit';
import type { FraudScorerConfig } from './config.js';
import { RulesScorer } from './domain/rules-scorer.js';
import type { Scorer } from './domain/scorer.js';
import { createOrderPlacedHandler } from './handlers/order-placed.js';

export const SERVICE = 'fraud-scorer';
export const SUBSCRIPTIONS = { orderPlaced: 'order-placed.fraud-scorer' } as const;

/** Wiring only: the scorer, the handler, the subscription, the HTTP surface. */
export async function buildApp(deps: ServiceDeps<FraudScorerConfig>, scorer: Scorer = new RulesScorer()): Promise<BuiltService> {
  const { config, bus } = deps;
  const app = await createServiceApp({
    name: SERVICE,
    logger: deps.logger,
    bus,
    metricsRegistry: deps.metricsRegistry,
    healthDetails: () => ({ model: scorer.version, backend: scorer.backend }),
  });
  const handler = createOrderPlacedHandler({
    bus,
    scorer,
    thresholds: { review: config.REVIEW_THRESHOLD, decline: config.DECLINE_THRESHOLD, alert: config.ALERT_THRESHOLD },
  });
  const orderPlaced = bus.subscribe(OrderPlaced, SUBSCRIPTIONS.orderPlaced, handler);
  return { app, subscriptions: [orderPlaced] };
}
