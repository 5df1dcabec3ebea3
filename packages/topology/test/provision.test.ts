import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { PubSub } from '@google-cloud/pubsub';
import { createPubSubClient } from '@commerce/event-kit';
import { emulatorHost, uniqueProject } from '@commerce/testing';
import { loadTopology, planTopology, readTopologyFile, type TopologyPlan } from '../src/model.js';
import { provision, schemaIdFor, type Change } from '../src/provision.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** Every resource the provisioner reports for a plan: one per schema, topic and subscription. */
function resourcesOf(plan: TopologyPlan): string[] {
  return [
    ...plan.topics.filter((t) => t.contract !== undefined).map((t) => `schema ${schemaIdFor(t.name)}`),
    ...plan.topics.map((t) => `topic ${t.name}`),
    ...plan.subscriptions.map((s) => `subscription ${s.name}`),
  ].sort();
}

const keyed = (changes: readonly Change[]): string[] => changes.map((c) => `${c.kind} ${c.name}`).sort();
const byAction = (changes: readonly Change[], action: Change['action']): Change[] => changes.filter((c) => c.action === action);
const seconds = (d: { seconds?: unknown } | null | undefined): number => Number(d?.seconds ?? NaN);
const lastSegment = (name: string | null | undefined): string | undefined => name?.split('/').pop();

