import type { EventOf } from './contract.js';
import { CampaignCompleted, CampaignRequested, LookbookBatchRequested, LookbookReady } from './events/campaigns.js';
import { ProductUpdated } from './events/catalogue.js';
import { FraudAlert, FraudLabelReported, ModelPublished, OrderScored } from './events/fraud.js';
import { ImageEnhanced, ImageUploaded } from './events/images.js';
import { OrderPlaced } from './events/orders.js';

export { defineEvent, Envelopes } from './contract.js';
export type { AnyEventContract, ContractDefinition, Envelope, EventContract, EventOf } from './contract.js';
export { ContractViolationError, UndecodableMessageError } from './errors.js';
export type { ContractIssue } from './errors.js';
export { avroSchemaOf } from './avro.js';
export type { AvroField, AvroType } from './avro.js';
export { contracts, contractFor, registry } from './registry.js';
export { JSON_SCHEMA_DIALECT, jsonSchemaOf, plainSchema, schemaIdOf } from './json-schema.js';
export type { JsonSchema, JsonValue } from './json-schema.js';
export {
  BrokenSides, ChangeKinds, LOCK_COMMENT, checkCompatibility, checkRelease, compareVersions, diffContracts, formatChange,
  lockOf, lockedSnapshot, nextTopicName, parseVersion, readLock, snapshotOf,
} from './compat.js';
export type {
  BrokenSide, ChangeKind, CompatLock, CompatibilityIssue, ContractChange, ContractSnapshot, ReleaseCheck,
} from './compat.js';

export {
  OrderPlaced, OrderScored, FraudAlert, FraudLabelReported, ModelPublished,
  ProductUpdated, ImageUploaded, ImageEnhanced, CampaignRequested, LookbookBatchRequested, LookbookReady, CampaignCompleted,
};

export type OrderPlacedEvent = EventOf<typeof OrderPlaced>;
export type OrderScoredEvent = EventOf<typeof OrderScored>;
export type FraudAlertEvent = EventOf<typeof FraudAlert>;
export type FraudLabelReportedEvent = EventOf<typeof FraudLabelReported>;
export type ModelPublishedEvent = EventOf<typeof ModelPublished>;
export type ProductUpdatedEvent = EventOf<typeof ProductUpdated>;
export type ImageUploadedEvent = EventOf<typeof ImageUploaded>;
export type ImageEnhancedEvent = EventOf<typeof ImageEnhanced>;
export type CampaignRequestedEvent = EventOf<typeof CampaignRequested>;
export type LookbookBatchRequestedEvent = EventOf<typeof LookbookBatchRequested>;
export type LookbookReadyEvent = EventOf<typeof LookbookReady>;
export type CampaignCompletedEvent = EventOf<typeof CampaignCompleted>;
