/**
 * Writes everything derived from the contracts, and guards their compatibility.
 *
 *   npm run contracts:generate             write generated/, CATALOGUE.md and compat-lock.json
 *   npm run contracts:check                write nothing; fail when any of them is stale or a change is not releasable
 *   npm run contracts:generate -- --retire <topic>
 *                                          drop a topic whose contract was deleted from the lock
 *
 * The lock records the last released snapshot of every topic. Write mode refuses (and writes
 * nothing) when a contract breaks FULL compatibility with it or its version was not bumped
 * enough; see contracts/README.md#compatibility.
 */
import { fileURLToPath } from 'node:url';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  avroSchemaOf, checkRelease, contracts, formatChange, jsonSchemaOf, lockOf, lockedSnapshot, readLock, snapshotOf,
  type AnyEventContract, type CompatLock, type ReleaseCheck,
} from '@commerce/contracts';
import { formatSeconds, planTopology, readTopologyFile, type SubscriptionPlan, type TopologyEnvironment } from '@commerce/topology';
import { renderCatalogue, type SubscriptionUsage, type TopicUsage } from './catalogue.js';

const CONTRACTS_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const REPO_ROOT = resolve(CONTRACTS_DIR, '..');
const LOCK_FILE = 'compat-lock.json';
/** Directories the generator owns entirely: a file in them that it would not write is removed. */
const OWNED_DIRS = ['generated/avro', 'generated/json-schema'] as const;
const ENVIRONMENTS = ['local', 'cloud'] as const satisfies readonly TopologyEnvironment[];
const REGENERATE = 'run `npm run contracts:generate` and commit the result';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
const shown = (file: string): string => relative(REPO_ROOT, join(CONTRACTS_DIR, file));

