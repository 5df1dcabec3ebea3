import { OrderPlaced } from '@commerce/contracts';
import { pino } from 'pino';
import { createPubSubClient } from '../src/client.js';
import type { EventContext } from '../src/bus.js';
import { PubSubEventBus } from '../src/pubsub-bus.js';
import { nextTraceparent, parseTraceparent } from '../src/trace.js';
import { emulatorHost, order, orderTopology, provisioned, uniqueProject } from '@commerce/testing';

describe("a handler's context on the Pub/Sub bus", () => {
  it('describes the message it was delivered: ids, topic, subscription, attempt, publish time, ordering key, attributes, trace and logger', async () => {
    const projectId = uniqueProject('ctx');
    const admin = await provisioned(projectId, orderTopology('probe', { ordering: true }));
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'test', logger: pino({ level: 'silent' }) });
    try {
      let seen: (EventContext & { bindings: Record<string, unknown> }) | undefined;
      // Everything read inside the handler, while the message is in flight, as a handler would.
      const handle = bus.subscribe(OrderPlaced, 'order-placed.probe', async (_e, ctx) => {
        const { eventId, messageId, topic, subscription, deliveryAttempt, publishTime, orderingKey, attributes, trace, signal } = ctx;
        ctx.releaseOrderingKey?.();
        seen = { eventId, messageId, topic, subscription, deliveryAttempt, publishTime, orderingKey, attributes, trace, signal, logger: ctx.logger, bindings: ctx.logger.bindings() };
      });
      await handle.ready;
      const parent = parseTraceparent(nextTraceparent())!;
      const before = Date.now();
      const receipt = await bus.publish(OrderPlaced, order(1, 'u-ctx'), { parent: { trace: parent } });
      for (let i = 0; i < 100 && seen === undefined; i++) await new Promise((r) => setTimeout(r, 100));
      expect(seen).toMatchObject({
        eventId: receipt.eventId,
        messageId: receipt.messageId,
        topic: 'order-placed',
        subscription: 'order-placed.probe',
        deliveryAttempt: 1,
        orderingKey: 'u-ctx',
        attributes: expect.objectContaining({ 'ce-id': receipt.eventId, 'ce-type': 'OrderPlaced', 'ce-source': '//commerce/test' }),
        trace: { traceId: parent.traceId, spanId: expect.not.stringMatching(parent.spanId), sampled: true },
        bindings: expect.objectContaining({
          messageId: receipt.messageId,
          eventId: receipt.eventId,
          deliveryAttempt: 1,
          'logging.googleapis.com/trace': `projects/${projectId}/traces/${parent.traceId}`,
        }),
      });
      expect(seen!.publishTime.getTime()).toBeGreaterThanOrEqual(before - 1000); // broker clock, same machine
      expect(seen!.publishTime.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
      expect(seen!.signal.aborted).toBe(false);
    } finally {
      // Also after a failed expectation, so jest is not left waiting on open clients.
      await bus.close();
      await admin.close();
    }
  });
});