async function topicNames(pubsub: PubSub): Promise<string[]> {
  const [topics] = await pubsub.getTopics();
  return topics.map((t) => lastSegment(t.name)!).sort();
}
async function subscriptionNames(pubsub: PubSub): Promise<string[]> {
  const [subs] = await pubsub.getSubscriptions();
  return subs.map((s) => lastSegment(s.name)!).sort();
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', CLI, ...args], {
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A local port nobody listens on (taken from the OS, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('provisioning the topology against the emulator', () => {
  const plan = loadTopology('local');

  it('creates every resource of the plan, and a second run changes nothing', async () => {
    const projectId = uniqueProject('provision');
    const pubsub = createPubSubClient({ projectId, emulatorHost: emulatorHost() });
    try {
      const reported: Change[] = [];
      const first = await provision(pubsub, plan, { onChange: (c) => reported.push(c) });
      expect(keyed(first)).toEqual(resourcesOf(plan));
      expect(first.filter((c) => c.action !== 'created')).toEqual([]);
      expect(reported).toEqual(first); // progress sees every change as it happens

      expect(await topicNames(pubsub)).toEqual(plan.topics.map((t) => t.name).sort());
      expect(await subscriptionNames(pubsub)).toEqual(plan.subscriptions.map((s) => s.name).sort());

      const second = await provision(pubsub, plan);
      expect(keyed(second)).toEqual(resourcesOf(plan));
      expect(second.filter((c) => c.action !== 'unchanged')).toEqual([]);
    } finally {
      await pubsub.close();
    }
  });

  it('creates subscriptions with the settings of the topology, and topics with their Avro schema', async () => {
    const projectId = uniqueProject('provision-settings');
    const pubsub = createPubSubClient({ projectId, emulatorHost: emulatorHost() });
    try {
      await provision(pubsub, plan);
      for (const want of plan.subscriptions) {
        const [got] = await pubsub.subscription(want.name).getMetadata();
        expect({ name: want.name, topic: lastSegment(got.topic), ackDeadlineSeconds: got.ackDeadlineSeconds, ordering: got.enableMessageOrdering ?? false, filter: got.filter ?? '' }).toEqual({
          name: want.name,
          topic: want.topic,
          ackDeadlineSeconds: want.ackDeadlineSeconds,
          ordering: want.ordering,
          filter: want.filter,
        });
        if (want.deadLetter === undefined) {
          expect(got.deadLetterPolicy?.deadLetterTopic ?? '').toBe('');
        } else {
          expect(got.deadLetterPolicy).toMatchObject({ deadLetterTopic: `projects/${projectId}/topics/${want.deadLetter.topic}`, maxDeliveryAttempts: want.deadLetter.maxDeliveryAttempts });
          expect([seconds(got.retryPolicy?.minimumBackoff), seconds(got.retryPolicy?.maximumBackoff)]).toEqual([
            want.retryPolicy!.minimumBackoffSeconds,
            want.retryPolicy!.maximumBackoffSeconds,
          ]);
        }
      }

      // Spot checks against the YAML itself, so a planner bug cannot hide behind the plan.
      const [fraud] = await pubsub.subscription('order-placed.fraud-scorer').getMetadata();
      expect(fraud).toMatchObject({
        ackDeadlineSeconds: 30,
        enableMessageOrdering: true,
        deadLetterPolicy: { deadLetterTopic: `projects/${projectId}/topics/order-placed.fraud-scorer.dlq`, maxDeliveryAttempts: 5 },
      });
      expect([seconds(fraud.retryPolicy?.minimumBackoff), seconds(fraud.retryPolicy?.maximumBackoff)]).toEqual([10, 600]);
      const [images] = await pubsub.subscription('image-uploaded.image-enhancer').getMetadata();
      expect(images).toMatchObject({ filter: 'attributes.eventType = "OBJECT_FINALIZE"', ackDeadlineSeconds: 120, enableMessageOrdering: false });
      const [ops] = await pubsub.subscription('order-placed.fraud-scorer.dlq.ops').getMetadata();
      expect(lastSegment(ops.topic)).toBe('order-placed.fraud-scorer.dlq');
      expect(ops.deadLetterPolicy?.deadLetterTopic ?? '').toBe('');

      for (const t of plan.topics) {
        const [meta] = await pubsub.topic(t.name).getMetadata();
        if (t.contract === undefined) {
          expect(meta.schemaSettings?.schema ?? '').toBe('');
          continue;
        }
        expect(meta.schemaSettings?.schema).toBe(`projects/${projectId}/schemas/${t.name}-schema`);
        expect(meta.schemaSettings?.encoding).toBe('JSON');
        const schema = await pubsub.schema(schemaIdFor(t.name)).get();
        expect(schema.type).toBe('AVRO');
        expect(JSON.parse(schema.definition!)).toMatchObject({ type: 'record' });
      }
    } finally {
      await pubsub.close();
    }
  });

  it('updates a changed mutable setting in place and reports exactly that subscription', async () => {
    const projectId = uniqueProject('provision-update');
    const pubsub = createPubSubClient({ projectId, emulatorHost: emulatorHost() });
    try {
      await provision(pubsub, plan);
      const file = readTopologyFile();
      file.topics['order-placed']!.subscriptions['archiver'] = { ...file.topics['order-placed']!.subscriptions['archiver'], ackDeadline: '45s' };
      const changed = planTopology(file, 'local');

      const changes = await provision(pubsub, changed);
      expect(byAction(changes, 'updated')).toEqual([
        { kind: 'subscription', name: 'order-placed.archiver', action: 'updated', details: ['ackDeadlineSeconds 60 -> 45'] },
      ]);
      expect(changes.filter((c) => c.action !== 'unchanged')).toHaveLength(1);

      const [after] = await pubsub.subscription('order-placed.archiver').getMetadata();
      expect(after.ackDeadlineSeconds).toBe(45);
      // The rest of the subscription is as it was: an update must not reset other settings.
      expect(after.deadLetterPolicy).toMatchObject({ deadLetterTopic: `projects/${projectId}/topics/order-placed.archiver.dlq`, maxDeliveryAttempts: 5 });
      expect(seconds(after.retryPolicy?.minimumBackoff)).toBe(10);
      expect(after.retainAckedMessages).toBe(true);

      expect(byAction(await provision(pubsub, changed), 'unchanged')).toHaveLength(changes.length);
    } finally {
      await pubsub.close();
    }
  });

  it('updates delivery attempts and backoff in place, leaving the ack deadline as it was', async () => {
    const projectId = uniqueProject('provision-retry');
    const pubsub = createPubSubClient({ projectId, emulatorHost: emulatorHost() });
    try {
      await provision(pubsub, plan);
      const file = readTopologyFile();
      const fraud = file.topics['order-placed']!.subscriptions['fraud-scorer']!;
      file.topics['order-placed']!.subscriptions['fraud-scorer'] = { ...fraud, maxDeliveryAttempts: 8, retryPolicy: { minimumBackoff: '5s', maximumBackoff: '5m' } };

      const changes = await provision(pubsub, planTopology(file, 'local'));
      expect(changes.filter((c) => c.action !== 'unchanged')).toEqual([
        {
          kind: 'subscription',
          name: 'order-placed.fraud-scorer',
          action: 'updated',
          details: [
            'deadLetterPolicy {"topic":"order-placed.fraud-scorer.dlq","maxDeliveryAttempts":5} -> {"topic":"order-placed.fraud-scorer.dlq","maxDeliveryAttempts":8}',
            'retryPolicy {"minimumBackoffSeconds":10,"maximumBackoffSeconds":600} -> {"minimumBackoffSeconds":5,"maximumBackoffSeconds":300}',
          ],
        },
      ]);
      const [after] = await pubsub.subscription('order-placed.fraud-scorer').getMetadata();
      expect(after.deadLetterPolicy?.maxDeliveryAttempts).toBe(8);
      expect([seconds(after.retryPolicy?.minimumBackoff), seconds(after.retryPolicy?.maximumBackoff)]).toEqual([5, 300]);
      expect(after).toMatchObject({ ackDeadlineSeconds: 30, enableMessageOrdering: true });
    } finally {
      await pubsub.close();
    }
  });

  it('reports a changed immutable setting (a filter) as drift and leaves the subscription alone', async () => {
    const projectId = uniqueProject('provision-drift');
    const pubsub = createPubSubClient({ projectId, emulatorHost: emulatorHost() });
    try {
      await provision(pubsub, plan);
      const file = readTopologyFile();
      const enhancer = file.topics['image-uploaded']!.subscriptions['image-enhancer']!;
      file.topics['image-uploaded']!.subscriptions['image-enhancer'] = { ...enhancer, filter: 'attributes.eventType = "OBJECT_DELETE"' };

      const changes = await provision(pubsub, planTopology(file, 'local'));
      expect(changes.filter((c) => c.action !== 'unchanged').map((c) => [c.name, c.action])).toEqual([['image-uploaded.image-enhancer', 'drift']]);
      const drift = changes.find((c) => c.action === 'drift')!;
      expect(drift.details[0]).toBe('filter is "attributes.eventType = "OBJECT_FINALIZE"", topology says "attributes.eventType = "OBJECT_DELETE"" (immutable)');
      expect(drift.details.at(-1)).toMatch(/recreate it by hand after draining/);

      const [after] = await pubsub.subscription('image-uploaded.image-enhancer').getMetadata();
      expect(after.filter).toBe('attributes.eventType = "OBJECT_FINALIZE"');
      expect(after.ackDeadlineSeconds).toBe(120);
    } finally {
      await pubsub.close();
    }
  });

  it('a dry run reports everything as created and changes nothing', async () => {
    const projectId = uniqueProject('provision-dry');
    const pubsub = createPubSubClient({ projectId, emulatorHost: emulatorHost() });
    try {
      const changes = await provision(pubsub, plan, { dryRun: true });
      expect(keyed(changes)).toEqual(resourcesOf(plan));
      expect(changes.filter((c) => c.action !== 'created')).toEqual([]);
      expect(await topicNames(pubsub)).toEqual([]);
      expect(await subscriptionNames(pubsub)).toEqual([]);
      const schemas: string[] = [];
      for await (const s of pubsub.listSchemas()) schemas.push(s.name ?? '');
      expect(schemas).toEqual([]);
    } finally {
      await pubsub.close();
    }
  });
});

describe('the provision CLI', () => {
  it('provisions the emulator and ends with a summary line, exit code 0', async () => {
    const projectId = uniqueProject('provision-cli');
    const host = emulatorHost();
    const total = resourcesOf(loadTopology('local')).length;
    const run = await runCli(['--emulator-host', host, '--project', projectId]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe(`Provisioning emulator ${host}, project ${projectId} (local) from the topology`);
    expect(lines).toContain('  + subscription order-placed.fraud-scorer  (ackDeadline 30s; ordered; dead letters to order-placed.fraud-scorer.dlq after 5 attempts; backoff 10s..600s)');
    expect(lines.at(-1)).toBe(`created ${total}, updated 0, unchanged 0, drift 0 (${total} resources, emulator ${host}, project ${projectId})`);

    const again = await runCli(['--emulator-host', host, '--project', projectId, '--quiet']);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(`created 0, updated 0, unchanged ${total}, drift 0 (${total} resources, emulator ${host}, project ${projectId})`);
  });

  it('exits 1 telling the user to start the emulator when nothing listens at the host', async () => {
    const host = `127.0.0.1:${await closedPort()}`;
    const run = await runCli(['--emulator-host', host, '--project', uniqueProject('provision-cli-down')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`provision failed: the Pub/Sub emulator is not running at ${host}: start it with \`scripts/emulators.sh start pubsub\``);
  });
});
