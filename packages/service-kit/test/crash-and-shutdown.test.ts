import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OrderPlaced } from '@commerce/contracts';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { startPubSubEmulator, type RunningEmulator } from '@commerce/emulators';
import { eventually, order, orderTopology, provisioned, uniqueProject } from '@commerce/testing';

const FIXTURE = fileURLToPath(new URL('./fixtures/ledger-service.ts', import.meta.url));

interface Child {
  process: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
}

// An emulator of its own: what these tests check (redelivery after a crash, a drained
// shutdown) should not depend on how much the rest of the run has loaded the shared one.
let emulator: RunningEmulator;
const emulatorHost = (): string => emulator.host;
beforeAll(async () => {
  emulator = await startPubSubEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});

/** Every child started by a test; killed after each test, so a failed assertion leaks no process. */
const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  children.clear();
});

function startLedger(projectId: string, dir: string, env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', FIXTURE], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      GOOGLE_CLOUD_PROJECT: projectId,
      PUBSUB_EMULATOR_HOST: emulatorHost(),
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      MAX_IN_FLIGHT: '20',
      SHUTDOWN_TIMEOUT_MS: '15000',
      // The emulator sometimes leaves a dead subscriber's message unredelivered to a stream that
      // was already open; the watchdog reopening an idle stream is what recovers it.
      STALL_TIMEOUT_MS: '10000',
      LEDGER_FILE: join(dir, 'ledger.log'),
      IDS_FILE: join(dir, 'processed-ids.log'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines: string[] = [];
  let buffer = '';
  child.stdout!.on('data', (d: Buffer) => {
    buffer += d.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean).map((l) => `stderr: ${l}`)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, lines, exited };
}

/** When a wait times out, show what the processes said and what reached the ledger. */
function explain(dir: string, children: Record<string, Child>): void {
  const out = Object.entries(children).map(([name, c]) => `--- ${name} (exit ${c.process.exitCode ?? c.process.signalCode ?? 'running'}):\n${c.lines.slice(-30).join('\n')}`);
  process.stdout.write(`ledger has ${ledger(dir).length} effects\n${out.join('\n')}\n`);
}

function ledger(dir: string): string[] {
  const path = join(dir, 'ledger.log');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
}

/** Event id -> how many times its effect was written. */
function effectCounts(dir: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of ledger(dir)) {
    const id = line.split(' ')[0]!;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

async function publishOrders(projectId: string, n: number): Promise<string[]> {
  const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'test' });
  const receipts = await Promise.all(Array.from({ length: n }, (_, i) => bus.publish(OrderPlaced, order(i, `u-${i}`))));
  await bus.close();
  return receipts.map((r) => r.eventId);
}

