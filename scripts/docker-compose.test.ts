import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { Kind, type TObject } from '@sinclair/typebox';
import { parse } from 'yaml';
import { loadTopology } from '@commerce/topology';
import { CONSUMER_ACCOUNT } from './infra/pubsub-tf.js';

/**
 * docker-compose.yml cannot run on machines without a Docker engine, so this checks what a
 * broken compose file would get wrong: a missing service, a required setting not set (or a
 * misspelt one), two services on one host port, a service built from another's Dockerfile,
 * services starting before the topology is provisioned, a writable root file system.
 */
interface ComposeService {
  build?: string | { context: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  tmpfs?: string[];
  image?: string;
}
const root = new URL('../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const services = compose.services;
const serviceDirs = readdirSync(new URL('services/', root)).filter((d) => existsSync(new URL(`services/${d}/package.json`, root))).sort();
/** A service still being written (no src/server.ts yet) is in compose, but its settings are checked once it has them. */
const runnable = (name: string): boolean => existsSync(new URL(`services/${name}/src/server.ts`, root));

/** Variables that libraries read themselves, not the service's config. */
const LIBRARY_SETTINGS = ['STORAGE_EMULATOR_HOST'];

/** Settings a service cannot start without: required in its schema and with no default. */
function requiredSettings(schema: TObject): string[] {
  return Object.entries(schema.properties)
    .filter(([key, s]) => schema.required?.includes(key) && (s as { default?: unknown }).default === undefined && (s as { [Kind]?: string })[Kind] !== undefined)
    .map(([key]) => key);
}

const configs = new Map<string, TObject>();
beforeAll(async () => {
  for (const name of serviceDirs) {
    if (!existsSync(new URL(`services/${name}/src/config.ts`, root))) continue;
    const mod = (await import(`../services/${name}/src/config.js`)) as Record<string, unknown>;
    const schema = Object.values(mod).find((v): v is TObject => typeof v === 'object' && v !== null && (v as TObject).type === 'object' && 'properties' in v);
    if (schema !== undefined) configs.set(name, schema);
  }
});

describe('docker-compose.yml', () => {
  it('runs the emulators, the provisioner, fake-gcs-server and every service in services/', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['pubsub', 'bigtable', 'provision', 'fake-gcs', 'fake-gcs-init', 'train-fraud', ...serviceDirs]));
  });

  it('has a service for every consumer the local topology subscribes with', () => {
    const consumers = new Set(loadTopology('local').subscriptions.map((s) => CONSUMER_ACCOUNT[s.consumer]).filter((a): a is NonNullable<typeof a> => a !== undefined && serviceDirs.includes(a)));
    for (const c of consumers) expect(services).toHaveProperty(c);
  });

  describe.each(serviceDirs)('%s', (name) => {
    const s = (): ComposeService => services[name]!;

    it('is built from its own Dockerfile and runs its image\'s entry point', () => {
      expect(s().build).toEqual({ context: '.', dockerfile: `services/${name}/Dockerfile` });
      expect(existsSync(new URL(`services/${name}/Dockerfile`, root))).toBe(true);
      expect(s().command).toBeUndefined(); // the image's CMD: node services/<name>/dist/server.js
    });

    (runnable(name) ? it : it.skip)('sets every setting its config requires, and only settings it knows', () => {
      const schema = configs.get(name);
      expect(schema).toBeDefined(); // every service has src/config.ts
      const env = s().environment ?? {};
      expect(requiredSettings(schema!)).toContain('GOOGLE_CLOUD_PROJECT');
      for (const key of requiredSettings(schema!)) expect([key, env[key]]).toEqual([key, expect.any(String)]);
      for (const key of Object.keys(env)) expect([key, key in schema!.properties || LIBRARY_SETTINGS.includes(key)]).toEqual([key, true]);
      expect(env['PUBSUB_EMULATOR_HOST']).toBe('pubsub:8085');
    });

    it('starts after the topology is provisioned, on a read-only root with a tmpfs /tmp', () => {
      expect(s().depends_on?.['provision']?.condition).toBe('service_completed_successfully');
      expect(s().read_only).toBe(true);
      expect(s().tmpfs).toContain('/tmp');
      expect(s().ports).toEqual([expect.stringMatching(/^\d+:8080$/)]);
    });

    it('writes only to the shared blob volume or to fake-gcs-server, and waits for the bucket', () => {
      const env = s().environment ?? {};
      const stores = Object.entries(env).filter(([k]) => k.endsWith('BLOB_STORE_URL') || k === 'PRODUCT_IMAGES_URL').map(([, v]) => v);
      for (const url of stores) {
        if (url.startsWith('gs://')) {
          expect(env['STORAGE_EMULATOR_HOST']).toBe('http://fake-gcs:4443');
          expect(s().depends_on?.['fake-gcs-init']?.condition).toBe('service_completed_successfully');
        } else {
          expect(url).toBe('/data/blobs');
          expect(s().volumes).toContain('blobs:/data/blobs');
        }
      }
    });
  });

  it('offers the scorer the Bigtable emulator (GRAPH_STORE=bigtable) and a trained model', () => {
    const env = services['fraud-scorer']!.environment ?? {};
    expect(env['GRAPH_STORE']).toBe('${GRAPH_STORE:-memory}');
    expect(env['BIGTABLE_EMULATOR_HOST']).toBe('bigtable:8086');
    expect(services['fraud-scorer']!.depends_on?.['bigtable']?.condition).toBe('service_healthy');
    expect(services['fraud-scorer']!.depends_on?.['train-fraud']?.condition).toBe('service_completed_successfully');
    expect(services['train-fraud']!.build).toEqual({ context: '.', dockerfile: 'services/fraud-scorer/Dockerfile' });
    expect(String(services['train-fraud']!.command)).toContain('services/fraud-scorer/dist/training/cli.js');
  });

  it('provisions the topology from the same file, with the workspace image, once the emulator is healthy', () => {
    expect(services['provision']!.command).toEqual(expect.arrayContaining(['packages/topology/dist/cli.js', '--emulator-host', 'pubsub:8085']));
    expect(services['provision']!.build).toBe('.');
    expect(services['provision']!.depends_on?.['pubsub']?.condition).toBe('service_healthy');
    const ignored = readFileSync(new URL('.dockerignore', root), 'utf8');
    expect(ignored).not.toMatch(/^infra\/?$|topology\.yaml/m);
  });

  it('creates the images bucket the services use before they start', () => {
    const init = services['fake-gcs-init']!;
    expect(String(init.command)).toContain('"name":"product-images"');
    expect(services['creative-studio']!.environment?.['PRODUCT_IMAGES_BUCKET']).toBe('product-images');
  });

  it('publishes no host port twice', () => {
    const hostPorts = Object.values(services).flatMap((s) => (s.ports ?? []).map((p) => p.split(':')[0]));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
  });

  it('requires the console token from the environment instead of shipping one', () => {
    expect(services['ops-console']!.environment?.['OPS_CONSOLE_TOKEN']).toMatch(/^\$\{OPS_CONSOLE_TOKEN:\?/);
  });
});
