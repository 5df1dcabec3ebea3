// Runs the real emulators as local processes (gcloud SDK + Java 17) and checks what the harness
// promises: readiness, a working client, stop() killing the whole process tree and closing the port,
// and a restart on the same port.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { PubSub, type Message, type Topic } from '@google-cloud/pubsub';
import {
  canConnect, EmulatorError, EmulatorErrorCode, getFreePort, isProcessGroupAlive, parseHostPort, pubsubClientOptions,
  startBigtableEmulator, startEmulator, startPubSubEmulator, type RunningEmulator,
} from '../src/index.js';

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const started: RunningEmulator[] = [];
const clients: PubSub[] = [];

/** Every emulator a test starts is stopped even when the test fails half-way. */
async function track(emulator: Promise<RunningEmulator>): Promise<RunningEmulator> {
  const running = await emulator;
  started.push(running);
  return running;
}

function client(emulator: RunningEmulator): PubSub {
  const pubsub = new PubSub(pubsubClientOptions(emulator));
  clients.push(pubsub);
  return pubsub;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(started.splice(0).map((e) => e.stop()));
});

interface PsRow { pid: number; pgid: number; stat: string; args: string }

function ps(): PsRow[] {
  return execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [pid = '', pgid = '', stat = '', ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), pgid: Number(pgid), stat, args: args.join(' ') };
    });
}

/** Any process (zombies included) left in the group, or any process still serving the port. */
function leftovers(emulator: RunningEmulator): PsRow[] {
  return ps().filter((row) => row.pgid === emulator.pid || row.args.includes(`--port=${emulator.port}`));
}

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

async function expectFullyStopped(emulator: RunningEmulator): Promise<void> {
  expect(await canConnect(emulator.port)).toBe(false);
  expect(isProcessGroupAlive(emulator.pid)).toBe(false);
  // Zombies too: a JVM orphaned by gcloud's python would linger as `[java] <defunct>`.
  expect(await eventually(() => leftovers(emulator).length === 0, 2_000)).toBe(true);
  expect(leftovers(emulator)).toEqual([]);
}

function firstMessage(pubsub: PubSub, subscriptionName: string): Promise<Message> {
  const subscription = pubsub.subscription(subscriptionName);
  return new Promise((resolveMessage, reject) => {
    subscription.once('message', (message: Message) => {
      message.ack();
      void subscription.close().then(() => resolveMessage(message), reject);
    });
    subscription.once('error', reject);
  });
}

describe('jest global setup', () => {
  test('exports a reachable shared Pub/Sub emulator to the test workers', async () => {
    const hostPort = process.env['PUBSUB_EMULATOR_HOST'];
    expect(hostPort).toBeDefined();
    expect(process.env['PUBSUB_PROJECT_ID']).toBeTruthy();
    const { host, port } = parseHostPort(hostPort ?? '');
    expect(await canConnect(port, host)).toBe(true);

    // Host and project from the environment alone, as services under test will get them.
    const pubsub = new PubSub({ emulatorMode: true, universeDomain: 'googleapis.com' });
    clients.push(pubsub);
    const [topic] = await pubsub.createTopic(`emulators-shared-${process.pid}-${Date.now()}`);
    expect(await topic.publishMessage({ data: Buffer.from('shared') })).toMatch(/^\d+$/);
    await topic.delete();
  });
});

