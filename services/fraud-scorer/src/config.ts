import { Type, type Static } from '@sinclair/typebox';
import { serviceConfig } from '@commerce/service-kit';

export const FraudScorerConfig = serviceConfig({
  REVIEW_THRESHOLD: Type.Number({ minimum: 0, maximum: 1, default: 0.5, description: 'Score at or above which an order goes to manual review.' }),
  DECLINE_THRESHOLD: Type.Number({ minimum: 0, maximum: 1, default: 0.85, description: 'Score at or above which an order is declined.' }),
  ALERT_THRESHOLD: Type.Number({ minimum: 0, maximum: 1, default: 0.9, description: 'Score at or above which a fraud-alert is raised.' }),
  MODEL: Type.Union([Type.Literal('rules')], { default: 'rules', description: 'Scoring model; the graph neural network plugs in here.' }),
});
export type FraudScorerConfig = Static<typeof FraudScorerConfig>;
