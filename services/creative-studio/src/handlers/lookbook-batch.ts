import { CampaignCompleted, LookbookReady, type LookbookBatchRequestedEvent } from '@commerce/contracts';
import { PermanentError, derivedEventId, type EventBus, type Handler } from '@commerce/event-kit';
import type { Counter, Histogram } from 'prom-client';
import { batchAllowance, type CampaignStore, type ShopperOutcome } from '../domain/campaign.js';
import { buildLookbook, type LookbookDeps } from '../domain/lookbook.js';
import { completedEventId } from './campaign-requested.js';

export interface LookbookBatchDeps {
  readonly bus: EventBus;
  readonly campaigns: CampaignStore;
  readonly lookbooks: LookbookDeps;
  /** Lookbooks rendered at once within the batch. */
  readonly concurrency: number;
  readonly now?: () => Date;
  readonly onLookbook?: (ms: number) => void;
  readonly metrics: { lookbooks: Counter<'outcome'>; seconds: Histogram; cost: Counter<'currency'> };
}

export const lookbookReadyEventId = (campaignId: string, shopperId: string, plannedAt: string): string =>
  derivedEventId(`campaign:${campaignId}`, `LookbookReady/${shopperId}`, new Date(plannedAt));

/** A failure worth retrying (blob store or network I/O) rather than recording against the shopper. */
function retryable(err: unknown): boolean {
  return (err as { retryable?: unknown })?.retryable === true || (err as { name?: string })?.name === 'PublishError';
}

/**
 * lookbook-batch-requested -> a lookbook (or a recorded failure) for each shopper of the batch ->
 * lookbook-ready each -> the batch's totals -> campaign-completed when it was the last batch.
 * Shoppers already done are skipped, so a redelivered batch repeats no asset and no event.
 */
export function createLookbookBatchHandler(deps: LookbookBatchDeps): Handler<LookbookBatchRequestedEvent> {
  const now = deps.now ?? (() => new Date());
  return async (event, ctx) => {
    const log = ctx.logger.child({ campaignId: event.campaignId, batch: event.batch });
    const plan = await deps.campaigns.plan(event.campaignId);
    if (!plan) throw new PermanentError(`LookbookBatchRequested ${event.campaignId}/${event.batch}: no campaign plan at ${event.planKey} (planKey); the campaign was never planned here`, 'CAMPAIGN_NOT_PLANNED');
    if (!(await deps.campaigns.batchDone(plan, event.batch))) {
      const input = await deps.campaigns.batchInput(event);
      if (!input) throw new PermanentError(`LookbookBatchRequested ${event.campaignId}/${event.batch}: no batch input at ${event.batchKey} (batchKey)`, 'BATCH_INPUT_MISSING');
      const { index, signals } = await deps.campaigns.frozenInputs(plan);
      const outcomes: Array<ShopperOutcome | undefined> = await Promise.all(input.shoppers.map((s) => deps.campaigns.shopperOutcome(plan.campaignId, s.shopperId)));
      const spend = batchAllowance(plan, event.batch, outcomes.reduce((sum, o) => sum + (o?.costMinor ?? 0), 0));
      const todo = input.shoppers.map((s, i) => ({ s, i })).filter(({ i }) => outcomes[i] === undefined);
      let next = 0;
      await Promise.all(
        Array.from({ length: Math.min(deps.concurrency, todo.length) }, async () => {
          while (next < todo.length) {
            const { s, i } = todo[next++]!;
            const t0 = performance.now();
            let outcome: ShopperOutcome;
            try {
              const made = await buildLookbook(deps.lookbooks, { campaign: plan.request, shopperId: s.shopperId, profile: s.profile, catalogue: index, signals, spend, signal: ctx.signal });
              if (made.status === 'ready') {
                await deps.bus.publish(LookbookReady, { ...made.event, readyAt: now().toISOString() }, { parent: ctx, eventId: lookbookReadyEventId(plan.campaignId, s.shopperId, plan.plannedAt) });
                outcome = { shopperId: s.shopperId, status: 'ready', costMinor: made.costMinor, lookbookId: made.event.lookbookId, assets: made.assets };
              } else {
                log.info({ shopperId: s.shopperId, reason: made.reason, detail: made.detail }, 'no lookbook for this shopper');
                outcome = { shopperId: s.shopperId, status: 'failed', reason: made.reason, detail: made.detail, costMinor: 0 };
              }
            } catch (err) {
              if (ctx.signal.aborted || retryable(err)) throw err;
              log.error({ err, shopperId: s.shopperId }, 'lookbook failed');
              outcome = { shopperId: s.shopperId, status: 'failed', reason: 'render_error', detail: (err as Error).message, costMinor: 0 };
            }
            const created = await deps.campaigns.recordShopper(plan.campaignId, outcome);
            outcomes[i] = created ? outcome : ((await deps.campaigns.shopperOutcome(plan.campaignId, s.shopperId)) ?? outcome);
            deps.metrics.lookbooks.inc({ outcome: outcome.status === 'ready' ? 'ready' : outcome.reason });
            if (outcome.costMinor > 0) deps.metrics.cost.inc({ currency: plan.request.budget.currency }, outcome.costMinor);
            const ms = performance.now() - t0;
            deps.metrics.seconds.observe(ms / 1000);
            deps.onLookbook?.(ms);
          }
        }),
      );
      const totals = await deps.campaigns.recordBatchTotals(plan, event.batch, outcomes as ShopperOutcome[], now());
      log.info({ ready: totals.ready, failures: totals.failures, costMinor: totals.costMinor }, 'batch done');
    }
    const completed = await deps.campaigns.completion(plan, event.batch, now());
    if (completed) {
      await deps.bus.publish(CampaignCompleted, completed, { parent: ctx, eventId: completedEventId(plan.campaignId, plan.plannedAt) });
      await deps.campaigns.markPublished(plan.campaignId);
      log.info({ lookbooksReady: completed.lookbooksReady, failures: completed.failureReasons, cost: completed.cost }, 'campaign completed');
    }
  };
}
