import { inspectDeadLetters, listSubscriptions, listTopics, type OpsContext, type SubscriptionInfo, type TopicInfo } from '@commerce/ops';

export interface SubscriptionRow extends SubscriptionInfo {
  /** Messages waiting on `<subscription>.dlq.ops`; absent for subscriptions without a dead-letter policy. */
  readonly deadLetters?: number;
}

export interface Overview {
  readonly topics: readonly TopicInfo[];
  readonly subscriptions: readonly SubscriptionRow[];
}

/** Topics, subscriptions with their settings, and how many dead letters each consuming subscription has. */
export async function overview(ctx: OpsContext): Promise<Overview> {
  const [topics, subs] = await Promise.all([listTopics(ctx), listSubscriptions(ctx)]);
  const names = new Set(subs.map((s) => s.name));
  const rows = await Promise.all(
    subs.map(async (s): Promise<SubscriptionRow> => {
      if (!s.deadLetter || !names.has(`${s.name}.dlq.ops`)) return s;
      return { ...s, deadLetters: (await inspectDeadLetters(ctx, s.name, { limit: 1000 })).length };
    }),
  );
  return { topics, subscriptions: rows };
}
