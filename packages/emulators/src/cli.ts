#!/usr/bin/env node
// Developer CLI behind scripts/emulators.sh: long-lived emulators on fixed ports, tracked by pid files,
// so `provision`, the demo and services can share them across terminals.
// Human-readable lines go to stderr and `export ...` lines to stdout, so `eval "$(scripts/emulators.sh start)"` works.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startBigtableEmulator } from './bigtable.js';
import { DEFAULT_PROJECT_ID, DEVELOPER_PORTS } from './defaults.js';
import { EmulatorError } from './errors.js';
import { findGcloudSdk } from './gcloud-sdk.js';
import { canConnect } from './net.js';
import { emulatorStateDir } from './paths.js';
import { stopEmulatorProcess } from './process-emulator.js';
import { commandLineOf, isProcessGroupAlive } from './process-group.js';
import { startPubSubEmulator } from './pubsub.js';
import type { EmulatorKind } from './types.js';

const KINDS: readonly EmulatorKind[] = ['pubsub', 'bigtable'];
const ACTIONS = ['start', 'stop', 'status', 'env'] as const;
type Action = (typeof ACTIONS)[number];

/** LSB init-script convention for "not running", so `status` can gate other scripts. */
const EXIT_NOT_RUNNING = 3;

const USAGE = `usage: scripts/emulators.sh start|stop|status|env [pubsub|bigtable|all]

  start    start the emulators detached (pubsub on \${PUBSUB_PORT:-${DEVELOPER_PORTS.pubsub}}, bigtable on \${BIGTABLE_PORT:-${DEVELOPER_PORTS.bigtable}})
           and print the export lines: eval "$(scripts/emulators.sh start)"
  stop     stop them (the whole process tree) and wait until their ports are closed
  status   report each emulator; exits ${EXIT_NOT_RUNNING} when one is not running
  env      print the export lines of the running emulators

Logs and pid files are in .tmp/emulators/ (EMULATORS_STATE_DIR overrides).`;

interface EmulatorState {
  kind: EmulatorKind;
  pid: number;
  port: number;
  host: string;
  projectId: string;
  logFile: string;
  env: Record<string, string>;
  startedAt: string;
}

const say = (line: string): void => { process.stderr.write(`${line}\n`); };
const exportLines = (env: Record<string, string>): string => Object.entries(env).map(([k, v]) => `export ${k}=${v}\n`).join('');

function statePaths(kind: EmulatorKind): { pidFile: string; stateFile: string } {
  const dir = emulatorStateDir();
  return { pidFile: join(dir, `${kind}.pid`), stateFile: join(dir, `${kind}.json`) };
}

function readState(kind: EmulatorKind): EmulatorState | undefined {
  const { stateFile } = statePaths(kind);
  if (!existsSync(stateFile)) return undefined;
  try {
    return JSON.parse(readFileSync(stateFile, 'utf8')) as EmulatorState;
  } catch {
    return undefined;
  }
}

function removeState(kind: EmulatorKind): void {
  const { pidFile, stateFile } = statePaths(kind);
  rmSync(pidFile, { force: true });
  rmSync(stateFile, { force: true });
}

/** The pid must still lead a live group running this emulator: after a reboot the pid may belong to anything. */
function isOurEmulator(state: EmulatorState): boolean {
  if (!isProcessGroupAlive(state.pid)) return false;
  const commandLine = commandLineOf(state.pid);
  if (commandLine === undefined) return true; // no procfs: trust the live group
  return state.kind === 'pubsub' ? /pubsub/.test(commandLine) : /bigtable|cbtemulator/.test(commandLine);
}

async function start(kind: EmulatorKind): Promise<boolean> {
  const existing = readState(kind);
  if (existing && isOurEmulator(existing)) {
    say(`${kind}: already running on ${existing.host} (pid ${existing.pid}, log ${existing.logFile})`);
    process.stdout.write(exportLines(existing.env));
    return true;
  }
  if (existing) removeState(kind);
  const port = portFor(kind);
  const projectId = process.env['PUBSUB_PROJECT_ID'] || DEFAULT_PROJECT_ID;
  const dir = emulatorStateDir();
  mkdirSync(dir, { recursive: true });
  const options = { port, projectId, logFile: join(dir, `${kind}.log`), outliveParent: true };
  const emulator = kind === 'pubsub' ? await startPubSubEmulator(options) : await startBigtableEmulator(options);
  const state: EmulatorState = {
    kind, pid: emulator.pid, port: emulator.port, host: emulator.host, projectId: emulator.projectId,
    logFile: emulator.logFile, env: { ...emulator.env }, startedAt: new Date().toISOString(),
  };
  const { pidFile, stateFile } = statePaths(kind);
  writeFileSync(pidFile, `${emulator.pid}\n`);
  writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);
  say(`${kind}: started on ${emulator.host} in ${(emulator.startupMs / 1000).toFixed(1)} s (pid ${emulator.pid}, log ${emulator.logFile})`);
  process.stdout.write(exportLines(state.env));
  return true;
}

