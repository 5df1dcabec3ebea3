import type { CampaignCompletedEvent, CampaignRequestedEvent, LookbookBatchRequestedEvent } from '@commerce/contracts';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { JsonStore, segment } from './json-store.js';
import { buildLookbook, type AssetRecord, type LookbookDeps, type LookbookOutcome } from './lookbook.js';
import { Projections, withEnhancedImages } from './projections.js';
import { Allowance } from './providers/provider.js';
import {
  CoPurchaseIndex, Popularity, matchesSegment, prepareCatalogue, validateSegment,
  type CatalogueProduct, type RecsIndex, type ShopperProfile,
} from './recs/index.js';

/**
 * A campaign's life in the blob store, under `<state>/campaigns/<campaignId>/`:
 *
 * - `plan.json` (create-only): who is targeted, in how many batches, each batch's share of the
 *   budget, and the id of the frozen inputs below. Written LAST of the planning objects, with
 *   `ifAbsent`: whoever creates it owns the campaign's plan; a concurrent or replayed request
 *   finds it and reuses it. Its inputs live under `plans/<planId>/` (a losing planner's are garbage).
 * - `plans/<planId>/catalogue.json`, `signals.json`: the catalogue (photos upgraded to their
 *   enhanced variants) and popularity/co-purchase as of planning, so every instance renders every
 *   lookbook of the campaign from the same state.
 * - `plans/<planId>/batches/<n>.json`: the shoppers of batch n with their profiles as planned.
 * - `shoppers/<shopperId>.json` (create-only): the outcome for one shopper, written after its
 *   lookbook-ready was published. Its presence makes the shopper done: a redelivered batch or a
 *   replayed campaign skips it, so no asset is rewritten and no event repeated.
 * - `plans/<planId>/done/<n>.json` (create-only): batch n's totals, written once all its shoppers are done.
 * - `completed.json` (create-only): the campaign-completed payload, claimed by the first batch
 *   that finds every batch done; only the claimant publishes, `completed.published` records that
 *   it did. A claimant that dies in between gets its batch redelivered and publishes then, with
 *   the same deterministic event id. So: exactly one campaign-completed per campaign.
 */

export interface CampaignPlan {
  readonly version: 1;
  readonly campaignId: string;
  readonly planId: string;
  readonly request: CampaignRequestedEvent;
  readonly plannedAt: string;
  readonly shoppers: number;
  readonly coldStarts: number;
  readonly batchSize: number;
  readonly batches: number;
  /** Budget of each batch in minor units: the campaign budget split by batch size, never moved between batches. */
  readonly batchBudgetsMinor: readonly number[];
  readonly catalogueProducts: number;
  readonly imagesUpgraded: number;
  readonly signalOrders: number;
}

export interface BatchInput {
  readonly campaignId: string;
  readonly batch: number;
  readonly shoppers: ReadonlyArray<{ readonly shopperId: string; readonly profile?: ShopperProfile }>;
}

export type ShopperOutcome =
  | { readonly shopperId: string; readonly status: 'ready'; readonly costMinor: number; readonly lookbookId: string; readonly assets: readonly AssetRecord[] }
  | { readonly shopperId: string; readonly status: 'failed'; readonly reason: string; readonly detail: string; readonly costMinor: 0 };

export interface BatchTotals {
  readonly batch: number;
  readonly shoppers: number;
  readonly ready: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly costMinor: number;
  /** Assets made locally because the batch's budget could not pay for them. */
  readonly budgetExhausted: number;
  readonly safetyFiltered: number;
  readonly finishedAt: string;
}

export interface CampaignStatus {
  readonly campaignId: string;
  readonly state: 'unknown' | 'planned' | 'completed';
  readonly plan?: Omit<CampaignPlan, 'request'> & { readonly name: string; readonly theme: string; readonly locale: string };
  readonly batchesDone: number;
  readonly lookbooksReady: number;
  readonly failures: Readonly<Record<string, number>>;
  readonly costMinor: number;
  readonly completed?: CampaignCompletedEvent;
}

/** Thrown for a campaign that can never be planned (the message names the event and field). */
export class CampaignRejected extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

export interface CampaignStoreOptions {
  readonly json: JsonStore;
  readonly projections: Projections;
  readonly prefix: string;
  readonly batchSize: number;
  readonly signalsWindowDays: number;
  readonly logger: Logger;
}