async function main(): Promise<number> {
  let values: { check?: boolean; retire?: string[] };
  try {
    ({ values } = parseArgs({
      options: { check: { type: 'boolean', default: false }, retire: { type: 'string', multiple: true, default: [] } },
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\nusage: generate.ts [--check] [--retire <topic>]...`);
  }
  const check = values.check === true;
  const retire = new Set(values.retire ?? []);
  const mode = check ? 'contracts:check' : 'contracts:generate';

  const lock = readCurrentLock();
  const { releases, problems } = releaseChecks(lock, retire);
  const files = new Map<string, string>([...generatedFiles(topologyUsage()), [LOCK_FILE, json(lockOf(contracts.map(snapshotOf)))]]);
  const stale = staleFiles(files);

  if (check) {
    if (problems.length > 0) report(`${mode}: the contracts are not releasable against ${shown(LOCK_FILE)}:`, problems);
    if (stale.length > 0) report(`${mode}: ${stale.length} generated file(s) are stale; ${REGENERATE}:`, stale.map((s) => `${shown(s.file)} (${s.why})`));
    if (problems.length > 0 || stale.length > 0) return 1;
    console.log(`${mode}: ${files.size} generated files are current; every contract is compatible with ${shown(LOCK_FILE)}.`);
    return 0;
  }

  if (problems.length > 0) {
    report(`${mode}: nothing written; the contracts are not releasable against ${shown(LOCK_FILE)}:`, problems);
    return 1;
  }
  for (const s of stale) {
    const path = join(CONTRACTS_DIR, s.file);
    if (s.content === undefined) {
      rmSync(path);
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, s.content);
    }
  }
  for (const r of releases) {
    if (r.released === undefined) console.log(`${mode}: ${r.topic} recorded at ${r.current} (first release)`);
    else if (r.released !== r.current) {
      console.log(`${mode}: ${r.topic} released ${r.released} -> ${r.current}`);
      for (const c of r.changes) console.log(`  ${formatChange(c)}`);
    }
  }
  for (const topic of retire) console.log(`${mode}: ${topic} retired from ${shown(LOCK_FILE)}`);
  if (stale.length === 0) console.log(`${mode}: every generated file was current.`);
  else report(`${mode}: updated ${stale.length} file(s):`, stale.map((s) => `${shown(s.file)}${s.content === undefined ? ' (removed)' : ''}`), console.log);
  return 0;
}

/** A mistake in the command line: the message is the whole story, no stack needed. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

function report(title: string, lines: readonly string[], log: (line: string) => void = console.error): void {
  log(title);
  for (const line of lines) log(`  - ${line}`);
}

function readCurrentLock(): CompatLock {
  const path = join(CONTRACTS_DIR, LOCK_FILE);
  if (!existsSync(path)) return { topics: {} };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${shown(LOCK_FILE)} is not JSON (${(err as Error).message}); restore it from git`, { cause: err });
  }
  return readLock(data, shown(LOCK_FILE));
}

/** Every contract against its released snapshot, and topics released but gone. */
function releaseChecks(lock: CompatLock, retire: ReadonlySet<string>): { releases: ReleaseCheck[]; problems: string[] } {
  const releases = contracts.map((c) => checkRelease(lockedSnapshot(lock, c.topic), snapshotOf(c)));
  const problems = releases.flatMap((r) => r.problems);
  const live = new Set(contracts.map((c) => c.topic));
  for (const topic of retire) {
    if (live.has(topic)) problems.push(`${topic}: cannot retire a topic that still has a contract`);
    else if (lock.topics[topic] === undefined) problems.push(`${topic}: cannot retire a topic the lock does not list`);
  }
  for (const topic of Object.keys(lock.topics)) {
    if (!live.has(topic) && !retire.has(topic)) {
      problems.push(
        `${topic}: released, but its contract is gone; once no service publishes or subscribes to it any more, ` +
          `retire it with \`npm run contracts:generate -- --retire ${topic}\``,
      );
    }
  }
  return { releases, problems };
}

/** What infra/topology.yaml says about each topic, merging the environments. */
function topologyUsage(): Map<string, TopicUsage> {
  const file = readTopologyFile();
  const plans = ENVIRONMENTS.map((environment) => planTopology(file, environment));
  const usage = new Map<string, TopicUsage>();
  for (const [topic, t] of Object.entries(file.topics)) {
    const found = new Map<string, { plan: SubscriptionPlan; environments: string[] }>();
    for (const plan of plans) {
      for (const s of plan.subscriptions) {
        if (s.topic !== topic) continue;
        const entry = found.get(s.name) ?? { plan: s, environments: [] };
        entry.environments.push(plan.environment);
        found.set(s.name, entry);
      }
    }
    const subscriptions: SubscriptionUsage[] = [...found.values()].map(({ plan: s, environments }) => ({
      name: s.name,
      consumer: s.consumer,
      ordering: s.ordering,
      filter: s.filter,
      ackDeadline: formatSeconds(s.ackDeadlineSeconds),
      maxDeliveryAttempts: s.deadLetter?.maxDeliveryAttempts ?? 0,
      deadLetterTopic: s.deadLetter?.topic ?? '-',
      onlyIn: environments.length === ENVIRONMENTS.length ? [] : environments,
    }));
    usage.set(topic, { publishers: t.publishers, subscriptions });
  }
  return usage;
}

function generatedFiles(usage: ReadonlyMap<string, TopicUsage>): Map<string, string> {
  const files = new Map<string, string>();
  files.set('generated/README.md', generatedReadme(contracts));
  for (const c of contracts) {
    files.set(`generated/avro/${c.topic}.avsc`, json(avroSchemaOf(c)));
    files.set(`generated/json-schema/${c.topic}.schema.json`, json(jsonSchemaFile(c)));
  }
  files.set('CATALOGUE.md', renderCatalogue(contracts, usage));
  return files;
}

/** JSON has no comments; draft-07's `$comment` carries the banner. */
function jsonSchemaFile(c: AnyEventContract): object {
  const { $schema, $id, ...rest } = jsonSchemaOf(c);
  const validation = c.strictPublish === false
    ? 'Publishers and subscribers both validate with this schema as it is (unknown properties pass).'
    : 'Subscribers validate with this schema as it is (unknown properties pass); publishers also reject unknown properties.';
  const banner = `Generated by \`npm run contracts:generate\` from the ${c.type} contract in contracts/src/events/; do not edit.`;
  return { $schema, $id, $comment: `${banner} ${validation}`, ...rest };
}

function generatedReadme(all: readonly AnyEventContract[]): string {
  return [
    '<!-- Generated by `npm run contracts:generate` from contracts/src/events/*.ts. Do not edit: change the contract and regenerate. -->',
    '',
    '# Generated from the contracts: do not edit',
    '',
    'Everything in this directory is written by `npm run contracts:generate` from `contracts/src/events/*.ts`; ',
    '`npm run contracts:check` (part of `make test`) fails when any of it is stale. JSON cannot carry a comment, ',
    'so this file is the banner for the `.avsc` files (the JSON Schemas also say it in `$comment`).',
    '',
    '- `avro/<topic>.avsc`: the Avro schema registered on the topic (`avroSchemaOf`). It declares only the required ',
    '  fields whose objects are closed, because the broker decodes JSON-encoded Avro where a field cannot be absent; ',
    '  everything else is checked by the event kit. See the comment in `contracts/src/avro.ts`.',
    '- `json-schema/<topic>.schema.json`: the full payload schema (draft-07) with `$id`, `title` (the event type) ',
    '  and `version` (the contract version), for tools outside this repository.',
    '',
    'The human-readable catalogue is [`../CATALOGUE.md`](../CATALOGUE.md).',
    '',
    '| Topic | Type | Version | Avro | JSON Schema |',
    '| --- | --- | --- | --- | --- |',
    ...all.map((c) => `| \`${c.topic}\` | ${c.type} | ${c.version} | [avro](avro/${c.topic}.avsc) | [json-schema](json-schema/${c.topic}.schema.json) |`),
    '',
  ].join('\n');
}

interface Stale {
  readonly file: string;
  readonly why: 'missing' | 'out of date' | 'not generated by the contracts';
  /** What the file must contain; undefined when it must go. */
  readonly content?: string;
}

function staleFiles(files: ReadonlyMap<string, string>): Stale[] {
  const stale: Stale[] = [];
  for (const [file, content] of files) {
    const path = join(CONTRACTS_DIR, file);
    if (!existsSync(path)) stale.push({ file, why: 'missing', content });
    else if (readFileSync(path, 'utf8') !== content) stale.push({ file, why: 'out of date', content });
  }
  for (const dir of OWNED_DIRS) {
    const path = join(CONTRACTS_DIR, dir);
    if (!existsSync(path)) continue;
    for (const name of readdirSync(path)) {
      const file = `${dir}/${name}`;
      if (!files.has(file)) stale.push({ file, why: 'not generated by the contracts' });
    }
  }
  return stale;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const detail = err instanceof UsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    console.error(`contracts generator failed: ${detail}`);
    process.exit(1);
  },
);
