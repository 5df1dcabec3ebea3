import { LocalBlobStore } from '@commerce/blob-store';
import { OrderPlaced, type OrderPlacedEvent } from '@commerce/contracts';
import { PermanentError, PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { AuditLog } from '@commerce/ops';
import { loadConfig, type BuiltService } from '@commerce/service-kit';
import { emulatorHost, eventually, order, orderTopology, provisioned, uniqueProject } from '@commerce/testing';
import type { PubSub } from '@google-cloud/pubsub';
import { mkdirSync } from 'node:fs';
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
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
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
});
