import { Type } from '@sinclair/typebox';

export const Timestamp = (description: string) => Type.String({ format: 'date-time', description });
export const Id = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });

/** Money in minor units (cents, öre) so sums are exact. */
export const Money = Type.Object(
  {
    value: Type.Integer({ minimum: 0, description: 'Amount in minor units of the currency (e.g. cents).' }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code.' }),
  },
  { title: 'Money' },
);

export const Address = Type.Object(
  {
    line1: Type.String({ minLength: 1, description: 'Street and number; further lines joined with ", ".' }),
    city: Type.String({ minLength: 1 }),
    postalCode: Type.String({ minLength: 1 }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2.' }),
  },
  { title: 'Address' },
);

export const EntityType = Type.Union(
  ['user', 'order', 'device', 'card', 'ip', 'address', 'email', 'merchant'].map((v) => Type.Literal(v)),
  { title: 'EntityType', description: 'A node type of the fraud graph.' },
);
