import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { parse } from '@cdktf/hcl2json';
import type { TObject } from '@sinclair/typebox';
import { avroSchemaOf } from '@commerce/contracts';
import { loadTopology, type TopologyPlan } from '@commerce/topology';
import { BIGTABLE_STORE_DEFAULTS } from '../../services/fraud-scorer/src/domain/graph-store/bigtable-store.js';
import { CONSUMER_ACCOUNT, PUBLISHER_ACCOUNT, SERVICE_ACCOUNTS, OPERATOR_ACCOUNT, renderPubsubTfText, schemaFile, tfName } from './pubsub-tf.js';

/**
 * There is no terraform binary here, so this is the plan's stand-in: every .tf file must parse
 * (@cdktf/hcl2json, HashiCorp's own HCL parser compiled to wasm), every reference must name
 * something that exists, the Pub/Sub part must be exactly what the topology gives, and every
 * service account must hold only the roles its service needs.
 */
const root = new URL('../../', import.meta.url);
const text = (path: string): string => readFileSync(new URL(path, root), 'utf8');

type Block = Record<string, unknown>;
/** hcl2json's shape: blocks are arrays of bodies (`resource.<type>.<name>[0]`). */
interface Module {
  files: string[];
  resource: Record<string, Record<string, Block>>;
  data: Record<string, Record<string, Block>>;
  module: Record<string, Block>;
  locals: Block;
  variable: Record<string, Block>;
  output: Record<string, Block>;
  /** Every file's JSON, for searches across the module. */
  raw: string;
}

const first = (v: unknown): Block => (Array.isArray(v) ? (v[0] as Block) : (v as Block));

