import type { OrderPlacedEvent } from '@commerce/contracts';
import { iso } from './clock.js';
import type { OrderDraft } from './model.js';

/** The `order-placed` payload of a draft. Every nested object is fresh, so callers may mutate events. */
export function orderEvent(d: OrderDraft, orderId: string): OrderPlacedEvent {
  const currency = d.merchant.market.currency;
  let total = 0;
  const items = d.lines.map((l) => {
    total += l.product.price * l.quantity;
    return {
      sku: `${l.product.id}-${l.colour.code}-${l.size.toLowerCase().replace(/\s+/g, '')}`,
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
    customer: {
      email: d.email,
      accountCreatedAt: iso(d.accountCreatedAt),
      ...(d.phone !== undefined ? { phone: d.phone } : {}),
    },
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
