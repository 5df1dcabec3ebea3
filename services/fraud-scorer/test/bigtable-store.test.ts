import { randomBytes } from 'node:crypto';
import type { OrderPlacedEvent } from '@commerce/contracts';
import { startBigtableEmulator, type RunningEmulator } from '@commerce/emulators';
import { order } from '@commerce/testing';
import { Bigtable } from '@google-cloud/bigtable';
import { BigtableGraphStore, entityRowPrefix } from '../src/domain/graph-store/bigtable-store.js';

// The real Bigtable emulator (installed with the gcloud SDK), started for this file.
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startBigtableEmulator();
}, 60_000);
afterAll(async () => {
  await emulator?.stop();
});

function store(tableId: string, recentPerEntity = 32): BigtableGraphStore {
  return new BigtableGraphStore({ projectId: 'test-project', instanceId: 'fraud', tableId, emulatorHost: emulator.host, createTable: true, recentPerEntity });
}

/** Shopper u-<n> on the shared device, each with their own card and address. */
function onSharedDevice(n: number, minute: number): OrderPlacedEvent {
  const base = order(n, `u-${n}`);
  return {
    ...base,
    placedAt: new Date(Date.parse('2026-11-21T10:00:00Z') + minute * 60_000).toISOString(),
    device: { ...base.device, deviceId: 'd-shared' },
    payment: { ...base.payment, instrumentId: `card-${n}` },
  };
}

async function ingest(s: BigtableGraphStore, graph: Awaited<ReturnType<BigtableGraphStore['open']>>, o: OrderPlacedEvent): Promise<void> {
  await s.hydrate(o);
  graph.ingest(o);
  await s.commit(o);
}

describe('BigtableGraphStore against the Bigtable emulator', () => {
  it('one scorer instance sees the accounts another instance put on a shared device', async () => {
    const table = `graph-${randomBytes(3).toString('hex')}`;
    const a = store(table);
    const graphA = await a.open();
    for (let n = 1; n <= 5; n++) await ingest(a, graphA, onSharedDevice(n, n));

    const b = store(table); // a second process: nothing in memory
    const graphB = await b.open();
    expect(graphB.orderCount).toBe(0);
    const sixth = onSharedDevice(6, 10);
    await b.hydrate(sixth);
    graphB.ingest(sixth);
    expect([...graphB.neighbours('device:d-shared', 'user')].sort()).toEqual(['u-1', 'u-2', 'u-3', 'u-4', 'u-5', 'u-6']);
    expect(graphB.hasOrder('o-3')).toBe(true);
    await b.commit(sixth);

    // And A, hydrating for its next order on that device, sees B's order.
    const seventh = onSharedDevice(7, 11);
    await a.hydrate(seventh);
    expect(graphA.hasOrder('o-6')).toBe(true);
    await Promise.all([a.close(), b.close()]);
  });

  it('reads back only the most recent K orders of a busy entity, newest first by order time', async () => {
    const table = `graph-${randomBytes(3).toString('hex')}`;
    const writer = store(table, 4);
    const g = await writer.open();
    // Written out of time order: the bound is by the order's time, not by arrival.
    for (const n of [3, 1, 9, 5, 7, 2, 8, 4, 6, 10]) await ingest(writer, g, onSharedDevice(n, n));
    const reader = store(table, 4);
    const graph = await reader.open();
    const probe = { ...onSharedDevice(11, 12), userId: 'u-11' };
    await reader.hydrate(probe);
    // The device row gives orders 7-10; the probe's own card, user and address rows are new.
    for (const id of ['o-7', 'o-8', 'o-9', 'o-10']) expect(graph.hasOrder(id)).toBe(true);
    for (const id of ['o-1', 'o-2', 'o-3']) expect(graph.hasOrder(id)).toBe(false);
    expect(reader.stats()).toMatchObject({ store: 'bigtable', rowsRead: expect.any(Number) });
    await Promise.all([writer.close(), reader.close()]);
  });

  it('keeps a busy entity in one row per hour, so a hub never grows one row without bound, and still reads back its newest K across hours', async () => {
    const table = `graph-${randomBytes(3).toString('hex')}`;
    const writer = store(table, 5);
    const g = await writer.open();
    // 12 orders on one device over three hours (10:05 .. 12:55).
    const minutes = [5, 20, 35, 50, 65, 80, 95, 110, 125, 140, 160, 175];
    for (const [i, m] of minutes.entries()) await ingest(writer, g, onSharedDevice(i + 1, m));
    const admin = new Bigtable({ projectId: 'test-project', apiEndpoint: emulator.host, metricsEnabled: false });
    const [rows] = await admin.instance('fraud').table(table).getRows({ prefix: entityRowPrefix('device:d-shared') });
    expect(rows.map((r) => r.id)).toHaveLength(3);
    expect(rows.map((r) => Object.keys(r.data.o as object).length).sort()).toEqual([4, 4, 4]);
    await admin.close();

    const reader = store(table, 5);
    const graph = await reader.open();
    await reader.hydrate({ ...onSharedDevice(99, 180), userId: 'u-99' });
    // The newest five by order time: the 12:xx hour's four and the last of 11:xx.
    for (const id of ['o-8', 'o-9', 'o-10', 'o-11', 'o-12']) expect(graph.hasOrder(id)).toBe(true);
    for (const id of ['o-1', 'o-4', 'o-7']) expect(graph.hasOrder(id)).toBe(false);
    await Promise.all([writer.close(), reader.close()]);
  });

  it('refuses to start on a missing table unless asked to create it, naming the table', async () => {
    const s = new BigtableGraphStore({ projectId: 'test-project', instanceId: 'fraud', tableId: 'no-such-table', emulatorHost: emulator.host });
    await expect(s.open()).rejects.toThrow(/fraud\/no-such-table.*does not exist.*BIGTABLE_CREATE_TABLE/);
    await s.close();
  });
});
