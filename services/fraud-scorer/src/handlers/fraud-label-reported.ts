import type { FraudLabelReportedEvent } from '@commerce/contracts';
import type { LabelBook } from '../domain/labels.js';

export interface LabelDeps {
  readonly labels: Pick<LabelBook, 'record'>;
  /** The shopper behind an order, for labels that arrive without one. */
  readonly userOf?: (orderId: string) => string | undefined;
}

/** fraud-label-reported -> stored for the next training run and used in reasons. Idempotent by label id. */
export function createLabelHandler(deps: LabelDeps) {
  return async (label: FraudLabelReportedEvent): Promise<void> => {
    await deps.labels.record(label, label.userId ?? deps.userOf?.(label.orderId));
  };
}
