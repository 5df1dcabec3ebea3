import { LocalBlobStore } from '@commerce/blob-store';
import { FraudAlert, OrderPlaced, type OrderPlacedEvent } from '@commerce/contracts';
import { PermanentError, PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { ArchiveWriter, AuditLog, type ArchivedMessage } from '@commerce/ops';
import { loadConfig, type BuiltService } from '@commerce/service-kit';
import { drain, emulatorHost, eventually, order, orderTopology, provisioned, uniqueProject } from '@commerce/testing';
import type { PubSub } from '@google-cloud/pubsub';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { Registry } from 'prom-client';
import { buildApp } from '../src/app.js';
import { OpsConsoleConfig } from '../src/config.js';

const TOKEN = 'test-token-0123456789abcdef';
const SUB = 'order-placed.fraud-scorer';
/** Screenshots land here (git-ignored) for people and CI to look at. */
const ARTIFACTS = resolve('test-results/ops-console');

describe('ops console in a real browser', () => {
  let projectId: string;
  let admin: PubSub;
  let checkout: PubSubEventBus;
  let consumer: PubSubEventBus;
  let dir: string;
  let service: BuiltService;
  let url: string;
  let browser: Browser;
  let broken = true;
  const processed: string[] = [];

  beforeAll(async () => {
    projectId = uniqueProject('console');
    admin = await provisioned(projectId, orderTopology('fraud-scorer'));
    dir = await mkdtemp(join(tmpdir(), 'console-'));
    checkout = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'checkout' });
    consumer = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'fraud-scorer' });
    await consumer.subscribe(OrderPlaced, SUB, async (o: OrderPlacedEvent, ctx) => {
      if (broken) throw new PermanentError(`merchant ${o.merchantId} is unknown`, 'UNKNOWN_MERCHANT');
      processed.push(ctx.eventId);
    }).ready;

    const config = loadConfig(
      OpsConsoleConfig,
      { GOOGLE_CLOUD_PROJECT: projectId, PUBSUB_EMULATOR_HOST: emulatorHost(), BLOB_STORE_URL: dir, OPS_CONSOLE_TOKEN: TOKEN, LIVE_ALERTS_SUBSCRIPTION: '' },
      'ops-console',
    );
    const logger = pino({ level: 'silent' });
    const metricsRegistry = new Registry();
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'ops-console', logger, metricsRegistry });
    service = await buildApp({ config, logger, bus, metricsRegistry }, { store: new LocalBlobStore({ root: dir }) });
    url = await service.app.listen({ port: 0, host: '127.0.0.1' });
    const executablePath = process.env['CHROMIUM'] || '/usr/bin/chromium';
    if (!existsSync(executablePath)) {
      throw new Error(`no Chromium at ${executablePath}: \`make test\` installs Debian's (make browser); elsewhere install Chromium or Chrome and set CHROMIUM=/path/to/it`);
    }
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await service?.app.close();
    await consumer?.close();
    await checkout?.close();
    await admin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses the API without the token and never puts the token in the page', async () => {
    expect((await fetch(`${url}/api/overview`)).status).toBe(401);
    expect((await fetch(`${url}/api/overview`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await fetch(`${url}/api/dlq/${SUB}/redrive`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    const page = await (await fetch(url)).text();
    expect(page).not.toContain(TOKEN);
    expect((await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  it('shows a dead letter, redrives it with a click, the count drops and the event is processed', async () => {
    const receipt = await checkout.publish(OrderPlaced, order(1));
    const count = async (): Promise<number> => {
      const r = await fetch(`${url}/api/dlq/${SUB}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return ((await r.json()) as unknown[]).length;
    };
    expect(await eventually(async () => (await count()) === 1, 30_000)).toBe(true);

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('dialog', (d) => void d.accept());
    await page.goto(url);
    await page.fill('#token', TOKEN);
    await page.click('#sign-in');

    // Topics: the subscription's settings and its dead-letter count.
    await page.getByTestId(`dead-letters-${SUB}`).waitFor();
    expect(await page.getByTestId(`dead-letters-${SUB}`).textContent()).toBe('1');
    expect(await page.locator('#subs').textContent()).toContain('order-placed.fraud-scorer.dlq (5)');

    // Dead letters: the reason and the event.
    await page.click('#tabs button[data-tab="dlq"]');
    await page.getByTestId('dlq-count').filter({ hasText: '1 dead letter(s)' }).waitFor();
    const list = await page.locator('#dlq-list').textContent();
    expect(list).toContain(receipt.eventId);
    expect(list).toContain('UNKNOWN_MERCHANT');
    expect(list).toMatch(/merchant .* is unknown/);
    await page.screenshot({ path: join(ARTIFACTS, 'dead-letter.png'), fullPage: true });

    broken = false;
    await page.click('#redrive');
    await page.getByTestId('dlq-result').filter({ hasText: 'redrove 1 to order-placed; 0 left' }).waitFor({ timeout: 30_000 });
    await page.getByTestId('dlq-count').filter({ hasText: '0 dead letter(s)' }).waitFor();
    expect(await eventually(() => processed.includes(receipt.eventId), 30_000)).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'redriven.png'), fullPage: true });

    // Audited under the caller's identity.
    const audit = await new AuditLog(new LocalBlobStore({ root: dir })).list();
    expect(audit.filter((a) => a.command === 'dlq redrive')).toEqual([expect.objectContaining({ ok: true, count: 1, who: 'token@127.0.0.1' })]);
    await page.close();
  });

  it('browses archived events, draws a fraud ring, and runs a replay with live progress', async () => {
    // An archive as the archiver writes it: orders and an alert about a three-account ring.
    const store = new LocalBlobStore({ root: dir });
    const writer = new ArchiveWriter({ store });
    const now = Date.now();
    const orders = Array.from({ length: 30 }, (_, n) => archived(`m-${n}`, now - 60_000 + n, { 'ce-id': `e-${n}`, 'ce-type': 'OrderPlaced' }, { ...order(n), orderId: `o-${n}` }));
    await writer.write('order-placed', orders);
    const alert = {
      ...FraudAlert.example,
      orderId: 'o-29',
      pattern: 'ring',
      entities: [
        { type: 'user', id: 'u-a' },
        { type: 'user', id: 'u-b' },
        { type: 'user', id: 'u-c' },
        { type: 'device', id: 'd-ring', role: 'shared device' },
      ],
      edges: ['u-a', 'u-b', 'u-c'].map((u) => ({ from: `user:${u}`, to: 'device:d-ring', relation: 'used_device' })),
    };
    await writer.write('fraud-alert', [archived('m-alert', now - 1000, { 'ce-id': 'e-alert', 'ce-type': 'FraudAlert' }, alert)]);
    const [target] = await admin.createTopic('order-placed-console-replay');
    await target.createSubscription('order-placed-console-replay.check');

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.fill('#token', TOKEN);
    await page.click('#sign-in');

    await page.click('#tabs button[data-tab="events"]');
    await page.locator('#event-topic option[value="order-placed"]').waitFor({ state: 'attached' });
    await page.selectOption('#event-topic', 'order-placed');
    await page.locator('#event-list tr.clickable', { hasText: 'e-29' }).waitFor();
    expect(await page.locator('#event-list tr.clickable').count()).toBe(30);
    await page.locator('#event-list tr.clickable', { hasText: 'e-29' }).click();
    expect(await page.locator('#event-json').textContent()).toContain('"orderId": "o-29"');

    await page.click('#tabs button[data-tab="alerts"]');
    await page.locator('#alert-graph circle').first().waitFor();
    expect(await page.locator('#alert-graph circle').count()).toBe(4);
    expect(await page.locator('#alert-graph line').count()).toBe(3);
    expect(await page.locator('#alert-graph').textContent()).toContain('device d-ring');
    await page.screenshot({ path: join(ARTIFACTS, 'fraud-ring.png'), fullPage: true });

    await page.click('#tabs button[data-tab="replay"]');
    await page.selectOption('#replay-topic', 'order-placed');
    await page.fill('#replay-from', new Date(now - 120_000).toISOString());
    await page.fill('#replay-to-topic', 'order-placed-console-replay');
    await page.fill('#replay-rate', '20');
    await page.click('#replay-plan');
    await page.locator('#replay-summary', { hasText: 'would send 30 message(s)' }).waitFor();
    await page.click('#replay-start');
    // Live: the page shows it running part-way, then completed.
    await page.getByTestId('replay-status').filter({ hasText: /running, ([1-9]|1\d|2[0-9])\/30 sent/ }).waitFor({ timeout: 30_000 });
    await page.getByTestId('replay-status').filter({ hasText: 'completed, 30/30 sent to order-placed-console-replay' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, 'replay.png'), fullPage: true });
    const replayed = await drain(admin, 'order-placed-console-replay.check', { expect: 30 });
    expect(replayed.map((m) => m.attributes['ce-id']).sort()).toEqual(orders.map((m) => m.attributes['ce-id']).sort());
    await page.close();
  });
});

function archived(messageId: string, atMs: number, attributes: Record<string, string>, data: object): ArchivedMessage {
  return { messageId, publishTime: new Date(atMs).toISOString(), attributes, data: Buffer.from(JSON.stringify(data)).toString('base64') };
}