describe('a service process against the emulator', () => {
  it('a handler killed with SIGKILL mid-handling is redelivered, and every effect happens exactly once', async () => {
    const projectId = uniqueProject('sigkill');
    const pubsub = await provisioned(projectId, orderTopology('ledger'), emulatorHost());
    const dir = mkdtempSync(join(tmpdir(), 'sigkill-'));
    const ids = await publishOrders(projectId, 40);

    const first = startLedger(projectId, dir, { HANG_ON: 'o-17' });
    // Kill it while o-17's handler is running and every other event is done: its effect
    // written AND its id remembered. (Killed between those two steps, an event's effect
    // would rightly be written again on redelivery: that is why handlers must be idempotent.)
    const rememberedIds = (): number => (existsSync(join(dir, 'processed-ids.log')) ? readFileSync(join(dir, 'processed-ids.log'), 'utf8').split('\n').filter(Boolean).length : 0);
    expect(await eventually(() => first.lines.includes('hanging o-17') && ledger(dir).length === 39 && rememberedIds() === 39, 60_000)).toBe(true);
    first.process.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    const second = startLedger(projectId, dir);
    // Redelivery waits for the killed process's lease on o-17 to expire (10-30 s here).
    let finisher = second;
    let redelivered = await eventually(() => ledger(dir).length >= 40, 45_000);
    if (!redelivered) {
      // Measured: in about 1 run in 3 the emulator never expires a killed subscriber's lease
      // (not within 11 minutes; seeking the subscription does not release it either). Production
      // Pub/Sub does expire it. What this test is about still holds and is still checked: the
      // killed process did not ack o-17. A snapshot of the subscription holds exactly its
      // unacked messages; a recovery subscription seeked to that snapshot gets o-17 back (and any
      // message whose ack the kill cut off), and a restarted service must finish o-17 once and
      // skip the rest as duplicates.
      process.stdout.write('SIGKILL test: the emulator did not redeliver o-17 within 45 s (its lost-lease defect); recovering it through a snapshot of the subscription\n');
      second.process.kill('SIGTERM');
      expect(await second.exited).toBe(0);
      const [snapshot] = await pubsub.subscription('order-placed.ledger').createSnapshot('sigkill-recovery');
      const [recovery] = await pubsub.topic('order-placed').createSubscription('order-placed.ledger-recovery', { ackDeadlineSeconds: 10 });
      await recovery.seek(snapshot.name);
      finisher = startLedger(projectId, dir, { LEDGER_SUBSCRIPTION: 'order-placed.ledger-recovery' });
      redelivered = await eventually(() => ledger(dir).length >= 40, 60_000);
    }
    if (!redelivered) explain(dir, { first, second, finisher });
    expect(redelivered).toBe(true);
    await new Promise((r) => setTimeout(r, 2000)); // room for any wrong second effect to show up
    finisher.process.kill('SIGTERM');
    expect(await finisher.exited).toBe(0);

    const counts = effectCounts(dir);
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect([...counts.values()].every((c) => c === 1)).toBe(true);
    // o-17 really was handled twice: started in the killed process, finished by the second
    // after redelivery.
    expect(first.lines).toContain('hanging o-17');
    expect(finisher.lines.some((l) => l.startsWith('start o-17 attempt'))).toBe(true);
    await pubsub.close();
  }, 300_000);

  it('SIGTERM under load loses no acknowledged work and leaves no message unprocessed', async () => {
    const projectId = uniqueProject('sigterm');
    const pubsub = await provisioned(projectId, orderTopology('ledger'), emulatorHost());
    const dir = mkdtempSync(join(tmpdir(), 'sigterm-'));
    const ids = await publishOrders(projectId, 300);

    const first = startLedger(projectId, dir, { HANDLE_MS: '300' });
    const started = (): Set<string> => new Set(first.lines.filter((l) => l.startsWith('start ')).map((l) => l.split(' ')[1]!));
    // Signal while handlers are mid-flight: started, effect not yet written.
    expect(await eventually(() => ledger(dir).length >= 40 && started().size >= ledger(dir).length + 5, 60_000, 5)).toBe(true);
    const atSignal = ledger(dir).length;
    const inFlightAtSignal = started().size - atSignal;
    first.process.kill('SIGTERM');
    expect(await first.exited).toBe(0); // clean shutdown, within its timeout
    const byFirst = ledger(dir).length;
    expect(byFirst).toBeGreaterThanOrEqual(atSignal + inFlightAtSignal); // every handler running at SIGTERM finished
    expect(byFirst).toBeLessThan(ids.length); // and it stopped taking work

    const second = startLedger(projectId, dir, { HANDLE_MS: '1' });
    expect(await eventually(() => ledger(dir).length >= ids.length, 90_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    second.process.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const counts = effectCounts(dir);
    expect(counts.size).toBe(ids.length);
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect([...counts.values()].filter((c) => c !== 1)).toEqual([]);
    process.stdout.write(`SIGTERM test: ${atSignal} effects and ${inFlightAtSignal} handlers in flight at SIGTERM, ${byFirst} effects when the first process exited, ${ids.length} in all, no duplicates\n`);
    await pubsub.close();
  });
});
