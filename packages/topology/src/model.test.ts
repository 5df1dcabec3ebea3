import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contractFor } from '@commerce/contracts';
import { parse as parseYaml } from 'yaml';
import {
  DEAD_LETTER_CONSUMER, deadLetterSubscriptionName, deadLetterTopicName, defaultTopologyPath, loadTopology, planTopology,
  readTopologyFile, type TopologyFile,
} from './model.js';

type SubscriptionSettings = TopologyFile['topics'][string]['subscriptions'][string];

/** A one-topic topology small enough to read at a glance; `topic` and `sub` vary per case. */
function file(topic: string, sub: SubscriptionSettings = {}, consumer = 'ledger'): TopologyFile {
  return {
    defaults: {
      topic: { messageRetention: '1d' },
      subscription: { ackDeadline: '10s', messageRetention: '1d', retainAckedMessages: false, retryPolicy: { minimumBackoff: '1s', maximumBackoff: '2s' }, maxDeliveryAttempts: 5 },
      deadLetter: { messageRetention: '1d' },
    },
    topics: { [topic]: { publishers: ['test'], subscriptions: { [consumer]: sub } } },
  };
}

/** The consuming subscriptions the YAML declares for an environment, as `<topic>.<consumer>`. */
function declared(environment: 'local' | 'cloud'): string[] {
  const raw = parseYaml(readFileSync(defaultTopologyPath(), 'utf8')) as TopologyFile;
  return Object.entries(raw.topics).flatMap(([topic, t]) =>
    Object.entries(t.subscriptions)
      .filter(([, s]) => s.environments === undefined || s.environments.includes(environment))
      .map(([consumer]) => `${topic}.${consumer}`),
  );
}

describe('planTopology on infra/topology.yaml', () => {
  const local = loadTopology('local');
  const cloud = loadTopology('cloud');
  const consuming = local.subscriptions.filter((s) => s.consumer !== DEAD_LETTER_CONSUMER);

  it('plans exactly the subscriptions the file declares, named <topic>.<consumer>', () => {
    expect(consuming.map((s) => s.name).sort()).toEqual(declared('local').sort());
    expect(consuming.length).toBeGreaterThan(10);
    for (const s of consuming) expect(s.name).toBe(`${s.topic}.${s.consumer}`);
    expect(local.subscriptions.map((s) => s.name)).toContain('order-placed.fraud-scorer');
  });

  it('gives every consuming subscription a <sub>.dlq topic and a <sub>.dlq.ops subscription that never dead-letters again', () => {
    const topics = new Map(local.topics.map((t) => [t.name, t]));
    const subs = new Map(local.subscriptions.map((s) => [s.name, s]));
    for (const s of consuming) {
      expect(s.deadLetter).toEqual({ topic: `${s.name}.dlq`, maxDeliveryAttempts: 5 });
      const dlq = topics.get(`${s.name}.dlq`);
      expect(dlq).toMatchObject({ deadLetterFor: s.name, messageRetentionSeconds: 7 * 86400 });
      expect(dlq!.contract).toBeUndefined();
      const ops = subs.get(`${s.name}.dlq.ops`);
      expect(ops).toMatchObject({ topic: `${s.name}.dlq`, consumer: 'ops', ordering: false, filter: '', retainAckedMessages: true });
      expect(ops!.deadLetter).toBeUndefined();
      expect(ops!.retryPolicy).toBeUndefined();
    }
    // Nothing else: every subscription is either consuming or the ops one of a consuming one.
    expect(local.subscriptions).toHaveLength(consuming.length * 2);
    expect(local.topics.filter((t) => t.deadLetterFor !== undefined)).toHaveLength(consuming.length);
    expect(deadLetterTopicName('a.b')).toBe('a.b.dlq');
    expect(deadLetterSubscriptionName('a.b')).toBe('a.b.dlq.ops');
  });

  it('attaches each event topic to the contract of the same name', () => {
    for (const t of local.topics.filter((x) => x.deadLetterFor === undefined)) {
      expect(t.contract).toBe(contractFor(t.name));
      expect(t.messageRetentionSeconds).toBe(7 * 86400);
    }
  });

  it('leaves `environments: [local]` subscriptions, their dead-letter topics and ops subscriptions out of the cloud plan', () => {
    const cloudNames = new Set(cloud.subscriptions.map((s) => s.name));
    const cloudTopics = new Set(cloud.topics.map((t) => t.name));
    for (const name of ['order-scored.demo-monitor', 'fraud-alert.demo-monitor']) {
      expect(local.subscriptions.map((s) => s.name)).toContain(name);
      expect(cloudNames.has(name)).toBe(false);
      expect(cloudNames.has(`${name}.dlq.ops`)).toBe(false);
      expect(cloudTopics.has(`${name}.dlq`)).toBe(false);
    }
    expect(cloud.subscriptions.filter((s) => s.consumer !== DEAD_LETTER_CONSUMER).map((s) => s.name).sort()).toEqual(declared('cloud').sort());
    expect(cloud.environment).toBe('cloud');
  });

  it('parses durations into seconds, with per-subscription overrides winning over the defaults', () => {
    const byName = new Map(local.subscriptions.map((s) => [s.name, s]));
    expect(byName.get('order-placed.fraud-scorer')).toMatchObject({
      ackDeadlineSeconds: 30,
      messageRetentionSeconds: 604_800,
      retryPolicy: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
    });
    expect(byName.get('image-uploaded.image-enhancer')?.ackDeadlineSeconds).toBe(120);
    expect(byName.get('campaign-requested.creative-studio')?.ackDeadlineSeconds).toBe(300);
    expect(byName.get('order-placed.archiver')?.ackDeadlineSeconds).toBe(60);
    expect(byName.get('order-scored.demo-monitor')?.retainAckedMessages).toBe(false);
    expect(byName.get('order-scored.archiver')?.retainAckedMessages).toBe(true);
  });

  it('orders only the subscriptions that ask for it, and only where the contract has an ordering key', () => {
    const ordered = local.subscriptions.filter((s) => s.ordering);
    expect(ordered.map((s) => s.name).sort()).toEqual(['order-placed.creative-studio', 'order-placed.fraud-scorer', 'product-updated.creative-studio']);
    for (const s of ordered) expect(contractFor(s.topic).orderingKey).toBeDefined();
  });

  it('carries the image-enhancer filter through as written', () => {
    expect(local.subscriptions.find((s) => s.name === 'image-uploaded.image-enhancer')?.filter).toBe('attributes.eventType = "OBJECT_FINALIZE"');
    expect(local.subscriptions.filter((s) => s.filter !== '').map((s) => s.name)).toEqual(['image-uploaded.image-enhancer']);
  });
});

