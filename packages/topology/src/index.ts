export {
  DEAD_LETTER_CONSUMER, DEAD_LETTER_SUFFIX, deadLetterSubscriptionName, deadLetterTopicName, defaultTopologyPath,
  loadTopology, planTopology, readTopologyFile, subscriptionName,
} from './model.js';
export type { SubscriptionPlan, TopicPlan, TopologyEnvironment, TopologyFile, TopologyPlan } from './model.js';
export { ChangeActions, provision, schemaIdFor } from './provision.js';
export type { Change, ChangeAction, ProvisionOptions } from './provision.js';
export { durationSeconds, formatSeconds } from './duration.js';
