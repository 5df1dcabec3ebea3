import type { OrderPlacedEvent } from '@commerce/contracts';
import { iso } from './clock.js';
import type { OrderDraft } from './model.js';
import { LETTER_SIZES, ONE_SIZE, SHOE_SIZES } from './reference/fashion.js';

/** SKU size codes ("ONE SIZE" becomes "onesize"), precomputed: a regex per item showed in profiles. */
const SIZE_CODES: ReadonlyMap<string, string> = new Map(
  [...LETTER_SIZES, ...SHOE_SIZES, ONE_SIZE].map((s) => [s, s.toLowerCase().replace(/\s+/g, '')]),
);

function sizeCode(size: string): string {
  return SIZE_CODES.get(size) ?? size.toLowerCase().replace(/\s+/g, '');
}

/** The `order-placed` payload of a draft. Every nested object is fresh, so callers may mutate events. */
export function orderEvent(d: OrderDraft, orderId: string): OrderPlacedEvent {
  const currency = d.merchant.market.currency;
  let total = 0;
  const items = d.lines.map((l) => {
    total += l.product.price * l.quantity;
    return {
      sku: `${l.product.id}-${l.colour.code}-${sizeCode(l.size)}`,
      productId: l.product.id,
      title: l.product.title,
      category: l.product.category,
      brand: l.product.brand.name,
      colour: l.colour.name,
      unitPrice: { value: l.product.price, currency },
      quantity: l.quantity,
    };
  });
  const { instrument } = d;
  return {
    orderId,
    userId: d.userId,
    merchantId: d.merchant.id,
    placedAt: iso(d.at),
    channel: d.channel,
    total: { value: total, currency },
    items,
    customer: { email: d.email, accountCreatedAt: iso(d.accountCreatedAt) },
    payment: {
      method: d.method,
      instrumentId: instrument.id,
      ...(instrument.bin !== undefined ? { cardBin: instrument.bin, cardCountry: instrument.country } : {}),
      ...(d.instalments !== undefined ? { instalments: d.instalments } : {}),
    },
    device: { deviceId: d.device.id, ip: d.ip, userAgent: d.device.userAgent },
    shippingAddress: { ...d.shipping },
    ...(d.billing ? { billingAddress: { ...d.billing } } : {}),
  };
}
