import { Type } from '@sinclair/typebox';
import { defineEvent } from '../contract.js';
import { EntityType, Id, Money, Timestamp } from './common.js';

const Decision = Type.Union([Type.Literal('approve'), Type.Literal('review'), Type.Literal('decline')], { title: 'Decision' });

export const OrderScored = defineEvent({
  topic: 'order-scored',
  type: 'OrderScored',
  version: '1.1.1',
  // No ordering key: no consumer needs scores in sequence, and an ordering key per shopper
  // costs one publish RPC per score (measured: 619 msg/s vs 13,253 unordered on the emulator).
  description: 'The fraud scorer scored an order: probability of fraud, decision, and the reasons behind it.',
  attributes: (e) => ({ decision: e.decision, modelVersion: e.modelVersion }),
  attributeNames: ['decision', 'modelVersion'],
  schema: Type.Object({
    orderId: Id('The scored order.'),
    userId: Id('The shopper who placed it.'),
    score: Type.Number({ minimum: 0, maximum: 1, description: 'Calibrated probability that the order is fraudulent.' }),
    decision: Decision,
    thresholds: Type.Object(
      { review: Type.Number({ minimum: 0, maximum: 1 }), decline: Type.Number({ minimum: 0, maximum: 1 }) },
      { title: 'Thresholds' },
    ),
    modelVersion: Type.String({ minLength: 1 }),
    backend: Type.String({ minLength: 1, description: 'Compute backend that ran the model (tensorflow-gpu, tensorflow, wasm, cpu, fused-cpu, rules).' }),
    latencyMs: Type.Number({ minimum: 0, description: 'From receipt of order-placed to the score.' }),
    scoredAt: Timestamp('When the score was produced.'),
    reasons: Type.Array(
      Type.Object(
        {
          kind: Type.Union([Type.Literal('feature'), Type.Literal('entity')], { title: 'ReasonKind' }),
          code: Type.String({ minLength: 1, description: 'Stable machine code, e.g. device_shared_accounts.' }),
          description: Type.String({ minLength: 1, description: 'Human-readable, e.g. "device d-81 shared with 6 accounts, 3 confirmed fraud".' }),
          weight: Type.Number({ description: 'Contribution to the score; larger means more suspicious.' }),
          entityType: Type.Optional(EntityType),
          entityId: Type.Optional(Type.String()),
        },
        { title: 'Reason' },
      ),
    ),
    shadow: Type.Optional(
      Type.Object(
        { modelVersion: Type.String(), score: Type.Number({ minimum: 0, maximum: 1 }), decision: Decision },
        { title: 'ShadowScore' },
      ),
    ),
    coldStart: Type.Optional(Type.Boolean({ description: 'True when nothing was known about the shopper before this order: the score rests on the order and its entities alone.' })),
  }),
  example: {
    orderId: 'o-20261121-000042',
    userId: 'u-1873',
    score: 0.91,
    decision: 'decline',
    thresholds: { review: 0.5, decline: 0.85 },
    modelVersion: 'fraud-gnn@2026-11-20.1',
    backend: 'wasm',
    latencyMs: 3.4,
    scoredAt: '2026-11-21T09:15:02.131Z',
    reasons: [
      { kind: 'entity', code: 'device_shared_accounts', description: 'device d-81c2 shared with 6 accounts, 3 confirmed fraud', weight: 0.42, entityType: 'device', entityId: 'd-81c2' },
      { kind: 'feature', code: 'amount_vs_history', description: 'order total is 7.9x the shopper\'s median', weight: 0.21 },
    ],
  },
});

