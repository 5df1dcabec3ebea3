#!/usr/bin/env node
import { connect } from 'node:net';
import { createPubSubClient } from '@commerce/event-kit';
import { Command, Option } from 'commander';
import { loadTopology, type TopologyEnvironment } from './model.js';
import { provision, type Change } from './provision.js';

const SYMBOL: Record<Change['action'], string> = { created: '+', updated: '~', unchanged: '=', drift: '!' };

async function reachable(hostPort: string, timeoutMs: number): Promise<boolean> {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}

async function main(): Promise<void> {
  const program = new Command()
    .name('provision')
    .description('Apply infra/topology.yaml (topics, Avro schemas, subscriptions, dead-letter queues) to the Pub/Sub emulator or a project. Idempotent.')
    .addOption(new Option('--project <id>', 'Google Cloud project id').env('PUBSUB_PROJECT_ID'))
    .addOption(new Option('--emulator-host <host:port>', 'Pub/Sub emulator to provision').env('PUBSUB_EMULATOR_HOST'))
    .addOption(new Option('--env <environment>', 'which environment-scoped subscriptions to include').choices(['local', 'cloud']))
    .option('--file <path>', 'topology file (default: infra/topology.yaml)')
    .option('--dry-run', 'report what would change, change nothing', false)
    .option('--json', 'print the report as JSON lines', false)
    .option('--quiet', 'print only the summary line', false)
    .parse();
  const o = program.opts<{ project?: string; emulatorHost?: string; env?: TopologyEnvironment; file?: string; dryRun: boolean; json: boolean; quiet: boolean }>();

  const emulatorHost = o.emulatorHost;
  const projectId = o.project ?? process.env['GOOGLE_CLOUD_PROJECT'] ?? (emulatorHost ? 'local' : undefined);
  if (!projectId) throw new Error('no project: pass --project <id>, or --emulator-host to provision the local emulator');
  const environment: TopologyEnvironment = o.env ?? (emulatorHost ? 'local' : 'cloud');
  const plan = loadTopology(environment, o.file);

  if (emulatorHost && !(await reachable(emulatorHost, 2000))) {
    throw new Error(`the Pub/Sub emulator is not running at ${emulatorHost}: start it with \`scripts/emulators.sh start pubsub\` (or \`make emulators\`), then run this again`);
  }
  const pubsub = createPubSubClient({ projectId, ...(emulatorHost ? { emulatorHost } : {}) });
  const target = emulatorHost ? `emulator ${emulatorHost}, project ${projectId}` : `project ${projectId}`;
  if (!o.json && !o.quiet) console.log(`${o.dryRun ? 'Dry run: would provision' : 'Provisioning'} ${target} (${environment}) from the topology`);

  const changes = await provision(pubsub, plan, {
    dryRun: o.dryRun,
    onChange: (c) => {
      if (o.json) console.log(JSON.stringify(c));
      else if (!o.quiet && c.action !== 'unchanged') console.log(`  ${SYMBOL[c.action]} ${c.kind.padEnd(12)} ${c.name}${c.details.length ? `  (${c.details.join('; ')})` : ''}`);
    },
  });
  await pubsub.close();

  const count = (a: Change['action']): number => changes.filter((c) => c.action === a).length;
  const summary = { created: count('created'), updated: count('updated'), unchanged: count('unchanged'), drift: count('drift') };
  if (o.json) console.log(JSON.stringify({ summary, target, dryRun: o.dryRun }));
  else console.log(`${o.dryRun ? 'would be ' : ''}created ${summary.created}, updated ${summary.updated}, unchanged ${summary.unchanged}, drift ${summary.drift} (${changes.length} resources, ${target})`);
  if (summary.drift > 0) {
    console.error('Some subscriptions differ in settings Pub/Sub cannot change in place (marked !); see the details above.');
    process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  console.error(`provision failed: ${(err as Error).message ?? String(err)}`);
  process.exit(1);
});