describe('planTopology refuses a topology that cannot work', () => {
  it('a topic without a contract, listing the known topics', () => {
    expect(() => planTopology(file('order-cancelled'))).toThrow(/no contract for topic "order-cancelled"; known topics: .*order-placed/);
  });

  it('ordering on a contract that publishes no ordering key', () => {
    expect(contractFor('order-scored').orderingKey).toBeUndefined();
    expect(() => planTopology(file('order-scored', { ordering: true }))).toThrow(
      'topics.order-scored.subscriptions.ledger: ordering is on but contract OrderScored publishes no ordering key',
    );
  });

  it('a filter on an attribute the contract never sets, naming it and the known ones', () => {
    const err = catchError(() => planTopology(file('order-placed', { filter: 'attributes.colour = "red"' })));
    expect(err.message).toMatch(/^topics\.order-placed\.subscriptions\.ledger\.filter uses attributes\.colour, which OrderPlaced never sets; known: /);
    for (const known of ['merchantId', 'country', 'paymentMethod', 'ce-type']) expect(err.message).toContain(known);
    // The presence test `attributes:KEY` names an attribute just the same.
    expect(() => planTopology(file('order-placed', { filter: 'attributes:colour' }))).toThrow(/uses attributes\.colour, which OrderPlaced never sets/);
    // A filter on attributes the contract does set is accepted.
    expect(planTopology(file('order-placed', { filter: 'attributes.country = "SE" AND attributes:merchantId' })).subscriptions[0]?.filter).toBe(
      'attributes.country = "SE" AND attributes:merchantId',
    );
  });

  it('a malformed duration, naming the setting and the expected form', () => {
    expect(() => planTopology(file('order-placed', { ackDeadline: '30 sec' }))).toThrow(
      'topics.order-placed.subscriptions.ledger.ackDeadline: "30 sec" is not a duration; write <number><s|m|h|d>, e.g. 30s or 7d',
    );
    const badDefault = file('order-placed');
    const withBadRetry: TopologyFile = {
      ...badDefault,
      defaults: { ...badDefault.defaults, subscription: { ...badDefault.defaults.subscription, retryPolicy: { minimumBackoff: '1w', maximumBackoff: '2s' } } },
    };
    expect(() => planTopology(withBadRetry)).toThrow(/retryPolicy\.minimumBackoff: "1w" is not a duration/);
  });
});

describe('readTopologyFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'topology-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the repository topology as valid', () => {
    expect(Object.keys(readTopologyFile().topics)).toContain('order-placed');
  });

  it('rejects a file that breaks the schema, naming the file, the setting and the rule', () => {
    const path = join(dir, 'topology.yaml');
    const yaml = readFileSync(defaultTopologyPath(), 'utf8').replace('ackDeadline: 30s', 'ackDeadline: 30 seconds');
    expect(yaml).toContain('ackDeadline: 30 seconds');
    writeFileSync(path, yaml);
    const err = catchError(() => readTopologyFile(path));
    expect(err.message).toContain(`${path} is not a valid topology:`);
    expect(err.message).toContain('/topics/order-placed/subscriptions/fraud-scorer/ackDeadline');
    expect(err.message).toMatch(/ackDeadline: Expected string to match '\^\\d\+\(s\|m\|h\|d\)\$'/);
  });

  it('rejects an unknown setting (a typo must not be ignored)', () => {
    const path = join(dir, 'topology.yaml');
    writeFileSync(path, readFileSync(defaultTopologyPath(), 'utf8').replace('ackDeadline: 30s', 'ackDeadLine: 30s'));
    const err = catchError(() => readTopologyFile(path));
    expect(err.message).toContain(`${path} is not a valid topology:`);
    expect(err.message).toContain('/topics/order-placed/subscriptions/fraud-scorer/ackDeadLine');
  });

  it('rejects YAML that does not parse, naming the file and where the syntax breaks', () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'defaults:\n  topic: [\n');
    const err = catchError(() => readTopologyFile(path));
    expect(err.message).toContain(`${path} is not valid YAML:`);
    expect(err.message).toMatch(/line \d+, column \d+/);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error, got none');
}