export const FraudAlert = defineEvent({
  topic: 'fraud-alert',
  type: 'FraudAlert',
  version: '1.0.0',
  description: 'An order scored above the alert threshold, with the suspicious connected entities (the ring).',
  attributes: (e) => ({ severity: e.severity, pattern: e.pattern }),
  attributeNames: ['severity', 'pattern'],
  schema: Type.Object({
    alertId: Id('Unique alert id.'),
    orderId: Id('The order that raised the alert.'),
    userId: Id('The shopper who placed it.'),
    score: Type.Number({ minimum: 0, maximum: 1 }),
    severity: Type.Union(['low', 'medium', 'high', 'critical'].map((v) => Type.Literal(v)), { title: 'Severity' }),
    pattern: Type.Union(['ring', 'mule', 'card_testing', 'account_takeover', 'unknown'].map((v) => Type.Literal(v)), { title: 'Pattern' }),
    summary: Type.String({ minLength: 1 }),
    entities: Type.Array(
      Type.Object(
        {
          type: EntityType,
          id: Type.String({ minLength: 1 }),
          role: Type.Optional(Type.String()),
          confirmedFraud: Type.Optional(Type.Boolean()),
          score: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
        },
        { title: 'AlertEntity' },
      ),
      { minItems: 1 },
    ),
    edges: Type.Array(
      Type.Object({ from: Type.String(), to: Type.String(), relation: Type.String() }, { title: 'AlertEdge' }),
    ),
    modelVersion: Type.String({ minLength: 1 }),
    raisedAt: Timestamp('When the alert was raised.'),
  }),
  example: {
    alertId: 'a-5d1e',
    orderId: 'o-20261121-000042',
    userId: 'u-1873',
    score: 0.91,
    severity: 'high',
    pattern: 'ring',
    summary: '6 accounts share device d-81c2 and card card-fp-7f3a91; 3 are confirmed fraud',
    entities: [
      { type: 'user', id: 'u-1873', role: 'orderer' },
      { type: 'device', id: 'd-81c2', role: 'shared device' },
      { type: 'user', id: 'u-2291', confirmedFraud: true },
    ],
    edges: [
      { from: 'user:u-1873', to: 'device:d-81c2', relation: 'used_device' },
      { from: 'user:u-2291', to: 'device:d-81c2', relation: 'used_device' },
    ],
    modelVersion: 'fraud-gnn@2026-11-20.1',
    raisedAt: '2026-11-21T09:15:02.133Z',
  },
});

export const FraudLabelReported = defineEvent({
  topic: 'fraud-label-reported',
  type: 'FraudLabelReported',
  version: '1.0.0',
  description: 'Ground truth about an order, usually days late: a chargeback, a manual review outcome, a customer report.',
  orderingKey: { field: 'orderId', of: (e) => e.orderId },
  schema: Type.Object({
    labelId: Id('Unique label id.'),
    orderId: Id('The labelled order.'),
    userId: Type.Optional(Type.String()),
    label: Type.Union([Type.Literal('fraud'), Type.Literal('legitimate')], { title: 'Label' }),
    source: Type.Union(['chargeback', 'manual_review', 'customer_report', 'merchant_report'].map((v) => Type.Literal(v)), { title: 'LabelSource' }),
    reason: Type.Optional(Type.String()),
    amount: Type.Optional(Money),
    reportedAt: Timestamp('When the label was reported.'),
  }),
  example: {
    labelId: 'l-90e1',
    orderId: 'o-20261121-000042',
    userId: 'u-1873',
    label: 'fraud',
    source: 'chargeback',
    reason: 'cardholder did not authorise (reason code 10.4)',
    amount: { value: 129800, currency: 'SEK' },
    reportedAt: '2026-12-03T14:00:00.000Z',
  },
});

export const ModelPublished = defineEvent({
  topic: 'model-published',
  type: 'ModelPublished',
  version: '1.0.0',
  description: 'A trained model version is available in the blob store; scorers load it live or as a shadow.',
  attributes: (e) => ({ modelName: e.modelName, role: e.role }),
  attributeNames: ['modelName', 'role'],
  schema: Type.Object({
    modelName: Type.String({ minLength: 1 }),
    version: Type.String({ minLength: 1 }),
    role: Type.Union([Type.Literal('live'), Type.Literal('shadow')], { title: 'ModelRole' }),
    artifactPrefix: Type.String({ minLength: 1, description: 'Blob-store prefix holding weights, normalisation, thresholds and metrics.' }),
    metrics: Type.Record(Type.String(), Type.Number(), { description: 'Evaluation metrics, e.g. auc, pr_auc, recall_at_1pct_fpr.' }),
    thresholds: Type.Object(
      { review: Type.Number({ minimum: 0, maximum: 1 }), decline: Type.Number({ minimum: 0, maximum: 1 }), alert: Type.Number({ minimum: 0, maximum: 1 }) },
      { title: 'ModelThresholds' },
    ),
    trainingWindow: Type.Object({ from: Timestamp('First order used.'), to: Timestamp('Last order used.') }, { title: 'TrainingWindow' }),
    publishedAt: Timestamp('When the model was published.'),
  }),
  example: {
    modelName: 'fraud-gnn',
    version: '2026-11-20.1',
    role: 'live',
    artifactPrefix: 'models/fraud-gnn/2026-11-20.1/',
    metrics: { auc: 0.962, pr_auc: 0.71 },
    thresholds: { review: 0.5, decline: 0.85, alert: 0.9 },
    trainingWindow: { from: '2026-08-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' },
    publishedAt: '2026-11-20T22:00:00.000Z',
  },
});
