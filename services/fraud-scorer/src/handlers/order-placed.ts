import { FraudAlert, OrderScored, type OrderPlacedEvent, type OrderScoredEvent } from '@commerce/contracts';
import { derivedEventId, type EventBus, type EventContext } from '@commerce/event-kit';
import type { Scorer } from '../domain/scorer.js';

export interface Thresholds {
  readonly review: number;
  readonly decline: number;
  readonly alert: number;
}
/** Thresholds set in the environment; each one set wins over the model version's own. */
export type ThresholdOverrides = { readonly [K in keyof Thresholds]?: number | undefined };

export interface OrderPlacedDeps {
  readonly bus: Pick<EventBus, 'publish'>;
  readonly scorer: Scorer;
  readonly thresholds: ThresholdOverrides;
  /** When neither the environment nor the score's model sets a threshold. */
  readonly defaults: Thresholds;
  readonly now?: () => Date;
}

/**
 * order-placed -> order-scored (+ fraud-alert above the alert threshold). Idempotent: the
 * scorer returns the same score for a redelivered order, and the published events carry
 * ids derived from the order's event id, so a redelivery republishes the same events.
 */
export function createOrderPlacedHandler(deps: OrderPlacedDeps) {
  const now = deps.now ?? (() => new Date());
  return async (order: OrderPlacedEvent, ctx: EventContext): Promise<void> => {
    const started = performance.now();
    const s = await deps.scorer.score(order);
    // The order is in the graph now, which is all the shopper's next order needs: it may start
    // while this one publishes and is made durable (this message is still acked only after that).
    ctx.releaseOrderingKey?.();
    const pick = (k: keyof Thresholds): number => deps.thresholds[k] ?? s.thresholds?.[k] ?? deps.defaults[k];
    const t: Thresholds = { review: pick('review'), decline: pick('decline'), alert: pick('alert') };
    const decision = decide(s.score, t);
    const scoredAt = now().toISOString();
    await deps.bus.publish(
      OrderScored,
      {
        orderId: order.orderId,
        userId: order.userId,
        score: s.score,
        decision,
        thresholds: { review: t.review, decline: t.decline },
        modelVersion: s.modelVersion ?? deps.scorer.version,
        backend: s.backend ?? deps.scorer.backend,
        latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
        scoredAt,
        reasons: s.reasons.map((r) => ({ ...r, weight: Math.round(r.weight * 1000) / 1000 })),
        ...(s.coldStart !== undefined ? { coldStart: s.coldStart } : {}),
        ...(s.shadow ? { shadow: { ...s.shadow, decision: decide(s.shadow.score, s.shadow.thresholds) } } : {}),
      },
      { parent: ctx, eventId: derivedEventId(ctx.eventId, OrderScored.type, ctx.publishTime) },
    );
    if (s.score >= t.alert) {
      await deps.bus.publish(
        FraudAlert,
        {
          alertId: derivedEventId(ctx.eventId, FraudAlert.type, ctx.publishTime),
          orderId: order.orderId,
          userId: order.userId,
          score: s.score,
          severity: s.score >= 0.98 ? 'critical' : s.score >= 0.95 ? 'high' : 'medium',
          pattern: s.neighbourhood.pattern,
          summary: s.reasons.slice(0, 3).map((r) => r.description).join('; ') || 'high model score',
          entities: [...s.neighbourhood.entities],
          edges: [...s.neighbourhood.edges],
          modelVersion: s.modelVersion ?? deps.scorer.version,
          raisedAt: scoredAt,
        },
        { parent: ctx, eventId: derivedEventId(ctx.eventId, FraudAlert.type, ctx.publishTime) },
      );
    }
    // Durable last: the message is acked after this, and never before the score went out.
    await deps.scorer.settle?.(order);
  };
}

function decide(score: number, t: Pick<Thresholds, 'review' | 'decline'>): OrderScoredEvent['decision'] {
  return score >= t.decline ? 'decline' : score >= t.review ? 'review' : 'approve';
}