describe('Pub/Sub emulator', () => {
  test('serves a client, stops its whole process tree, and restarts on the same port without state', async () => {
    const projectId = 'emulators-lifecycle';
    const emulator = await track(startPubSubEmulator({ projectId }));
    expect(emulator.kind).toBe('pubsub');
    expect(emulator.runtime).toBe('process');
    expect(emulator.host).toBe(`127.0.0.1:${emulator.port}`);
    expect(emulator.env).toEqual({ PUBSUB_EMULATOR_HOST: emulator.host, PUBSUB_PROJECT_ID: projectId });
    expect(emulator.startupMs).toBeGreaterThan(0);
    expect(await canConnect(emulator.port)).toBe(true);
    expect(ps().filter((row) => row.pgid === emulator.pid).map((row) => row.args).join('\n')).toMatch(/java .*--port=\d+/);

    const pubsub = client(emulator);
    const [topic] = await pubsub.createTopic('lifecycle-topic');
    await topic.createSubscription('lifecycle-topic.test');
    const received = firstMessage(pubsub, 'lifecycle-topic.test');
    const messageId = await topic.publishMessage({ data: Buffer.from('hello'), attributes: { kind: 'greeting' } });
    const message = await received;
    expect(message.id).toBe(messageId);
    expect(message.data.toString()).toBe('hello');
    expect(message.attributes).toEqual({ kind: 'greeting' });
    await pubsub.close();

    await emulator.stop();
    await expectFullyStopped(emulator);
    await emulator.stop(); // idempotent

    const again = await track(startPubSubEmulator({ port: emulator.port, projectId }));
    expect(again.port).toBe(emulator.port);
    expect(again.pid).not.toBe(emulator.pid);
    const fresh = client(again);
    const [exists] = await fresh.topic('lifecycle-topic').exists();
    expect(exists).toBe(false); // the emulator keeps everything in memory
    const [recreated] = await fresh.createTopic('lifecycle-topic');
    expect(await recreated.publishMessage({ data: Buffer.from('again') })).toMatch(/^\d+$/);
  });

  test('a publisher keeps working when the emulator is killed mid-stream and restarted on the same port', async () => {
    const projectId = 'emulators-restart';
    const emulator = await track(startPubSubEmulator({ projectId }));
    const pubsub = client(emulator);
    const [topic] = await pubsub.createTopic('restart-topic');
    // The client's default publish backoff multiplies by 4 (0.1, 0.4, 1.6, 6.4, 25.6 s), so after a
    // two-second outage an unchanged publisher takes about 20 s to notice the emulator is back.
    topic.setPublishOptions({
      gaxOpts: {
        retry: {
          retryCodes: [GRPC_UNAVAILABLE, GRPC_DEADLINE_EXCEEDED],
          backoffSettings: {
            initialRetryDelayMillis: 100, retryDelayMultiplier: 1.3, maxRetryDelayMillis: 500,
            initialRpcTimeoutMillis: 5_000, rpcTimeoutMultiplier: 1, maxRpcTimeoutMillis: 5_000, totalTimeoutMillis: 60_000,
          },
        },
      },
    });

    let phase: 'before' | 'after' = 'before';
    const published = { before: 0, after: 0 };
    let running = true;
    const publisher = (async (t: Topic) => {
      for (let i = 0; running; i += 1) {
        try {
          await t.publishMessage({ data: Buffer.from(`m${i}`) });
          published[phase] += 1;
        } catch {
          // NOT_FOUND between the restart and the topic's re-creation; the loop carries on.
        }
        await new Promise((r) => setTimeout(r, 10));
      }
    })(topic);

    expect(await eventually(() => published.before >= 20, 10_000)).toBe(true);
    const stopStartedAt = Date.now();
    await emulator.stop();
    const stopMs = Date.now() - stopStartedAt;
    await expectFullyStopped(emulator);
    expect(stopMs).toBeLessThan(10_000);

    const again = await track(startPubSubEmulator({ port: emulator.port, projectId }));
    phase = 'after';
    await client(again).createTopic('restart-topic');
    const recovered = await eventually(() => published.after >= 5, 60_000);
    running = false;
    await publisher;
    expect(recovered).toBe(true);
    expect(published.after).toBeGreaterThanOrEqual(5);
  });

  test('through `gcloud beta emulators` (python parent + JVM child) stop() leaves no process, not even a zombie', async () => {
    const emulator = await track(startPubSubEmulator({ launcher: 'gcloud', projectId: 'emulators-gcloud' }));
    const group = ps().filter((row) => row.pgid === emulator.pid);
    expect(group.some((row) => row.args.includes('gcloud.py beta emulators pubsub start'))).toBe(true);
    expect(group.some((row) => /^java /.test(row.args) && row.pid !== emulator.pid)).toBe(true);
    const [topic] = await client(emulator).createTopic('via-gcloud');
    expect(await topic.publishMessage({ data: Buffer.from('x') })).toMatch(/^\d+$/);

    await emulator.stop();
    await expectFullyStopped(emulator);
  });

  test('refuses a port that is already taken', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(track(startPubSubEmulator({ port }))).rejects.toMatchObject({ code: EmulatorErrorCode.PortInUse });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  test('a start-up timeout kills what it spawned and quotes the log with what to check', async () => {
    const port = await getFreePort();
    const error = await track(startPubSubEmulator({ port, readyTimeoutMs: 100 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorError);
    expect((error as EmulatorError).code).toBe(EmulatorErrorCode.StartTimeout);
    expect((error as EmulatorError).message).toMatch(/not ready within 100 ms/);
    expect((error as EmulatorError).message).toMatch(/last 20 lines of .*pubsub-\d+\.log/);
    expect((error as EmulatorError).message).toMatch(/Java 17/);
    expect((error as EmulatorError).message).toMatch(/gcloud components list/);
    expect(await eventually(() => !ps().some((row) => row.args.includes(`--port=${port}`)))).toBe(true);
    expect(await canConnect(port)).toBe(false);
  });

  test('an emulator that exits during start-up is reported with its own output', async () => {
    // The launcher refuses to start without a JVM, as on a machine where Java is missing.
    const error = await track(startPubSubEmulator({ launcher: 'direct', env: { JAVA_HOME: '/nonexistent-java-home' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorError);
    expect((error as EmulatorError).code).toBe(EmulatorErrorCode.ExitedEarly);
    expect((error as EmulatorError).message).toMatch(/exited with code 1 before it was ready/);
    expect((error as EmulatorError).message).toMatch(/JAVA_HOME is set to an invalid directory/);
    expect((error as EmulatorError).message).toMatch(/Java 17/);
  });

  test('startEmulator() picks the local process when gcloud is on PATH', async () => {
    const emulator = await track(startEmulator('pubsub', { projectId: 'emulators-auto' }));
    expect(emulator.runtime).toBe('process');
    expect(await canConnect(emulator.port)).toBe(true);
  });
});

describe('Bigtable emulator', () => {
  test('starts, serves cbt, and stops with its port closed', async () => {
    const emulator = await track(startBigtableEmulator());
    expect(emulator.kind).toBe('bigtable');
    expect(emulator.env).toEqual({ BIGTABLE_EMULATOR_HOST: emulator.host });
    expect(await canConnect(emulator.port)).toBe(true);

    const cbt = (...args: string[]): string => execFileSync('cbt', ['-project', 'p', '-instance', 'i', ...args], {
      encoding: 'utf8', env: { ...process.env, ...emulator.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    cbt('createtable', 'orders-by-customer');
    expect(cbt('ls').split('\n')).toContain('orders-by-customer');

    await emulator.stop();
    await expectFullyStopped(emulator);
  });
});

describe('scripts/emulators.sh', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'emulators-cli-'));
  afterAll(async () => {
    await runScript(['stop', 'all']); // in case an assertion failed half-way
    rmSync(stateDir, { recursive: true, force: true });
  });
  let env: NodeJS.ProcessEnv = {};

  function runScript(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolveRun) => {
      execFile(join(REPO_ROOT, 'scripts/emulators.sh'), args, { env: { ...process.env, ...env, EMULATORS_STATE_DIR: stateDir } }, (err, stdout, stderr) => {
        resolveRun({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  test('start, status, idempotent start, stop, idempotent stop', async () => {
    const [pubsubPort, bigtablePort] = [await getFreePort(), await getFreePort()];
    env = { PUBSUB_PORT: String(pubsubPort), BIGTABLE_PORT: String(bigtablePort), PUBSUB_PROJECT_ID: 'cli-test' };

    const start = await runScript(['start']);
    expect(start.code).toBe(0);
    expect(start.stdout).toBe(
      `export PUBSUB_EMULATOR_HOST=127.0.0.1:${pubsubPort}\nexport PUBSUB_PROJECT_ID=cli-test\nexport BIGTABLE_EMULATOR_HOST=127.0.0.1:${bigtablePort}\n`,
    );
    expect(start.stderr).toMatch(/pubsub: started on/);
    expect(await canConnect(pubsubPort)).toBe(true);
    expect(await canConnect(bigtablePort)).toBe(true);

    const status = await runScript(['status']);
    expect(status.code).toBe(0);
    expect(status.stderr).toMatch(/pubsub: running on/);
    expect(status.stderr).toMatch(/bigtable: running on/);

    const again = await runScript(['start', 'pubsub']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/pubsub: already running/);

    const stop = await runScript(['stop']);
    expect(stop.code).toBe(0);
    expect(stop.stderr).toMatch(/pubsub: stopped/);
    expect(await canConnect(pubsubPort)).toBe(false);
    expect(await canConnect(bigtablePort)).toBe(false);
    expect(ps().some((row) => row.args.includes(`--port=${pubsubPort}`) || row.args.includes(`--port=${bigtablePort}`))).toBe(false);

    const stopAgain = await runScript(['stop']);
    expect(stopAgain.code).toBe(0);
    expect(stopAgain.stderr).toMatch(/pubsub: not running/);
    const statusAfter = await runScript(['status', 'pubsub']);
    expect(statusAfter.code).toBe(3);
  });
});
