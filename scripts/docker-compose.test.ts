import { readFileSync } from 'node:fs';
import { Kind, type TObject } from '@sinclair/typebox';
import { parse } from 'yaml';
import { FraudScorerConfig } from '../services/fraud-scorer/src/config.js';
import { ArchiverConfig } from '../services/event-archiver/src/config.js';
import { OpsConsoleConfig } from '../services/ops-console/src/config.js';
import { ImageEnhancerConfig } from '../services/image-enhancer/src/config.js';

/**
 * docker-compose.yml cannot run on machines without a Docker engine, so this checks what a
 * broken compose file would get wrong: a missing service, a required setting not set, two
 * services on one host port, services starting before the topology is provisioned.
 */
interface ComposeService {
  command?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;

/** Settings a service cannot start without: required in its schema and with no default. */
function requiredSettings(schema: TObject): string[] {
  return Object.entries(schema.properties)
    .filter(([key, s]) => schema.required?.includes(key) && (s as { default?: unknown }).default === undefined && (s as { [Kind]?: string })[Kind] !== undefined)
    .map(([key]) => key);
}

describe('docker-compose.yml', () => {
  it('runs the emulators, the provisioner and every service', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['pubsub', 'bigtable', 'provision', 'fraud-scorer', 'event-archiver', 'ops-console', 'image-enhancer', 'fake-gcs']));
  });

  it.each([
    ['fraud-scorer', FraudScorerConfig],
    ['event-archiver', ArchiverConfig],
    ['ops-console', OpsConsoleConfig],
  ] as const)('sets every setting %s requires, and points it at the shared blob volume', (name, schema) => {
    const env = services[name]!.environment ?? {};
    expect(requiredSettings(schema as TObject)).toContain('GOOGLE_CLOUD_PROJECT');
    for (const key of requiredSettings(schema as TObject)) expect(env).toHaveProperty(key);
    expect(env['PUBSUB_EMULATOR_HOST']).toBe('pubsub:8085');
    expect(env['BLOB_STORE_URL']).toBe('/data/blobs');
    expect((services[name] as { volumes?: string[] }).volumes).toContain('blobs:/data/blobs');
  });

  it('gives the image enhancer Cloud Storage through fake-gcs-server, one bucket per notification', () => {
    const env = services['image-enhancer']!.environment ?? {};
    for (const key of requiredSettings(ImageEnhancerConfig as TObject)) expect(env).toHaveProperty(key);
    expect(env['BLOB_STORE_URL']).toBe('gs://{bucket}');
    expect(env['STORAGE_EMULATOR_HOST']).toBe('http://fake-gcs:4443');
    expect(services['image-enhancer']!.depends_on).toHaveProperty('fake-gcs');
    expect(services['fake-gcs']!.ports).toContain('4443:4443');
  });

  it('provisions the topology before any service starts, from the same topology file', () => {
    expect(services['provision']!.command).toEqual(expect.arrayContaining(['packages/topology/dist/cli.js', '--emulator-host', 'pubsub:8085']));
    expect(services['provision']!.depends_on?.['pubsub']?.condition).toBe('service_healthy');
    expect(services['fraud-scorer']!.depends_on?.['provision']?.condition).toBe('service_completed_successfully');
  });

  it('publishes no host port twice', () => {
    const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => p.split(':')[0]));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });
});