interface Frozen {
  readonly index: RecsIndex;
  readonly signals: { coPurchase: CoPurchaseIndex; popularity: Popularity };
}

export class CampaignStore {
  private readonly frozen = new Map<string, Promise<Frozen>>();
  constructor(private readonly o: CampaignStoreOptions) {}

  dir = (campaignId: string): string => `${this.o.prefix}campaigns/${segment(campaignId)}/`;
  planKey = (campaignId: string): string => `${this.dir(campaignId)}plan.json`;
  private planDir = (campaignId: string, planId: string): string => `${this.dir(campaignId)}plans/${planId}/`;
  batchKey = (campaignId: string, planId: string, n: number): string => `${this.planDir(campaignId, planId)}batches/${String(n).padStart(5, '0')}.json`;
  private doneKey = (campaignId: string, planId: string, n: number): string => `${this.planDir(campaignId, planId)}done/${String(n).padStart(5, '0')}.json`;
  private shopperKey = (campaignId: string, shopperId: string): string => `${this.dir(campaignId)}shoppers/${segment(shopperId)}.json`;
  private completedKey = (campaignId: string): string => `${this.dir(campaignId)}completed.json`;
  private publishedKey = (campaignId: string): string => `${this.dir(campaignId)}completed.published`;

  plan(campaignId: string): Promise<CampaignPlan | undefined> {
    return this.o.json.get<CampaignPlan>(this.planKey(campaignId));
  }

  isPublished(campaignId: string): Promise<boolean> {
    return this.o.json.exists(this.publishedKey(campaignId));
  }

  /**
   * The campaign's plan: the existing one, or a new one. Resolving the audience reads every
   * profile for a segment (explicit shopper ids read only theirs).
   */
  async planCampaign(request: CampaignRequestedEvent, now: Date): Promise<{ plan: CampaignPlan; created: boolean }> {
    const existing = await this.plan(request.campaignId);
    if (existing) return { plan: existing, created: false };
    const audience = await this.resolveAudience(request, now);
    const planId = `${now.getTime().toString(36)}-${randomBytes(4).toString('hex')}`;
    const [catalogue, enhanced, signals] = await Promise.all([this.o.projections.catalogue(), this.o.projections.enhancedImages(), this.o.projections.signals(now, this.o.signalsWindowDays)]);
    const { catalogue: upgraded, upgraded: imagesUpgraded } = withEnhancedImages(catalogue, enhanced);
    const dir = this.planDir(request.campaignId, planId);
    await this.o.json.put(`${dir}catalogue.json`, [...upgraded.values()]);
    await this.o.json.put(`${dir}signals.json`, { coPurchase: signals.coPurchase.toJSON(), popularity: signals.popularity.toJSON() });
    const size = this.o.batchSize;
    const batches = Math.max(1, Math.ceil(audience.length / size));
    const budgets: number[] = [];
    for (let n = 0; n < batches; n++) {
      const shoppers = audience.slice(n * size, (n + 1) * size);
      const input: BatchInput = { campaignId: request.campaignId, batch: n, shoppers };
      await this.o.json.put(this.batchKey(request.campaignId, planId, n), input);
      budgets.push(Math.floor((request.budget.value * shoppers.length) / Math.max(1, audience.length)));
    }
    const plan: CampaignPlan = {
      version: 1,
      campaignId: request.campaignId,
      planId,
      request,
      plannedAt: now.toISOString(),
      shoppers: audience.length,
      coldStarts: audience.filter((a) => !a.profile).length,
      batchSize: size,
      batches,
      batchBudgetsMinor: budgets,
      catalogueProducts: upgraded.size,
      imagesUpgraded,
      signalOrders: signals.orders,
    };
    if (await this.o.json.put(this.planKey(request.campaignId), plan, { ifAbsent: true })) return { plan, created: true };
    // Another delivery planned it first: use theirs.
    return { plan: (await this.plan(request.campaignId))!, created: false };
  }