async function loadModule(dir: string): Promise<Module> {
  const m: Module = { files: [], resource: {}, data: {}, module: {}, locals: {}, variable: {}, output: {}, raw: '' };
  const files = readdirSync(new URL(dir, root)).filter((f) => f.endsWith('.tf') || f.endsWith('.tf.json')).sort();
  for (const f of files) {
    const body = text(`${dir}/${f}`);
    const json = (f.endsWith('.tf.json') ? JSON.parse(body) : await parse(f, body)) as Record<string, unknown>;
    m.files.push(f);
    m.raw += JSON.stringify(json);
    for (const [type, byName] of Object.entries((json['resource'] ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const [name, b] of Object.entries(byName)) (m.resource[type] ??= {})[name] = first(b);
    }
    for (const [type, byName] of Object.entries((json['data'] ?? {}) as Record<string, Record<string, unknown>>)) {
      for (const [name, b] of Object.entries(byName)) (m.data[type] ??= {})[name] = first(b);
    }
    for (const [name, b] of Object.entries((json['module'] ?? {}) as Record<string, unknown>)) m.module[name] = first(b);
    for (const l of [json['locals'] ?? []].flat() as Block[]) Object.assign(m.locals, l);
    for (const [name, b] of Object.entries((json['variable'] ?? {}) as Record<string, unknown>)) m.variable[name] = first(b);
    for (const [name, b] of Object.entries((json['output'] ?? {}) as Record<string, unknown>)) m.output[name] = first(b);
  }
  return m;
}

/** Every `${...}` reference of a kind in a JSON text: resources, data, modules, locals, variables. */
function references(raw: string): { resources: Set<string>; data: Set<string>; modules: Set<string>; locals: Set<string>; vars: Set<string> } {
  const out = { resources: new Set<string>(), data: new Set<string>(), modules: new Set<string>(), locals: new Set<string>(), vars: new Set<string>() };
  for (const m of raw.matchAll(/(?<![\w.])(data\.)?((?:google|terraform)_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g)) {
    (m[1] ? out.data : out.resources).add(`${m[2]}.${m[3]}`);
  }
  for (const m of raw.matchAll(/(?<![\w.])module\.([A-Za-z_][\w-]*)/g)) out.modules.add(m[1]!);
  for (const m of raw.matchAll(/(?<![\w.])local\.([A-Za-z_][\w-]*)/g)) out.locals.add(m[1]!);
  for (const m of raw.matchAll(/(?<![\w.])var\.([A-Za-z_][\w-]*)/g)) out.vars.add(m[1]!);
  return out;
}

/** Keys of an HCL object literal inside an expression string (`merge(x, { A = ..., B = ... })`). */
const assignedKeys = (expr: string): string[] => [...expr.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*=/gm)].map((m) => m[1]!);

const services = readdirSync(new URL('services/', root)).filter((d) => existsSync(new URL(`services/${d}/package.json`, root))).sort();
const moduleKey = (service: string): string => service.replace(/-/g, '_');
/** A service still being written (no src/server.ts yet) gets its settings checked once it has them. */
const runnable = (name: string): boolean => existsSync(new URL(`services/${name}/src/server.ts`, root));

let infra: Module;
let worker: Module;
let plan: TopologyPlan;
let generated: { resource: Record<string, Record<string, Block>>; locals: Block };

beforeAll(async () => {
  infra = await loadModule('infra');
  worker = await loadModule('infra/modules/cloud-run-worker');
  plan = loadTopology('cloud');
  generated = JSON.parse(text('infra/pubsub.tf.json')) as typeof generated;
});

describe('Terraform syntax and references', () => {
  it('parses every file of the root module and of the Cloud Run module', () => {
    expect(infra.files).toEqual(expect.arrayContaining(['versions.tf', 'variables.tf', 'project.tf', 'iam.tf', 'storage.tf', 'bigtable.tf', 'run.tf', 'outputs.tf', 'pubsub.tf.json']));
    expect(worker.files).toEqual(expect.arrayContaining(['main.tf', 'variables.tf', 'outputs.tf']));
  });

  it.each([
    ['infra', () => infra],
    ['infra/modules/cloud-run-worker', () => worker],
  ] as const)('%s: every resource, data source, module, local and variable referenced exists', (_dir, get) => {
    const m = get();
    const refs = references(m.raw);
    const missing = [
      ...[...refs.resources].filter((r) => { const [t, n] = r.split('.'); return m.resource[t!]?.[n!] === undefined; }),
      ...[...refs.data].filter((r) => { const [t, n] = r.split('.'); return m.data[t!]?.[n!] === undefined; }).map((r) => `data.${r}`),
      ...[...refs.modules].filter((n) => m.module[n] === undefined).map((n) => `module.${n}`),
      ...[...refs.locals].filter((n) => !(n in m.locals)).map((n) => `local.${n}`),
      ...[...refs.vars].filter((n) => m.variable[n] === undefined).map((n) => `var.${n}`),
    ];
    expect(missing).toEqual([]);
  });

  it('module calls pass only variables the module declares, and every required one', () => {
    const declared = Object.keys(worker.variable);
    const required = declared.filter((v) => !('default' in worker.variable[v]!));
    const meta = ['source', 'depends_on', 'count', 'for_each', 'providers'];
    for (const [name, call] of Object.entries(infra.module)) {
      expect([name, Object.keys(call).filter((k) => !meta.includes(k) && !declared.includes(k))]).toEqual([name, []]);
      expect([name, required.filter((v) => !(v in call))]).toEqual([name, []]);
    }
  });

  it('terraform.tfvars.example sets every variable that has no default', async () => {
    const example = (await parse('terraform.tfvars.example', text('infra/terraform.tfvars.example'))) as Record<string, unknown>;
    const required = Object.entries(infra.variable).filter(([, v]) => !('default' in v)).map(([k]) => k);
    expect(required).toEqual(expect.arrayContaining(['project_id', 'image_tag']));
    for (const v of required) expect(example).toHaveProperty(v);
    for (const k of Object.keys(example)) expect(infra.variable).toHaveProperty(k);
  });
});

describe('Pub/Sub in Terraform = infra/topology.yaml', () => {
  it('infra/pubsub.tf.json is exactly what the topology generates (else: make infra-generate)', () => {
    expect(text('infra/pubsub.tf.json')).toBe(renderPubsubTfText(plan));
  });

  it('has every topic and subscription of the topology, and no other in any .tf file', () => {
    const names = (type: string): string[] => Object.values(infra.resource[type] ?? {}).map((b) => b['name'] as string).sort();
    expect(names('google_pubsub_topic')).toEqual(plan.topics.map((t) => t.name).sort());
    expect(names('google_pubsub_subscription')).toEqual(plan.subscriptions.map((s) => s.name).sort());
  });

  it('gives each topic its retention and the contract schema registered on it (Avro, JSON encoding)', () => {
    for (const t of plan.topics) {
      const r = infra.resource['google_pubsub_topic']![tfName(t.name)]!;
      expect([t.name, r['message_retention_duration']]).toEqual([t.name, `${t.messageRetentionSeconds}s`]);
      if (t.contract === undefined) {
        expect(r['schema_settings']).toBeUndefined();
        continue;
      }
      expect(r['schema_settings']).toEqual({ schema: `\${google_pubsub_schema.${tfName(t.name)}.id}`, encoding: 'JSON' });
      const schema = infra.resource['google_pubsub_schema']![tfName(t.name)]!;
      expect(schema['type']).toBe('AVRO');
      expect(schema['definition']).toContain(schemaFile(t.name));
      // The file Terraform uploads is the schema the provisioner registers on the emulator.
      expect(JSON.parse(text(schemaFile(t.name)))).toEqual(avroSchemaOf(t.contract));
    }
  });

  it('gives each subscription the topology\'s ack deadline, retention, ordering, filter, retry and dead-letter policy', () => {
    for (const s of plan.subscriptions) {
      const r = infra.resource['google_pubsub_subscription']![tfName(s.name)]!;
      const got = {
        topic: r['topic'],
        ack: r['ack_deadline_seconds'],
        retention: r['message_retention_duration'],
        retainAcked: r['retain_acked_messages'],
        ordering: r['enable_message_ordering'],
        filter: r['filter'] ?? '',
        deadLetter: r['dead_letter_policy'] ?? null,
        retry: r['retry_policy'] ?? null,
        expires: r['expiration_policy'],
      };
      expect([s.name, got]).toEqual([
        s.name,
        {
          topic: `\${google_pubsub_topic.${tfName(s.topic)}.id}`,
          ack: s.ackDeadlineSeconds,
          retention: `${s.messageRetentionSeconds}s`,
          retainAcked: s.retainAckedMessages,
          ordering: s.ordering,
          filter: s.filter,
          deadLetter: s.deadLetter ? { dead_letter_topic: `\${google_pubsub_topic.${tfName(s.deadLetter.topic)}.id}`, max_delivery_attempts: s.deadLetter.maxDeliveryAttempts } : null,
          retry: s.retryPolicy ? { minimum_backoff: `${s.retryPolicy.minimumBackoffSeconds}s`, maximum_backoff: `${s.retryPolicy.maximumBackoffSeconds}s` } : null,
          expires: { ttl: '' },
        },
      ]);
    }
  });

  it('lets the Pub/Sub service agent dead-letter: publisher on every DLQ topic, subscriber on every source subscription', () => {
    const topicIam = Object.values(infra.resource['google_pubsub_topic_iam_member']!);
    const subIam = Object.values(infra.resource['google_pubsub_subscription_iam_member']!);
    for (const s of plan.subscriptions.filter((x) => x.deadLetter !== undefined)) {
      expect(topicIam).toContainEqual({ topic: `\${google_pubsub_topic.${tfName(s.deadLetter!.topic)}.name}`, role: 'roles/pubsub.publisher', member: '${local.pubsub_service_agent_member}' });
      expect(subIam).toContainEqual({ subscription: `\${google_pubsub_subscription.${tfName(s.name)}.name}`, role: 'roles/pubsub.subscriber', member: '${local.pubsub_service_agent_member}' });
    }
  });

  it('uses streaming pull only: no push subscription (one would need an OIDC token)', () => {
    for (const [name, s] of Object.entries(infra.resource['google_pubsub_subscription']!)) {
      if (s['push_config'] === undefined) continue;
      expect([name, first(s['push_config'])['oidc_token']]).toEqual([name, expect.anything()]);
    }
    expect(infra.raw).not.toContain('push_config');
  });
});

describe('least privilege', () => {
  const FORBIDDEN = /roles\/(owner|editor|viewer|iam\.[A-Za-z]+|resourcemanager\.[A-Za-z]+|pubsub\.(admin|editor)|storage\.(admin|objectAdmin)|bigtable\.admin|secretmanager\.admin|run\.admin|artifactregistry\.admin)"/;
  const saOf = (member: string): string | undefined => /google_service_account\.service\["([\w-]+)"\]/.exec(member)?.[1];

  it('grants no owner, editor, admin or IAM role anywhere, and no project-wide binding or policy', () => {
    expect(infra.raw).not.toMatch(FORBIDDEN);
    expect(worker.raw).not.toMatch(FORBIDDEN);
    for (const t of ['google_project_iam_binding', 'google_project_iam_policy', 'google_pubsub_topic_iam_policy', 'google_storage_bucket_iam_policy']) expect(infra.resource[t]).toBeUndefined();
  });

  it('has one service account per service (and the trainer job), the same list the generator maps to', () => {
    expect(infra.locals['service_accounts']).toEqual([...SERVICE_ACCOUNTS]);
    for (const s of services) expect(SERVICE_ACCOUNTS).toContain(s);
  });

  it('grants project-level roles only where no narrower resource exists; Vertex AI only to the image enhancer and the creative studio', () => {
    const projectRoles = infra.locals['project_roles'] as Record<string, string[]>;
    expect(projectRoles).toEqual({
      'fraud-scorer': ['roles/monitoring.metricWriter'],
      'image-enhancer': ['roles/aiplatform.user'],
      'creative-studio': ['roles/aiplatform.user'],
      'ops-console': ['roles/pubsub.viewer'],
    });
    const pm = infra.resource['google_project_iam_member']!;
    expect(Object.keys(pm)).toEqual(['service']);
    expect(pm['service']!['for_each']).toContain('local.project_roles');
  });

  it('lets each account publish to exactly the topics the topology says it publishes (plus its own dead-letter topics)', () => {
    const topicIam = Object.entries(generated.resource['google_pubsub_topic_iam_member']!);
    for (const account of SERVICE_ACCOUNTS) {
      const names = new Set([...Object.entries(PUBLISHER_ACCOUNT), ...Object.entries(CONSUMER_ACCOUNT)].filter(([, a]) => a === account).map(([n]) => n));
      const expected = plan.topics
        .filter((t) => t.publishers.some((p) => names.has(p)) || (account === OPERATOR_ACCOUNT && t.contract !== undefined))
        .map((t) => t.name)
        .sort();
      const granted = topicIam
        .filter(([, b]) => saOf(b['member'] as string) === account && b['role'] === 'roles/pubsub.publisher')
        .map(([, b]) => /google_pubsub_topic\.(\w+)\.name/.exec(b['topic'] as string)![1]!)
        .map((key) => plan.topics.find((t) => tfName(t.name) === key)!.name)
        .sort();
      expect([account, granted]).toEqual([account, expected]);
    }
    // The scorer in particular: its scores and alerts, its dead letters, nothing it consumes.
    const scorer = topicIam.filter(([, b]) => saOf(b['member'] as string) === 'fraud-scorer').map(([, b]) => b['topic'] as string);
    expect(scorer).not.toContain('${google_pubsub_topic.order_placed.name}');
    expect(scorer).toContain('${google_pubsub_topic.order_scored.name}');
  });

  it('lets each account pull only its own subscriptions', () => {
    const subIam = Object.values(generated.resource['google_pubsub_subscription_iam_member']!);
    for (const account of SERVICE_ACCOUNTS) {
      const expected = plan.subscriptions.filter((s) => CONSUMER_ACCOUNT[s.consumer] === account).map((s) => s.name).sort();
      const granted = subIam
        .filter((b) => saOf(b['member'] as string) === account && b['role'] === 'roles/pubsub.subscriber')
        .map((b) => /google_pubsub_subscription\.(\w+)\.name/.exec(b['subscription'] as string)![1]!)
        .map((key) => plan.subscriptions.find((s) => tfName(s.name) === key)!.name)
        .sort();
      expect([account, granted]).toEqual([account, expected]);
      for (const b of subIam.filter((x) => saOf(x['member'] as string) === account)) expect(['roles/pubsub.subscriber', 'roles/pubsub.viewer']).toContain(b['role']);
    }
  });

  it('gives object access per bucket and prefix, with a condition wherever a prefix is named; writers always have one', () => {
    const grants = infra.locals['object_grants'] as Record<string, { account: string; bucket: string; role: string; prefix: string }>;
    for (const [name, g] of Object.entries(grants)) {
      expect([name, ['roles/storage.objectViewer', 'roles/storage.objectUser', 'roles/storage.objectCreator'].includes(g.role)]).toEqual([name, true]);
      expect([name, (infra.locals['service_accounts'] as string[]).includes(g.account)]).toEqual([name, true]);
      if (g.role !== 'roles/storage.objectViewer') expect([name, g.prefix]).toEqual([name, expect.stringMatching(/\S\/$|^\$\{var\./)]);
    }
    const writes = (account: string): string[] => Object.values(grants).filter((g) => g.account === account && g.role !== 'roles/storage.objectViewer').map((g) => `${g.bucket}:${g.prefix}`).sort();
    expect(writes('fraud-scorer')).toEqual(['ml:labels/']);
    expect(writes('fraud-trainer')).toEqual(['ml:models/']);
    expect(writes('event-archiver')).toEqual(['archive:archive/']);
    expect(writes('image-enhancer')).toEqual(['media:enhanced/']);
    // Audit records are only ever added: the console cannot rewrite or delete them.
    expect(Object.values(grants).filter((g) => g.prefix === 'audit/' && g.role !== 'roles/storage.objectViewer').map((g) => g.role)).toEqual(['roles/storage.objectCreator']);
    const iam = infra.resource['google_storage_bucket_iam_member']!['object_access']!;
    expect(JSON.stringify(iam['dynamic'])).toContain('objectListPrefix');
    expect(iam['for_each']).toBe('${local.object_grants}');
  });

  it('keeps buckets private and IAM-only', () => {
    for (const [name, b] of Object.entries(infra.resource['google_storage_bucket']!)) {
      expect([name, b['uniform_bucket_level_access'], b['public_access_prevention']]).toEqual([name, true, 'enforced']);
    }
    expect(infra.raw).not.toMatch(/allUsers|allAuthenticatedUsers/);
  });

  it('reads the ops console token from Secret Manager, readable by the console alone; no secret in plain env', () => {
    const console_ = infra.module['ops_console']!;
    expect(console_['secret_env']).toMatchObject({ OPS_CONSOLE_TOKEN: { secret: '${google_secret_manager_secret.ops_console_token.secret_id}', version: 'latest' } });
    expect(infra.resource['google_secret_manager_secret_iam_member']!['ops_console_token']!['member']).toContain('service["ops-console"]');
    expect(infra.resource['google_secret_manager_secret_version']).toBeUndefined(); // never a value in the state
    for (const [name, call] of Object.entries(infra.module)) expect([name, assignedKeys(String(call['env'])).filter((k) => /TOKEN|SECRET|PASSWORD|KEY$/.test(k))]).toEqual([name, []]);
  });
});

describe('Cloud Run', () => {
  const configs = new Map<string, TObject>();
  beforeAll(async () => {
    for (const s of services) {
      if (!existsSync(new URL(`services/${s}/src/config.ts`, root))) continue;
      const mod = (await import(`../../services/${s}/src/config.js`)) as Record<string, unknown>;
      const schema = Object.values(mod).find((v): v is TObject => typeof v === 'object' && v !== null && (v as TObject).type === 'object' && 'properties' in v);
      if (schema) configs.set(s, schema);
    }
  });

  it.each(services)('runs %s from its own image, as its own service account, with every setting its config requires', (s) => {
    const call = infra.module[moduleKey(s)];
    expect(call).toBeDefined();
    expect(call!['source']).toBe('./modules/cloud-run-worker');
    expect(call!['name']).toBe(s);
    expect(String(call!['image'])).toContain(`local.image["${s}"]`);
    expect(call!['service_account_email']).toBe(`\${google_service_account.service["${s}"].email}`);
    expect(call!['min_instances']).toBe(`\${var.services["${s}"].min_instances}`);
    const schema = configs.get(s);
    if (!runnable(s)) return;
    expect(schema).toBeDefined();
    const set = new Set([...assignedKeys(String(call!['env'])), ...assignedKeys(String(infra.locals['common_env'] ? JSON.stringify(infra.locals['common_env']) : '')), ...Object.keys((call!['secret_env'] as Block | undefined) ?? {})]);
    for (const k of Object.keys(infra.locals['common_env'] as Block)) set.add(k);
    const required = Object.entries(schema!.properties).filter(([k, p]) => schema!.required?.includes(k) && (p as { default?: unknown }).default === undefined).map(([k]) => k);
    for (const k of required) expect([s, k, set.has(k)]).toEqual([s, k, true]);
    // A misspelt setting would be silently ignored by the service: every one must exist in its config.
    for (const k of set) expect([s, k, k in schema!.properties]).toEqual([s, k, true]);
    expect(set.has('PORT')).toBe(false); // Cloud Run sets it
  });

  it('sizes every service with at least one instance (streaming pull) and validates it', () => {
    const defaults = first(infra.variable['services']!['default']) as Record<string, { min_instances: number; max_instances: number }>;
    for (const s of services) expect([s, defaults[s]?.min_instances]).toEqual([s, expect.any(Number)]);
    for (const [s, d] of Object.entries(defaults)) expect([s, d.min_instances >= 1, d.max_instances >= d.min_instances]).toEqual([s, true, true]);
    expect(JSON.stringify(infra.variable['services']!['validation'])).toContain('min_instances >= 1');
    expect(JSON.stringify(worker.variable['min_instances']!['validation'])).toContain('var.min_instances >= 1');
  });

  it('keeps CPU allocated, probes /readyz at start and /healthz while alive, and bounds /tmp', () => {
    const svc = worker.resource['google_cloud_run_v2_service']!['this']!;
    const template = first(svc['template']);
    expect(first(template['scaling'])).toEqual({ min_instance_count: '${var.min_instances}', max_instance_count: '${var.max_instances}' });
    expect(template['service_account']).toBe('${var.service_account_email}');
    const container = first(template['containers']);
    expect(first(container['resources'])['cpu_idle']).toBe(false);
    expect(first(first(container['startup_probe'])['http_get'])['path']).toBe('/readyz');
    expect(first(first(container['liveness_probe'])['http_get'])['path']).toBe('/healthz');
    expect(first(container['volume_mounts'])).toEqual({ name: 'tmp', mount_path: '/tmp' });
    expect(first(first(template['volumes'])['empty_dir'])['medium']).toBe('MEMORY');
  });

  it('stops within the 10 s Cloud Run allows after SIGTERM', () => {
    const env = infra.locals['common_env'] as Record<string, string>;
    expect(Number(env['SHUTDOWN_TIMEOUT_MS'])).toBeLessThan(10_000);
    expect(env['GOOGLE_CLOUD_PROJECT']).toBe('${var.project_id}');
  });

  it('puts the fraud scorer on a GPU when asked, on the shared Bigtable graph', () => {
    const call = infra.module['fraud_scorer']!;
    expect(call['gpu']).toContain('var.fraud_scorer_gpu');
    expect(String(call['image'])).toContain('fraud-scorer-gpu');
    const env = String(call['env']);
    expect(env).toMatch(/GRAPH_STORE\s*=\s*"bigtable"/);
    expect(env).toMatch(/BIGTABLE_CREATE_TABLE\s*=\s*"false"/);
    const main = JSON.stringify(worker.resource['google_cloud_run_v2_service']!['this']);
    expect(main).toContain('node_selector');
    expect(main).toContain('nvidia.com/gpu');
  });

  it('archives the topology\'s archiver subscriptions by name (no project-wide listing)', () => {
    expect(String(infra.module['event_archiver']!['env'])).toContain('local.topology_subscriptions_by_account["event-archiver"]');
  });
});

describe('buckets, notification, Bigtable', () => {
  it('announces new originals on image-uploaded (OBJECT_FINALIZE, JSON_API_V1) once Cloud Storage may publish there', () => {
    const n = infra.resource['google_storage_notification']!['image_uploaded']!;
    expect(n['topic']).toBe('${google_pubsub_topic.image_uploaded.id}');
    expect(n['event_types']).toEqual(['OBJECT_FINALIZE']);
    expect(n['payload_format']).toBe('JSON_API_V1');
    expect(n['object_name_prefix']).toBe('${var.image_upload_prefix}');
    expect(n['depends_on']).toEqual(['${google_pubsub_topic_iam_member.image_uploaded__publisher__cloud_storage_notification}']);
    expect(generated.resource['google_pubsub_topic_iam_member']!['image_uploaded__publisher__cloud_storage_notification']).toEqual({
      topic: '${google_pubsub_topic.image_uploaded.name}',
      role: 'roles/pubsub.publisher',
      member: '${local.gcs_service_agent_member}',
    });
  });

  it('ages the archive into colder classes and deletes it after the retention', () => {
    const rules = infra.resource['google_storage_bucket']!['archive']!['lifecycle_rule'] as Block[];
    const actions = rules.map((r) => `${first(r['action'])['type']}:${first(r['action'])['storage_class'] ?? ''}`);
    expect(actions).toEqual(expect.arrayContaining(['SetStorageClass:NEARLINE', 'SetStorageClass:COLDLINE', 'SetStorageClass:ARCHIVE', 'Delete:']));
  });

  it('creates the graph table with the store\'s column family and GC rule', () => {
    const table = infra.resource['google_bigtable_table']!['fraud_graph']!;
    expect(table['name']).toBe(BIGTABLE_STORE_DEFAULTS.table);
    expect((table['column_family'] as Block[]).map((f) => f['family'])).toEqual([BIGTABLE_STORE_DEFAULTS.family]);
    const gc = infra.resource['google_bigtable_gc_policy']!['fraud_graph_orders']!;
    expect(gc['column_family']).toBe(BIGTABLE_STORE_DEFAULTS.family);
    expect(first(gc['max_age'])['duration']).toBe(`${BIGTABLE_STORE_DEFAULTS.retentionDays * 24}h`);
  });
});
