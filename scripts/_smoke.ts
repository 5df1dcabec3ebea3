import { OrderPlaced } from '@commerce/contracts';
import { PubSubEventBus, createPubSubClient, DeadLetterAttributes } from '@commerce/event-kit';
import { pino } from 'pino';
const pubsub = createPubSubClient({ projectId: 'local', emulatorHost: '127.0.0.1:8185' });
const bus = new PubSubEventBus({ pubsub, source: 'smoke', logger: pino({ level: 'warn' }) });
const got: string[] = [];
const h = bus.subscribe(OrderPlaced, 'order-placed.fraud-scorer', async (e, ctx) => { got.push(e.orderId + ' attempt ' + ctx.deliveryAttempt + ' ' + ctx.eventId); });
await h.ready;
const r = await bus.publish(OrderPlaced, OrderPlaced.example);
console.log('published', r);
try { await bus.publish(OrderPlaced, { ...OrderPlaced.example, total: { value: -1, currency: 'SEK' } }); } catch (e) { console.log('rejected:', (e as Error).message); }
// raw invalid publish: broker should reject
try { await bus.publishRaw('order-placed', Buffer.from('{"orderId":"x"}'), { 'ce-id': 'x', 'ce-type': 'OrderPlaced' }, 'u1'); } catch (e) { console.log('broker rejected:', (e as Error).message.slice(0, 200)); }
// valid for broker, invalid for contract (email format) -> DLQ at once
const bad = { ...OrderPlaced.example, customer: { ...OrderPlaced.example.customer, email: 'not-an-email' } };
await bus.publishRaw('order-placed', Buffer.from(JSON.stringify(bad)), { 'ce-id': 'bad-1', 'ce-type': 'OrderPlaced' }, 'u-1873');
const dlq = pubsub.subscription('order-placed.fraud-scorer.dlq.ops');
const dl = await new Promise<any>((res) => dlq.once('message', (m) => { m.ack(); res(m); }));
console.log('dead letter:', dl.attributes[DeadLetterAttributes.Reason], dl.attributes[DeadLetterAttributes.Code]);
await new Promise((r) => setTimeout(r, 500));
console.log('got', got);
await dlq.close();
await bus.close();
