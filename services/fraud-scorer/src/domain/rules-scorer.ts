import type { OrderPlacedEvent } from '@commerce/contracts';
import type { Neighbourhood, Score, ScoreReason, Scorer } from './scorer.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Most recent K users per entity: hub entities (a shared office IP) cannot grow without bound. */
const MAX_NEIGHBOURS = 200;

interface UserState {
  readonly firstSeenMs: number;
  readonly orders: Array<{ orderId: string; atMs: number; total: number; instrumentId: string; deviceId: string; address: string }>;
}

type EntityKind = 'device' | 'card' | 'address' | 'ip';

/**
 * An explainable baseline: features a fraud analyst would look at first, over a small
 * in-memory graph of which users touched which devices, cards, addresses and IPs.
 * Weights are hand-set; the graph neural network replaces them with learnt ones and is
 * compared against this baseline.
 */
export class RulesScorer implements Scorer {
  readonly version = 'rules@1';
  readonly backend = 'rules';
  private readonly users = new Map<string, UserState>();
  private readonly entityUsers = new Map<string, Map<string, number>>(); // `${kind}:${id}` -> user -> last seen ms
  private readonly scored = new Map<string, Score>(); // by order id: a redelivered order gets the same score

  async score(order: OrderPlacedEvent): Promise<Score> {
    const previous = this.scored.get(order.orderId);
    if (previous) return previous;
    const atMs = Date.parse(order.placedAt);
    const address = normaliseAddress(order.shippingAddress);
    const entities: Array<[EntityKind, string]> = [
      ['device', order.device.deviceId],
      ['card', order.payment.instrumentId],
      ['address', address],
      ['ip', order.device.ip],
    ];
    const user = this.users.get(order.userId);
    const history = user?.orders ?? [];
    const reasons: ScoreReason[] = [];
    const add = (r: ScoreReason): void => {
      if (r.weight > 0) reasons.push(r);
    };

    // Shared entities: many accounts on one device, card or address is the signature of a ring.
    for (const [kind, id] of entities) {
      const others = [...(this.entityUsers.get(`${kind}:${id}`)?.keys() ?? [])].filter((u) => u !== order.userId);
      if (others.length === 0) continue;
      const weight = kind === 'ip' ? 0.08 * Math.min(others.length, 5) : 0.22 * Math.min(others.length, 6);
      add({
        kind: 'entity',
        code: `${kind}_shared_accounts`,
        description: `${kind} ${display(kind, id)} shared with ${others.length + 1} accounts`,
        weight,
        entityType: kind,
        entityId: id,
      });
    }

    const ageDays = (atMs - Date.parse(order.customer.accountCreatedAt)) / DAY_MS;
    if (ageDays < 2) add({ kind: 'feature', code: 'new_account', description: `account is ${ageDays < 1 ? 'less than a day' : `${ageDays.toFixed(1)} days`} old`, weight: 0.35 });

    const lastHour = history.filter((o) => atMs - o.atMs < HOUR_MS);
    if (lastHour.length >= 2) add({ kind: 'feature', code: 'order_velocity_1h', description: `${lastHour.length + 1} orders in the last hour`, weight: 0.12 * lastHour.length });

    const cardsDay = new Set(history.filter((o) => atMs - o.atMs < DAY_MS).map((o) => o.instrumentId).concat(order.payment.instrumentId));
    if (cardsDay.size >= 3) add({ kind: 'feature', code: 'cards_per_user_24h', description: `${cardsDay.size} different cards in 24 hours`, weight: 0.15 * (cardsDay.size - 2) });

    const deviceCardsHour = this.recentCardsOnDevice(order.device.deviceId, atMs, order.payment.instrumentId);
    if (deviceCardsHour >= 3) add({ kind: 'entity', code: 'cards_per_device_1h', description: `${deviceCardsHour} cards tried on device ${order.device.deviceId} in an hour`, weight: 0.18 * (deviceCardsHour - 2), entityType: 'device', entityId: order.device.deviceId });

    if (history.length >= 3) {
      const totals = history.map((o) => o.total).sort((a, b) => a - b);
      const median = totals[Math.floor(totals.length / 2)]!;
      const ratio = order.total.value / Math.max(median, 1);
      if (ratio >= 3) add({ kind: 'feature', code: 'amount_vs_history', description: `order total is ${ratio.toFixed(1)}x the shopper's median`, weight: Math.min(0.1 * ratio, 0.5) });
      const knownDevice = history.some((o) => o.deviceId === order.device.deviceId);
      const knownAddress = history.some((o) => o.address === address);
      if (!knownDevice && !knownAddress && ageDays > 90) {
        add({ kind: 'feature', code: 'new_device_and_address', description: 'established account ordering from a new device to a new address', weight: 0.45 });
      }
    }
    if (order.payment.cardCountry && order.payment.cardCountry !== order.shippingAddress.country) {
      add({ kind: 'feature', code: 'card_country_mismatch', description: `card issued in ${order.payment.cardCountry}, shipping to ${order.shippingAddress.country}`, weight: 0.15 });
    }

    reasons.sort((a, b) => b.weight - a.weight);
    const logit = -3.2 + reasons.reduce((s, r) => s + r.weight * 3, 0);
    const score = round(1 / (1 + Math.exp(-logit)));
    const result: Score = { score, reasons: reasons.slice(0, 5), neighbourhood: this.neighbourhood(order, entities, reasons) };

    this.observe(order, atMs, address, entities);
    this.scored.set(order.orderId, result);
    if (this.scored.size > 500_000) this.scored.delete(this.scored.keys().next().value!);
    return result;
  }

