import { OrderPlaced } from '@commerce/contracts';
import { createPubSubClient } from '../src/client.js';
import { DeadLetterAttributes } from '../src/envelope.js';
import { RetryableError } from '../src/errors.js';
import { PubSubEventBus } from '../src/pubsub-bus.js';
import { drain, emulatorHost, order, orderTopology, provisioned, uniqueProject } from '@commerce/testing';

const SUB = 'order-placed.ledger';
const DLQ_SUB = 'order-placed.ledger.dlq.ops';

describe('dead-lettering against the emulator', () => {
  it('an invalid payload reaches the dead-letter topic at once, with the reason readable from its attributes', async () => {
    const projectId = uniqueProject('dlq-invalid');
    const pubsub = await provisioned(projectId, orderTopology('ledger'));
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'test' });
    let handled = 0;
    await bus.subscribe(OrderPlaced, SUB, async () => void handled++).ready;
    // Passes the broker's schema (which cannot check formats) but not the contract.
    const bad = { ...order(1), customer: { email: 'nobody', accountCreatedAt: '2024-01-01T00:00:00Z' } };
    const messageId = await pubsub.topic('order-placed').publishMessage({ data: Buffer.from(JSON.stringify(bad)), attributes: { 'ce-id': 'evt-bad-1', 'ce-type': 'OrderPlaced' } });
    const [dead, ...more] = await drain(pubsub, DLQ_SUB, { expect: 1 });
    expect(more).toHaveLength(0);
    expect(handled).toBe(0);
    expect(dead!.attributes).toMatchObject({
      [DeadLetterAttributes.Code]: 'CONTRACT_VIOLATION',
      [DeadLetterAttributes.OriginalMessageId]: messageId,
      [DeadLetterAttributes.DeliveryAttempt]: '1',
      [DeadLetterAttributes.Subscription]: SUB,
      [DeadLetterAttributes.SourceTopic]: 'order-placed',
      [DeadLetterAttributes.Retryable]: 'false',
      'ce-id': 'evt-bad-1',
    });
    expect(dead!.attributes[DeadLetterAttributes.Reason]).toContain("/customer/email: Expected string to match 'email' format (found \"nobody\")");
    expect(JSON.parse(dead!.data.toString())).toEqual(bad);
    await bus.close();
    await pubsub.close();
  });

  it('a poison message is retried with redelivery and reaches the dead-letter topic after the configured attempts', async () => {
    const projectId = uniqueProject('dlq-poison');
    const pubsub = await provisioned(projectId, orderTopology('ledger'));
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'test' });
    const attempts: number[] = [];
    let good = 0;
    await bus.subscribe(OrderPlaced, SUB, async (e, ctx) => {
      if (e.orderId !== 'o-poison') return void good++;
      attempts.push(ctx.deliveryAttempt);
      throw new RetryableError(`ledger rejected ${e.orderId}`, 'LEDGER_REJECTED');
    }).ready;
    await bus.publish(OrderPlaced, order(1));
    const { eventId } = await bus.publish(OrderPlaced, { ...order(2), orderId: 'o-poison' });
    await bus.publish(OrderPlaced, order(3));
    const [dead] = await drain(pubsub, DLQ_SUB, { expect: 1, quietMs: 60_000 });
    expect(attempts).toEqual([1, 2, 3, 4, 5]);
    expect(good).toBe(2);
    expect(dead!.attributes).toMatchObject({
      'ce-id': eventId,
      [DeadLetterAttributes.Code]: 'LEDGER_REJECTED',
      [DeadLetterAttributes.DeliveryAttempt]: '5',
      [DeadLetterAttributes.Retryable]: 'true',
      [DeadLetterAttributes.Reason]: 'gave up after 5 attempts: ledger rejected o-poison',
      [DeadLetterAttributes.OrderingKey]: order(2).userId,
    });
    await bus.close();
    await pubsub.close();
  });
});