async function stop(kind: EmulatorKind): Promise<boolean> {
  const state = readState(kind);
  if (!state) {
    say(`${kind}: not running (no pid file in ${emulatorStateDir()})`);
    return true;
  }
  if (!isOurEmulator(state)) {
    removeState(kind);
    say(`${kind}: not running (removed the stale pid file for pid ${state.pid})`);
    return true;
  }
  await stopEmulatorProcess(kind, state.pid, state.port);
  removeState(kind);
  say(`${kind}: stopped (pid ${state.pid}, port ${state.port} closed)`);
  return true;
}

async function status(kind: EmulatorKind, printExports: boolean): Promise<boolean> {
  const state = readState(kind);
  if (state && isOurEmulator(state)) {
    const accepting = await canConnect(state.port);
    if (!printExports) say(`${kind}: running on ${state.host} since ${state.startedAt} (pid ${state.pid}${accepting ? '' : ', NOT accepting connections'}, log ${state.logFile})`);
    process.stdout.write(exportLines(state.env));
    return accepting;
  }
  if (!printExports) {
    const port = portFor(kind);
    const squatter = await canConnect(port) ? `; port ${port} is in use by a process this script did not start` : '';
    say(`${kind}: not running${state ? ' (stale pid file)' : ''}${squatter}`);
  }
  return false;
}

function portFor(kind: EmulatorKind): number {
  const variable = kind === 'pubsub' ? 'PUBSUB_PORT' : 'BIGTABLE_PORT';
  const raw = process.env[variable];
  if (!raw) return DEVELOPER_PORTS[kind];
  const port = Number(raw);
  if (!Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`${variable}=${raw} is not a port number`);
  return port;
}

const NO_GCLOUD = `gcloud is not on PATH, so the emulators cannot run as local processes here. Either:
  - install the Google Cloud SDK (https://cloud.google.com/sdk/docs/install) with the emulators:
    \`gcloud components install pubsub-emulator bigtable\` (or \`apt-get install google-cloud-cli google-cloud-cli-pubsub-emulator google-cloud-cli-bigtable-emulator\`), plus Java 17+ for Pub/Sub;
  - or, with a Docker engine, run them as containers: \`docker compose up pubsub bigtable\`, then
    export PUBSUB_EMULATOR_HOST=localhost:8085 PUBSUB_PROJECT_ID=${DEFAULT_PROJECT_ID} BIGTABLE_EMULATOR_HOST=localhost:8086`;

/** Returns the process exit code; never exits itself, so it can be driven from tests. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [action, target = 'all', ...rest] = argv;
  if (!ACTIONS.includes(action as Action) || rest.length > 0 || !(target === 'all' || KINDS.includes(target as EmulatorKind))) {
    say(USAGE);
    return action === undefined || action === '--help' || action === '-h' ? 0 : 2;
  }
  const kinds = target === 'all' ? KINDS : [target as EmulatorKind];
  if (action === 'start' && !findGcloudSdk()) {
    say(NO_GCLOUD);
    return 1;
  }
  let ok = true;
  for (const kind of kinds) {
    try {
      const result = action === 'start' ? await start(kind)
        : action === 'stop' ? await stop(kind)
          : await status(kind, action === 'env');
      ok &&= result;
    } catch (err) {
      say(`${kind}: ${err instanceof EmulatorError ? err.message : String(err)}`);
      return 1;
    }
  }
  return ok ? 0 : action === 'status' || action === 'env' ? EXIT_NOT_RUNNING : 1;
}

runCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => { say(err instanceof Error ? err.stack ?? err.message : String(err)); process.exit(1); },
);
