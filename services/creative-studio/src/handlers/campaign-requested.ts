import { CampaignCompleted, LookbookBatchRequested, type CampaignRequestedEvent } from '@commerce/contracts';
import { PermanentError, derivedEventId, type EventBus, type Handler } from '@commerce/event-kit';
import type { Counter } from 'prom-client';
import { CampaignRejected, type CampaignStore } from '../domain/campaign.js';

export interface CampaignRequestedDeps {
  readonly bus: EventBus;
  readonly campaigns: CampaignStore;
  readonly now?: () => Date;
  readonly metrics: { campaigns: Counter<'outcome'> };
}

/** Ids derived from the campaign, not from the delivery: a replayed request republishes the same ids. */
export const batchEventId = (campaignId: string, planId: string, batch: number, plannedAt: string): string =>
  derivedEventId(`campaign:${campaignId}`, `LookbookBatchRequested/${planId}/${batch}`, new Date(plannedAt));
export const completedEventId = (campaignId: string, plannedAt: string): string => derivedEventId(`campaign:${campaignId}`, 'CampaignCompleted', new Date(plannedAt));

/**
 * campaign-requested -> the campaign plan in the blob store -> one lookbook-batch-requested per
 * batch not done yet. Idempotent per campaign: a redelivered or replayed request reuses the plan,
 * republishes only unfinished batches (same event ids), and does nothing once the campaign is complete.
 */
export function createCampaignRequestedHandler(deps: CampaignRequestedDeps): Handler<CampaignRequestedEvent> {
  const now = deps.now ?? (() => new Date());
  return async (event, ctx) => {
    const log = ctx.logger.child({ campaignId: event.campaignId });
    if (await deps.campaigns.isPublished(event.campaignId)) {
      log.info('campaign already completed: nothing to do (replay or redelivery)');
      deps.metrics.campaigns.inc({ outcome: 'already_completed' });
      return;
    }
    let planned;
    try {
      planned = await deps.campaigns.planCampaign(event, now());
    } catch (err) {
      if (err instanceof CampaignRejected) throw new PermanentError(err.message, err.code);
      throw err;
    }
    const { plan, created } = planned;
    log.info({ planId: plan.planId, shoppers: plan.shoppers, batches: plan.batches, coldStarts: plan.coldStarts, imagesUpgraded: plan.imagesUpgraded, created }, created ? 'campaign planned' : 'campaign plan exists: resuming');
    deps.metrics.campaigns.inc({ outcome: created ? 'planned' : 'resumed' });
    if (plan.shoppers === 0) {
      // Nobody to render: the request itself completes the campaign (claimant -1).
      const completed = await deps.campaigns.completion(plan, -1, now());
      if (completed) {
        await deps.bus.publish(CampaignCompleted, completed, { parent: ctx, eventId: completedEventId(plan.campaignId, plan.plannedAt) });
        await deps.campaigns.markPublished(plan.campaignId);
      }
      return;
    }
    const pending: number[] = [];
    for (let n = 0; n < plan.batches; n++) if (!(await deps.campaigns.batchDone(plan, n))) pending.push(n);
    await Promise.all(
      pending.map((n) =>
        deps.bus.publish(
          LookbookBatchRequested,
          {
            campaignId: plan.campaignId,
            batch: n,
            batches: plan.batches,
            shoppers: Math.min(plan.batchSize, plan.shoppers - n * plan.batchSize),
            planKey: deps.campaigns.planKey(plan.campaignId),
            batchKey: deps.campaigns.batchKey(plan.campaignId, plan.planId, n),
          },
          { parent: ctx, eventId: batchEventId(plan.campaignId, plan.planId, n, plan.plannedAt) },
        ),
      ),
    );
  };
}