  private async resolveAudience(request: CampaignRequestedEvent, now: Date): Promise<Array<{ shopperId: string; profile?: ShopperProfile }>> {
    const { segment: rules, shopperIds, limit } = request.audience;
    if (!rules?.length && !shopperIds?.length) {
      throw new CampaignRejected(`CampaignRequested ${request.campaignId}: audience needs segment rules or shopperIds (audience.segment and audience.shopperIds are both empty)`, 'AUDIENCE_EMPTY');
    }
    if (rules?.length) {
      try {
        validateSegment(rules);
      } catch (err) {
        throw new CampaignRejected(`CampaignRequested ${request.campaignId}: audience.segment is invalid: ${(err as Error).message}`, 'INVALID_SEGMENT_RULE');
      }
    }
    const max = limit ?? Number.POSITIVE_INFINITY;
    if (shopperIds?.length) {
      const ids = [...new Set(shopperIds)];
      const out: Array<{ shopperId: string; profile?: ShopperProfile }> = [];
      for (let i = 0; i < ids.length && out.length < max; i += 32) {
        const profiles = await Promise.all(ids.slice(i, i + 32).map((id) => this.o.projections.profile(id)));
        profiles.forEach((profile, j) => {
          if (out.length >= max) return;
          // With both, the segment narrows the named shoppers (a shopper with no profile cannot match rules).
          if (rules?.length && !(profile && matchesSegment(profile, rules, now))) return;
          out.push({ shopperId: ids[i + j]!, ...(profile ? { profile } : {}) });
        });
      }
      return out;
    }
    const matched: ShopperProfile[] = [];
    for await (const p of this.o.projections.profiles()) if (matchesSegment(p, rules!, now)) matched.push(p);
    // The most recently active first, so a limit keeps the shoppers most likely to respond.
    matched.sort((a, b) => Date.parse(b.lastOrderAt) - Date.parse(a.lastOrderAt) || a.shopperId.localeCompare(b.shopperId));
    return matched.slice(0, max).map((profile) => ({ shopperId: profile.shopperId, profile }));
  }

  /** The frozen catalogue and signals of a plan, read once per process. */
  frozenInputs(plan: CampaignPlan): Promise<Frozen> {
    let f = this.frozen.get(plan.planId);
    if (!f) {
      f = (async () => {
        const dir = this.planDir(plan.campaignId, plan.planId);
        const [products, signals] = await Promise.all([
          this.o.json.get<CatalogueProduct[]>(`${dir}catalogue.json`),
          this.o.json.get<{ coPurchase: unknown; popularity: unknown }>(`${dir}signals.json`),
        ]);
        if (!products || !signals) throw new Error(`campaign ${plan.campaignId}: the inputs of plan ${plan.planId} are missing from the blob store`);
        return { index: prepareCatalogue(new Map(products.map((p) => [p.productId, p]))), signals: { coPurchase: CoPurchaseIndex.fromJSON(signals.coPurchase), popularity: Popularity.fromJSON(signals.popularity) } };
      })();
      f.catch(() => this.frozen.delete(plan.planId));
      this.frozen.set(plan.planId, f);
      while (this.frozen.size > 16) this.frozen.delete(this.frozen.keys().next().value!);
    }
    return f;
  }

  batchInput(e: LookbookBatchRequestedEvent): Promise<BatchInput | undefined> {
    return this.o.json.get<BatchInput>(e.batchKey);
  }

  batchDone(plan: CampaignPlan, n: number): Promise<boolean> {
    return this.o.json.exists(this.doneKey(plan.campaignId, plan.planId, n));
  }

  shopperOutcome(campaignId: string, shopperId: string): Promise<ShopperOutcome | undefined> {
    return this.o.json.get<ShopperOutcome>(this.shopperKey(campaignId, shopperId));
  }

  /** Create-only: the first outcome recorded for a shopper is the one that counts. */
  recordShopper(campaignId: string, outcome: ShopperOutcome): Promise<boolean> {
    return this.o.json.put(this.shopperKey(campaignId, outcome.shopperId), outcome, { ifAbsent: true });
  }

