import { ContractViolationError, ImageUploaded, OrderPlaced, contracts } from '@commerce/contracts';
import { loadTopology, provision } from '@commerce/topology';
import { pino } from 'pino';
import { createPubSubClient } from '../src/client.js';
import { PublishError } from '../src/errors.js';
import { PubSubEventBus } from '../src/pubsub-bus.js';
import { drain, emulatorHost, order, orderTopology, provisioned, uniqueProject } from '@commerce/testing';

describe('publishing against the emulator', () => {
  it('refuses an invalid event with an error naming the event, field and rule, and sends nothing', async () => {
    const projectId = uniqueProject('pub-invalid');
    const pubsub = await provisioned(projectId, orderTopology('probe'));
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'test' });
    const bad = { ...order(1), placedAt: 'yesterday', total: { value: 100, currency: 'kronor' } };
    const err = await bus.publish(OrderPlaced, bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ContractViolationError);
    expect((err as Error).message).toMatch(/^OrderPlaced \(topic order-placed, contract v1\.0\.0\) has invalid data: /);
    expect((err as Error).message).toContain("/placedAt: Expected string to match 'date-time' format (found \"yesterday\")");
    expect((err as Error).message).toContain('/total/currency');
    await bus.publish(OrderPlaced, order(2));
    const received = await drain(pubsub, 'order-placed.probe', { expect: 1 });
    expect(received.map((m) => JSON.parse(m.data.toString()).orderId)).toEqual(['o-2']);
    await bus.close();
    await pubsub.close();
  });

  it('the broker itself rejects a raw publish that does not match the topic schema', async () => {
    const projectId = uniqueProject('pub-raw');
    const pubsub = await provisioned(projectId, orderTopology('probe'));
    const { total: _t, ...missingTotal } = order(3);
    for (const data of ['{"orderId": "o-1"}', JSON.stringify(missingTotal), JSON.stringify({ ...order(4), channel: 'fax' }), 'not json']) {
      await expect(pubsub.topic('order-placed').publishMessage({ data: Buffer.from(data) })).rejects.toMatchObject({ code: 3 });
    }
    await expect(pubsub.topic('order-placed').publishMessage({ data: Buffer.from(JSON.stringify(order(5))) })).resolves.toBeTruthy();
    await pubsub.close();
  });

  it('a failed publish with an ordering key is reported, and later events with that key still go out', async () => {
    const projectId = uniqueProject('pub-resume');
    const pubsub = await provisioned(projectId, orderTopology('probe', { ordering: true }));
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'test' });
    // The broker rejects this one (no total): the client pauses key u-9 until it is resumed.
    const rejected = await bus.publishRaw('order-placed', Buffer.from('{"orderId":"o-x"}'), { 'ce-id': 'x', 'ce-type': 'OrderPlaced' }, 'u-9').catch((e: unknown) => e);
    expect(rejected).toBeInstanceOf(PublishError);
    expect((rejected as PublishError).orderingKey).toBe('u-9');
    expect((rejected as Error).message).toMatch(/ordering key u-9.*publishing for that key was resumed/);
    await bus.publish(OrderPlaced, order(7, 'u-9'));
    const received = await drain(pubsub, 'order-placed.probe', { expect: 1 });
    expect(received.map((m) => [m.orderingKey, JSON.parse(m.data.toString()).orderId])).toEqual([['u-9', 'o-7']]);
    await bus.close();
    await pubsub.close();
  });

  it('every contract example is accepted by its topic schema on the broker', async () => {
    const projectId = uniqueProject('pub-examples');
    const pubsub = createPubSubClient({ projectId, emulatorHost: emulatorHost() });
    await provision(pubsub, loadTopology('local'));
    const bus = new PubSubEventBus({ pubsub, source: 'test' });
    const published = await Promise.all(contracts.map((c) => bus.publish(c, c.example as never).then((r) => r.topic)));
    expect(published.sort()).toEqual(contracts.map((c) => c.topic).sort());
    await bus.close();
  });

  it('accepts a real Cloud Storage notification as image-uploaded and identifies it by object generation', async () => {
    const projectId = uniqueProject('pub-gcs');
    const pubsub = createPubSubClient({ projectId, emulatorHost: emulatorHost() });
    await provision(pubsub, loadTopology('local'));
    // What GCS sends: the object resource with fields our contract does not list (owner, customerEncryption...).
    const resource = { ...ImageUploaded.example, owner: { entity: 'user-x' }, componentCount: 1, eventBasedHold: false, customerEncryption: { encryptionAlgorithm: 'AES256', keySha256: 'abc' } };
    const attributes = {
      notificationConfig: 'projects/_/buckets/shop-product-images/notificationConfigs/5',
      eventType: 'OBJECT_FINALIZE',
      payloadFormat: 'JSON_API_V1',
      bucketId: resource.bucket,
      objectId: resource.name,
      objectGeneration: resource.generation,
      eventTime: resource.updated,
    };
    await pubsub.topic('image-uploaded').publishMessage({ data: Buffer.from(JSON.stringify(resource)), attributes });
    const bus = new PubSubEventBus({ pubsub, source: 'test', logger: pino({ level: 'silent' }) });
    const seen: string[] = [];
    const h = bus.subscribe(ImageUploaded, 'image-uploaded.image-enhancer', async (e, ctx) => {
      seen.push(`${ctx.eventId} ${e.contentType}`);
    });
    await h.ready;
    for (let i = 0; i < 100 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(seen).toEqual([`gs://${resource.bucket}/${resource.name}#${resource.generation} image/jpeg`]);
    await bus.close();
  });
});