  private recentCardsOnDevice(deviceId: string, atMs: number, current: string): number {
    const cards = new Set([current]);
    for (const [userId] of this.entityUsers.get(`device:${deviceId}`) ?? []) {
      for (const o of this.users.get(userId)?.orders ?? []) if (o.deviceId === deviceId && atMs - o.atMs < HOUR_MS) cards.add(o.instrumentId);
    }
    return cards.size;
  }

  private observe(order: OrderPlacedEvent, atMs: number, address: string, entities: Array<[EntityKind, string]>): void {
    const user = this.users.get(order.userId) ?? { firstSeenMs: atMs, orders: [] };
    user.orders.push({ orderId: order.orderId, atMs, total: order.total.value, instrumentId: order.payment.instrumentId, deviceId: order.device.deviceId, address });
    if (user.orders.length > 100) user.orders.shift();
    this.users.set(order.userId, user);
    for (const [kind, id] of entities) {
      const key = `${kind}:${id}`;
      const users = this.entityUsers.get(key) ?? new Map<string, number>();
      users.delete(order.userId); // re-insert: Map order is recency order
      users.set(order.userId, atMs);
      if (users.size > MAX_NEIGHBOURS) users.delete(users.keys().next().value!);
      this.entityUsers.set(key, users);
    }
  }

  private neighbourhood(order: OrderPlacedEvent, entities: Array<[EntityKind, string]>, reasons: ScoreReason[]): Neighbourhood {
    const out: Array<Neighbourhood['entities'][number]> = [{ type: 'user', id: order.userId, role: 'orderer' }];
    const edges: Array<Neighbourhood['edges'][number]> = [];
    const seen = new Set([`user:${order.userId}`]);
    for (const [kind, id] of entities) {
      const others = [...(this.entityUsers.get(`${kind}:${id}`)?.keys() ?? [])].filter((u) => u !== order.userId).slice(-10);
      if (others.length === 0 || kind === 'ip') continue;
      out.push({ type: kind, id, role: `shared ${kind}` });
      edges.push({ from: `user:${order.userId}`, to: `${kind}:${id}`, relation: `used_${kind}` });
      for (const u of others) {
        if (!seen.has(`user:${u}`)) out.push({ type: 'user', id: u });
        seen.add(`user:${u}`);
        edges.push({ from: `user:${u}`, to: `${kind}:${id}`, relation: `used_${kind}` });
      }
    }
    const codes = new Set(reasons.map((r) => r.code));
    const pattern: Neighbourhood['pattern'] = codes.has('cards_per_device_1h')
      ? 'card_testing'
      : codes.has('new_device_and_address')
        ? 'account_takeover'
        : codes.has('cards_per_user_24h')
          ? 'mule'
          : [...codes].some((c) => c.endsWith('_shared_accounts'))
            ? 'ring'
            : 'unknown';
    return { entities: out, edges, pattern };
  }
}

function normaliseAddress(a: OrderPlacedEvent['shippingAddress']): string {
  return `${a.line1}|${a.postalCode}|${a.country}`.toLowerCase().replace(/\s+/g, ' ');
}
function display(kind: EntityKind, id: string): string {
  return kind === 'address' ? id.split('|').slice(0, 2).join(', ') : id;
}
function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
