import { Type } from '@sinclair/typebox';
import { defineEvent } from '../contract.js';
import { Address, Id, Money, Timestamp } from './common.js';

export const OrderPlaced = defineEvent({
  topic: 'order-placed',
  type: 'OrderPlaced',
  version: '1.0.0',
  description: 'A shopper placed an order at a merchant. Ordered per shopper so a consumer sees their orders in sequence.',
  orderingKey: { field: 'userId', of: (e) => e.userId },
  attributes: (e) => ({ merchantId: e.merchantId, country: e.shippingAddress.country, paymentMethod: e.payment.method }),
  attributeNames: ['merchantId', 'country', 'paymentMethod'],
  schema: Type.Object({
    orderId: Id('Unique order id.'),
    userId: Id('The shopper.'),
    merchantId: Id('The merchant the order was placed at.'),
    placedAt: Timestamp('When the shopper placed the order.'),
    channel: Type.Union([Type.Literal('app'), Type.Literal('web'), Type.Literal('in_store')], { title: 'Channel' }),
    total: Money,
    items: Type.Array(
      Type.Object(
        {
          sku: Id('Stock keeping unit.'),
          productId: Id('Catalogue product id.'),
          title: Type.String({ minLength: 1 }),
          category: Type.String({ minLength: 1 }),
          brand: Type.String({ minLength: 1 }),
          colour: Type.String({ minLength: 1 }),
          unitPrice: Money,
          quantity: Type.Integer({ minimum: 1 }),
        },
        { title: 'OrderItem' },
      ),
      { minItems: 1 },
    ),
    customer: Type.Object(
      {
        email: Type.String({ format: 'email' }),
        accountCreatedAt: Timestamp('When the shopper account was created.'),
      },
      { title: 'Customer' },
    ),
    payment: Type.Object(
      {
        method: Type.Union(
          [Type.Literal('card'), Type.Literal('pay_later'), Type.Literal('instalments'), Type.Literal('bank_transfer')],
          { title: 'PaymentMethod' },
        ),
        instrumentId: Id('Stable fingerprint of the card or bank account (never the number).'),
        cardBin: Type.Optional(Type.String({ pattern: '^[0-9]{6,8}$' })),
        cardCountry: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
        instalments: Type.Optional(Type.Integer({ minimum: 1, maximum: 36 })),
      },
      { title: 'Payment' },
    ),
    device: Type.Object(
      {
        deviceId: Id('Stable device fingerprint.'),
        ip: Type.String({ minLength: 3, description: 'IPv4 or IPv6 address the order came from.' }),
        userAgent: Type.String({ description: 'Client user agent; empty when unknown.' }),
      },
      { title: 'Device' },
    ),
    shippingAddress: Address,
    billingAddress: Type.Optional(Address),
  }),
  example: {
    orderId: 'o-20261121-000042',
    userId: 'u-1873',
    merchantId: 'm-hm-se',
    placedAt: '2026-11-21T09:15:02.118Z',
    channel: 'app',
    total: { value: 129800, currency: 'SEK' },
    items: [
      { sku: 'hm-0934-blk-m', productId: 'p-0934', title: 'Wool-blend coat', category: 'outerwear', brand: 'H&M', colour: 'black', unitPrice: { value: 99900, currency: 'SEK' }, quantity: 1 },
      { sku: 'hm-1102-wht-38', productId: 'p-1102', title: 'Leather sneakers', category: 'shoes', brand: 'H&M', colour: 'white', unitPrice: { value: 29900, currency: 'SEK' }, quantity: 1 },
    ],
    customer: { email: 'alva.lind@example.se', accountCreatedAt: '2023-04-02T18:20:00.000Z' },
    payment: { method: 'pay_later', instrumentId: 'card-fp-7f3a91', cardBin: '454545', cardCountry: 'SE' },
    device: { deviceId: 'd-81c2', ip: '81.230.12.7', userAgent: 'ShopApp/26.11 (iOS 19.1)' },
    shippingAddress: { line1: 'Sveavägen 44', city: 'Stockholm', postalCode: '111 34', country: 'SE' },
  },
});