  async recordBatchTotals(plan: CampaignPlan, batch: number, outcomes: readonly ShopperOutcome[], now: Date): Promise<BatchTotals> {
    const failures: Record<string, number> = {};
    let ready = 0;
    let costMinor = 0;
    let budgetExhausted = 0;
    let safetyFiltered = 0;
    for (const o of outcomes) {
      costMinor += o.costMinor;
      if (o.status === 'ready') {
        ready++;
        budgetExhausted += o.assets.filter((a) => a.note === 'budget_exhausted').length;
        safetyFiltered += o.assets.filter((a) => a.note === 'safety_filtered').length;
      } else failures[o.reason] = (failures[o.reason] ?? 0) + 1;
    }
    const totals: BatchTotals = { batch, shoppers: outcomes.length, ready, failures, costMinor, budgetExhausted, safetyFiltered, finishedAt: now.toISOString() };
    await this.o.json.put(this.doneKey(plan.campaignId, plan.planId, batch), totals, { ifAbsent: true });
    return totals;
  }

  private async allTotals(plan: CampaignPlan): Promise<BatchTotals[]> {
    const out: BatchTotals[] = [];
    for await (const t of this.o.json.values<BatchTotals>(`${this.planDir(plan.campaignId, plan.planId)}done/`)) out.push(t);
    return out;
  }

  /**
   * After a batch: when every batch is done, claim completion (create-only). Returns the
   * campaign-completed payload when THIS caller must publish it: it claimed it now, or claimed it
   * earlier (same `claimant`) and has not recorded the publish yet.
   */
  async completion(plan: CampaignPlan, claimant: number, now: Date): Promise<CampaignCompletedEvent | undefined> {
    if (await this.isPublished(plan.campaignId)) return undefined;
    const held = await this.o.json.get<{ claimant: number; event: CampaignCompletedEvent }>(this.completedKey(plan.campaignId));
    if (held) return held.claimant === claimant ? held.event : undefined;
    const totals = await this.allTotals(plan);
    if (totals.length < plan.batches) return undefined;
    const failureReasons: Record<string, number> = {};
    for (const t of totals) for (const [r, n] of Object.entries(t.failures)) failureReasons[r] = (failureReasons[r] ?? 0) + n;
    const event: CampaignCompletedEvent = {
      campaignId: plan.campaignId,
      shoppersTargeted: plan.shoppers,
      lookbooksReady: totals.reduce((s, t) => s + t.ready, 0),
      failures: Object.values(failureReasons).reduce((s, n) => s + n, 0),
      failureReasons,
      cost: { value: totals.reduce((s, t) => s + t.costMinor, 0), currency: plan.request.budget.currency },
      startedAt: plan.plannedAt,
      completedAt: totals.map((t) => t.finishedAt).sort().at(-1) ?? now.toISOString(),
    };
    if (await this.o.json.put(this.completedKey(plan.campaignId), { claimant, event }, { ifAbsent: true })) return event;
    return undefined;
  }

  markPublished(campaignId: string): Promise<boolean> {
    return this.o.json.put(this.publishedKey(campaignId), { publishedAt: new Date().toISOString() }, { ifAbsent: true });
  }

  async status(campaignId: string): Promise<CampaignStatus> {
    const plan = await this.plan(campaignId);
    if (!plan) return { campaignId, state: 'unknown', batchesDone: 0, lookbooksReady: 0, failures: {}, costMinor: 0 };
    const totals = await this.allTotals(plan);
    const failures: Record<string, number> = {};
    for (const t of totals) for (const [r, n] of Object.entries(t.failures)) failures[r] = (failures[r] ?? 0) + n;
    const completed = (await this.o.json.get<{ event: CampaignCompletedEvent }>(this.completedKey(campaignId)))?.event;
    const { request, ...rest } = plan;
    return {
      campaignId,
      state: completed && (await this.isPublished(campaignId)) ? 'completed' : 'planned',
      plan: { ...rest, name: request.name, theme: request.theme, locale: request.locale },
      batchesDone: totals.length,
      lookbooksReady: totals.reduce((s, t) => s + t.ready, 0),
      failures,
      costMinor: totals.reduce((s, t) => s + t.costMinor, 0),
      ...(completed ? { completed } : {}),
    };
  }
}

/** A batch's remaining allowance: its share of the budget minus what its done shoppers already spent. */
export function batchAllowance(plan: CampaignPlan, batch: number, spentMinor: number): Allowance {
  return new Allowance(plan.request.budget.currency, (plan.batchBudgetsMinor[batch] ?? 0) - spentMinor);
}

export type { LookbookDeps, LookbookOutcome };
export { buildLookbook };
