import { OrderScored } from '@commerce/contracts';
import { PubSubEventBus, createPubSubClient } from '@commerce/event-kit';
import { drain, emulatorHost, uniqueProject } from '@commerce/testing';
import { loadTopology, provision } from '@commerce/topology';
import type { PubSub } from '@google-cloud/pubsub';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '@commerce/blob-store';
import type { SubscriptionInfo, TopicInfo } from '../src/admin.js';
import type { ArchivedMessage } from '../src/archive/format.js';
import { ArchiveWriter } from '../src/archive/writer.js';
import type { AuditRecord } from '../src/audit.js';
import { runCli } from '../src/cli.js';

describe('commerce-ops against the emulator: settings, seek, snapshots, clear errors', () => {
  let projectId: string;
  let admin: PubSub;
  let dir: string;

  const cli = async (...args: string[]): Promise<{ code: number; out: string }> => {
    const lines: string[] = [];
    const code = await runCli(['--emulator-host', emulatorHost(), '--blob-store', dir, '--as', 'oncall@test', ...args], { out: (t) => lines.push(t), err: (t) => lines.push(t) });
    return { code, out: lines.join('\n') };
  };

  beforeAll(async () => {
    projectId = uniqueProject('ops-cli');
    admin = createPubSubClient({ projectId, emulatorHost: emulatorHost() });
    await provision(admin, loadTopology('local'));
    dir = await mkdtemp(join(tmpdir(), 'ops-cli-'));
  });

  afterAll(async () => {
    await admin?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists topics and subscriptions with dead-letter policy, retry, filter and ordering', async () => {
    const topics = JSON.parse((await cli('--project', projectId, '--json', 'topics')).out) as TopicInfo[];
    expect(topics.find((t) => t.name === 'order-placed')).toMatchObject({ schema: 'order-placed-schema', deadLetter: false, messageRetentionSeconds: 7 * 86400 });
    expect(topics.find((t) => t.name === 'order-placed')!.subscriptions).toEqual(expect.arrayContaining(['order-placed.archiver', 'order-placed.fraud-scorer']));
    expect(topics.find((t) => t.name === 'order-placed.fraud-scorer.dlq')).toMatchObject({ deadLetter: true, subscriptions: ['order-placed.fraud-scorer.dlq.ops'] });

    const subs = JSON.parse((await cli('--project', projectId, '--json', 'subscriptions')).out) as SubscriptionInfo[];
    expect(subs.find((s) => s.name === 'order-placed.fraud-scorer')).toMatchObject({
      topic: 'order-placed',
      ackDeadlineSeconds: 30,
      ordering: true,
      retainAckedMessages: true,
      deadLetter: { topic: 'order-placed.fraud-scorer.dlq', maxDeliveryAttempts: 5 },
      retry: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
    });
    expect(subs.find((s) => s.name === 'image-uploaded.image-enhancer')!.filter).toBe('attributes.eventType = "OBJECT_FINALIZE"');

    const text = (await cli('--project', projectId, 'subscriptions', '--topic', 'order-placed')).out;
    expect(text.split('\n')[0]).toMatch(/^SUBSCRIPTION\s+TOPIC\s+ACK\s+RETAIN\s+ORDERED\s+DEAD LETTER/);
    expect(text).toMatch(/order-placed\.fraud-scorer\s+order-placed\s+30s\s+acked 7d\s+yes\s+order-placed\.fraud-scorer\.dlq \(5\)\s+10s\.\.10m/);
    expect(text).not.toContain('order-scored');
  });

  it('creates, lists and deletes snapshots, seeks to a snapshot and to a time, and audits each', async () => {
    const sub = 'order-scored.archiver';
    expect((await cli('--project', projectId, 'snapshot', 'create', 'before-deploy', '--subscription', sub)).out).toContain('snapshot before-deploy of order-scored.archiver created');
    expect((await cli('--project', projectId, 'snapshot', 'list')).out).toMatch(/before-deploy\s+order-scored/);

    // Published and consumed after the snapshot: seeking to it delivers them again.
    const bus = new PubSubEventBus({ pubsub: createPubSubClient({ projectId, emulatorHost: emulatorHost() }), source: 'fraud-scorer' });
    const sent = await Promise.all([1, 2, 3].map((n) => bus.publish(OrderScored, { ...OrderScored.example, orderId: `o-${n}` })));
    await bus.close();
    expect((await drain(admin, sub, { expect: 3 })).map((m) => m.id).sort()).toEqual(sent.map((r) => r.messageId).sort());
    const seekSnap = await cli('--project', projectId, 'seek', sub, '--to-snapshot', 'before-deploy');
    expect(seekSnap.code).toBe(0);
    expect(seekSnap.out).toContain('now at snapshot before-deploy');
    expect((await drain(admin, sub, { expect: 3 })).map((m) => m.id).sort()).toEqual(sent.map((r) => r.messageId).sort());
    const seekTime = await cli('--project', projectId, 'seek', sub, '--to-time', '-1h');
    expect(seekTime.code).toBe(0);
    expect(seekTime.out).toMatch(/now at \d{4}-\d{2}-\d{2}T/);
    expect((await cli('--project', projectId, 'seek', sub)).out).toContain('seek needs --to-time <time> or --to-snapshot <snapshot>');

    expect((await cli('--project', projectId, 'snapshot', 'delete', 'before-deploy')).code).toBe(0);
    expect((await cli('--project', projectId, 'snapshot', 'list')).out).toBe('no snapshots');

    const audit = JSON.parse((await cli('--project', projectId, '--json', 'audit')).out) as AuditRecord[];
    expect(audit.map((a) => [a.command, a.who, a.ok])).toEqual([
      ['snapshot create', 'oncall@test', true],
      ['seek', 'oncall@test', true],
      ['seek', 'oncall@test', true],
      ['snapshot delete', 'oncall@test', true],
    ]);
    expect(audit[1]!.args).toEqual({ subscription: sub, toSnapshot: 'before-deploy' });
  });

  it('summarises the archive from its manifests', async () => {
    const store = new LocalBlobStore({ root: dir });
    const at = (iso: string, id: string): ArchivedMessage => ({ messageId: id, publishTime: iso, attributes: { 'ce-id': `e-${id}` }, data: Buffer.from('{}').toString('base64') });
    await new ArchiveWriter({ store }).write('order-placed', [at('2026-11-21T10:15:00.000Z', '1'), at('2026-11-21T10:45:00.000Z', '2'), at('2026-11-21T11:05:00.000Z', '3')]);
    const r = await cli('--project', projectId, 'archive', '--topic', 'order-placed');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/order-placed\s+2026-11-21T10:00:00.000Z\s+2\s+1\s+\d+\s+2026-11-21T10:15:00.000Z\s+2026-11-21T10:45:00.000Z/);
    expect(r.out).toContain('3 message(s) in 2 partition(s)');
    const windowed = JSON.parse((await cli('--project', projectId, '--json', 'archive', '--from', '2026-11-21T11:00:00Z')).out) as Array<{ hour: string; count: number }>;
    expect(windowed).toEqual([expect.objectContaining({ hour: '2026-11-21T11:00:00.000Z', count: 1 })]);
  });

  it('explains a wrong project, a missing subscription and an emulator that is not running', async () => {
    const wrong = await cli('--project', 'no-such-project', 'topics');
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('project no-such-project has no topics');
    expect(wrong.out).toContain('is it the right project?');

    const missing = await cli('--project', projectId, 'seek', 'order-placed.nobody', '--to-time', '-1h');
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('subscription order-placed.nobody: not found in project');

    // The emulator answers UNIMPLEMENTED to a seek on a subscription with message ordering (Pub/Sub does not).
    const ordered = await cli('--project', projectId, 'seek', 'order-placed.fraud-scorer', '--to-time', '-1h');
    expect(ordered.code).toBe(1);
    expect(ordered.out).toContain('does not implement this');

    const lines: string[] = [];
    const down = await runCli(['--project', projectId, '--emulator-host', '127.0.0.1:1', 'topics'], { out: (t) => lines.push(t), err: (t) => lines.push(t) });
    expect(down).toBe(1);
    expect(lines.join('\n')).toContain('the Pub/Sub emulator at 127.0.0.1:1 is not running');
    expect(lines.join('\n')).toContain('make emulators');


    const badTime = await cli('--project', projectId, 'replay', '--topic', 'order-placed', '--from', 'yesterday-ish');
    expect(badTime.code).toBe(1);
    expect(badTime.out).toContain('"yesterday-ish" is not a time');
  });
});
