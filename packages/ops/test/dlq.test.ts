import { OrderPlaced, type OrderPlacedEvent } from '@commerce/contracts';
import { PermanentError, PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { emulatorHost, eventually, order, orderTopology, provisioned, uniqueProject } from '@commerce/testing';
import type { PubSub } from '@google-cloud/pubsub';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../src/audit.js';
import { runCli } from '../src/cli.js';
import type { DeadLetter } from '../src/dlq.js';
import { LocalBlobStore } from '@commerce/blob-store';

const SUB = 'order-placed.fraud-scorer';

describe('dead letters: inspect without losing them, redrive with filters and a limit', () => {
  let projectId: string;
  let admin: PubSub;
  let checkout: PubSubEventBus;
  let consumer: PubSubEventBus;
  let dir: string;
  let broken = true;
  const processed: string[] = [];

  const cli = async (...args: string[]): Promise<{ code: number; out: string }> => {
    const lines: string[] = [];
    const code = await runCli(['--project', projectId, '--emulator-host', emulatorHost(), '--blob-store', dir, '--as', 'oncall@test', ...args], { out: (t) => lines.push(t), err: (t) => lines.push(t) });
    return { code, out: lines.join('\n') };
  };
  const inspect = async (): Promise<DeadLetter[]> => {
    const r = await cli('--json', 'dlq', 'inspect', SUB);
    expect(r.code).toBe(0);
    return JSON.parse(r.out) as DeadLetter[];
  };

  beforeAll(async () => {
    projectId = uniqueProject('dlq');
    admin = await provisioned(projectId, orderTopology('fraud-scorer'));
    dir = await mkdtemp(join(tmpdir(), 'dlq-'));
    checkout = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'checkout' });
    consumer = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'fraud-scorer' });
    const handle = consumer.subscribe(OrderPlaced, SUB, async (o: OrderPlacedEvent, ctx) => {
      if (broken) throw new PermanentError(`merchant ${o.merchantId} is unknown`, 'UNKNOWN_MERCHANT');
      processed.push(ctx.eventId);
    });
    await handle.ready;
  });

  afterAll(async () => {
    await consumer?.close();
    await checkout?.close();
    await admin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows each dead letter with its reason and attempts, twice over, then redrives them in steps', async () => {
    const receipts = await Promise.all([1, 2, 3, 4, 5].map((n) => checkout.publish(OrderPlaced, order(n))));
    const ids = receipts.map((r) => r.eventId).sort();
    expect(await eventually(async () => (await inspect()).length === 5, 30_000)).toBe(true);

    const letters = await inspect();
    expect(letters.map((d) => d.eventId).sort()).toEqual(ids);
    for (const d of letters) {
      expect(d).toMatchObject({ code: 'UNKNOWN_MERCHANT', retryable: false, attempts: 1, subscription: SUB, sourceTopic: 'order-placed', type: 'OrderPlaced' });
      expect(d.reason).toMatch(/merchant .* is unknown/);
      expect(receipts.map((r) => r.messageId)).toContain(d.originalMessageId);
    }
    const table = await cli('dlq', 'inspect', SUB);
    expect(table.out).toContain('5 dead letter(s): 5 UNKNOWN_MERCHANT');
    // Looking does not consume.
    expect(await inspect()).toHaveLength(5);

    broken = false;
    // A filter that matches nothing moves nothing.
    const none = await cli('dlq', 'redrive', SUB, '--filter', 'dlq-error-code=SOMETHING_ELSE');
    expect(none.out).toContain('redrove 0 dead letter(s)');
    expect(await inspect()).toHaveLength(5);

    const two = await cli('dlq', 'redrive', SUB, '--filter', 'dlq-error-code=UNKNOWN_MERCHANT', '--limit', '2', '--rate', '50');
    expect(two.code).toBe(0);
    expect(two.out).toMatch(/redrove 2 dead letter\(s\) of order-placed.fraud-scorer to order-placed .*; 3 left/);
    expect(await eventually(() => processed.length === 2, 30_000)).toBe(true);
    const left = await inspect();
    expect(left).toHaveLength(3);
    expect([...processed, ...left.map((d) => d.eventId)].sort()).toEqual(ids);

    const rest = await cli('--json', 'dlq', 'redrive', SUB);
    expect(JSON.parse(rest.out)).toMatchObject({ redriven: 3, left: 0, failed: 0 });
    expect(await eventually(() => processed.length === 5, 30_000)).toBe(true);
    expect([...processed].sort()).toEqual(ids);
    expect(await inspect()).toHaveLength(0);

    const audit = await new AuditLog(new LocalBlobStore({ root: dir })).list();
    expect(audit.filter((a) => a.command === 'dlq redrive').map((a) => [a.who, a.count, a.ok])).toEqual([
      ['oncall@test', 0, true],
      ['oncall@test', 2, true],
      ['oncall@test', 3, true],
    ]);
  });

  it('says so when the subscription does not exist', async () => {
    const r = await cli('dlq', 'inspect', 'order-placed.nobody');
    expect(r.code).toBe(1);
    expect(r.out).toContain('subscription order-placed.nobody: not found in project');
    expect(r.out).toContain('commerce-ops subscriptions');
  });
});
