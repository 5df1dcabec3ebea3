import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Writable } from 'node:stream';
import {
  DEFAULT_PORT_CLOSE_TIMEOUT_MS, DEFAULT_PROJECT_ID, DEFAULT_READY_TIMEOUT_MS, DEFAULT_STOP_GRACE_MS,
  EMULATOR_BIND_HOST, LOG_TAIL_LINES, POLL_INTERVAL_MS, SIGKILL_SETTLE_MS,
} from './defaults.js';
import { EmulatorError, EmulatorErrorCode } from './errors.js';
import { emulatorCommand, findGcloudSdk } from './gcloud-sdk.js';
import { canConnect, getFreePort, sleep, waitFor } from './net.js';
import { emulatorStateDir } from './paths.js';
import { isProcessGroupAlive, liveGroupMembers, signalProcessGroup } from './process-group.js';
import type { EmulatorKind, EmulatorOptions, RunningEmulator } from './types.js';

export interface ProcessEmulatorSpec {
  readonly kind: EmulatorKind;
  /** Printed by the emulator once its gRPC server is bound. */
  readonly readyPattern: RegExp;
  readonly env: (host: string, projectId: string) => Record<string, string>;
  /** What to check when the emulator does not come up. */
  readonly troubleshooting: string;
}

// One `exit` listener for all emulators of this process rather than one each (which would trip
// MaxListenersExceededWarning in a suite that starts many). Process-wide state is deliberate here:
// it mirrors a process-wide resource, the set of child process groups we still own.
const ownedGroups = new Set<number>();
let exitHookInstalled = false;

function killOwnedGroupsOnExit(): void {
  for (const pgid of ownedGroups) {
    try {
      signalProcessGroup(pgid, 'SIGKILL');
    } catch {
      // Nothing useful can be done while the process is exiting.
    }
  }
}

function own(pgid: number): void {
  ownedGroups.add(pgid);
  if (!exitHookInstalled) {
    process.on('exit', killOwnedGroupsOnExit);
    exitHookInstalled = true;
  }
}

/**
 * A tiny `sh` outside the emulator's group that SIGKILLs the group once our end of its stdin pipe
 * closes, which the kernel does however this process dies (SIGKILL, a jest timeout, Ctrl-C). The
 * `exit` hook above covers a normal exit only, because Node runs no JS when killed by a signal.
 */
function startParentWatchdog(pgid: number): ChildProcess {
  const watchdog = spawn('/bin/sh', ['-c', 'read _; kill -s KILL -- "-$1" 2>/dev/null', 'emulator-watchdog', String(pgid)], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', () => undefined); // without /bin/sh we still have the exit hook
  watchdog.unref();
  (watchdog.stdin as (Writable & { unref?: () => void }) | null)?.unref?.();
  return watchdog;
}

/** Last `lines` lines of the log written since `fromByte`, i.e. by this run only. */
export async function readLogTail(logFile: string, fromByte: number, lines: number = LOG_TAIL_LINES): Promise<string> {
  try {
    const handle = await open(logFile, 'r');
    try {
      const { size } = await handle.stat();
      const length = Math.max(0, size - fromByte);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, fromByte);
      return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      await handle.close();
    }
  } catch {
    return '(log file unreadable)';
  }
}

/** Incrementally reads what the emulator appended to its log, looking for the ready line. */
class LogWatcher {
  private position: number;
  private text = '';

  constructor(private readonly logFile: string, fromByte: number) {
    this.position = fromByte;
  }

  async matches(pattern: RegExp): Promise<boolean> {
    const handle = await open(this.logFile, 'r');
    try {
      const { size } = await handle.stat();
      if (size > this.position) {
        const buffer = Buffer.alloc(size - this.position);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.position);
        this.position += bytesRead;
        this.text += buffer.subarray(0, bytesRead).toString('utf8');
      }
    } finally {
      await handle.close();
    }
    return pattern.test(this.text);
  }
}

export interface StopOptions {
  stopGraceMs?: number;
  portCloseTimeoutMs?: number;
  /** SIGKILL skips the grace period (start-up failures: there is nothing to shut down gracefully). */
  firstSignal?: 'SIGTERM' | 'SIGKILL';
  /** For our own child: also wait until Node has reaped it, so no zombie is left in `ps`. */
  reaped?: () => boolean;
}

/**
 * SIGTERM to the whole process group (gcloud's python parent and the JVM it spawns share it because
 * we spawn detached), SIGKILL after the grace period, then wait until the port refuses connections.
 * Shared by RunningEmulator.stop() and the CLI, which stops emulators started by an earlier invocation.
 */
/**
 * Signals the group's members other than its leader and waits for them. With the gcloud launcher the
 * leader is python waiting on the JVM: if python died first the JVM would be re-parented to init and
 * linger in `ps` as `[java] <defunct>` until init reaps it. Children first lets python reap the JVM.
 */
async function stopDescendantsFirst(pgid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  const descendants = liveGroupMembers(pgid).filter((pid) => pid !== pgid);
  if (descendants.length === 0) return;
  for (const pid of descendants) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already exited.
    }
  }
  await waitFor(() => liveGroupMembers(pgid).every((pid) => !descendants.includes(pid)), graceMs);
}

export async function stopEmulatorProcess(kind: EmulatorKind, pgid: number, port: number, options: StopOptions = {}): Promise<void> {
  const graceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  const gone = (): boolean => !isProcessGroupAlive(pgid) && (options.reaped?.() ?? true);
  if (!gone()) {
    const firstSignal = options.firstSignal ?? 'SIGTERM';
    await stopDescendantsFirst(pgid, firstSignal, graceMs);
    signalProcessGroup(pgid, firstSignal);
    let ended = firstSignal === 'SIGTERM' && (await waitFor(gone, graceMs));
    if (!ended) {
      signalProcessGroup(pgid, 'SIGKILL');
      // The kernel needs a moment even after SIGKILL, whatever grace the caller chose.
      ended = await waitFor(gone, SIGKILL_SETTLE_MS);
    }
    if (!ended) {
      throw new EmulatorError(EmulatorErrorCode.StopTimeout, `the ${kind} emulator's process group ${pgid} survived SIGKILL for ${SIGKILL_SETTLE_MS} ms (pids ${liveGroupMembers(pgid).join(', ')})`);
    }
  }
  ownedGroups.delete(pgid);
  const closed = await waitFor(async () => !(await canConnect(port)), options.portCloseTimeoutMs ?? DEFAULT_PORT_CLOSE_TIMEOUT_MS);
  if (!closed) {
    throw new EmulatorError(EmulatorErrorCode.StopTimeout, `the ${kind} emulator (process group ${pgid}) is gone but port ${port} still accepts connections: another process is listening there`);
  }
}

export async function startProcessEmulator(spec: ProcessEmulatorSpec, options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { kind } = spec;
  const sdk = findGcloudSdk();
  if (!sdk) {
    throw new EmulatorError(EmulatorErrorCode.Unavailable, `gcloud is not on PATH, so the ${kind} emulator cannot run as a local process. ${spec.troubleshooting} Or use startEmulator('${kind}'), which falls back to Docker.`);
  }
  const projectId = options.projectId ?? DEFAULT_PROJECT_ID;
  const port = options.port ?? (await getFreePort());
  const host = `${EMULATOR_BIND_HOST}:${port}`;
  if (await canConnect(port)) {
    throw new EmulatorError(EmulatorErrorCode.PortInUse, `port ${port} on ${EMULATOR_BIND_HOST} is already in use, so the ${kind} emulator cannot listen there. Is an emulator already running (\`scripts/emulators.sh status\`)? Pick another port or stop it.`);
  }
  const { command, args } = emulatorCommand(sdk, kind, EMULATOR_BIND_HOST, port, projectId, options.launcher ?? 'auto');

  const logFile = options.logFile ?? join(emulatorStateDir(), `${kind}-${port}.log`);
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  let logStart: number;
  try {
    writeSync(fd, `\n=== ${new Date().toISOString()} ${command} ${args.join(' ')}\n`);
    logStart = fstatSync(fd).size;
  } catch (err) {
    closeSync(fd);
    throw err;
  }

  const startedAt = performance.now();
  // detached: the emulator leads its own process group, so one kill(-pid) reaches gcloud's python
  // and the JVM it spawns, and a terminal's Ctrl-C does not hit it behind our back.
  // The log file (not a pipe) is its stdout, so it can outlive us (CLI) without dying of SIGPIPE.
  const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, ...options.env } });
  closeSync(fd);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  child.once('exit', (code, signal) => { exit = { code, signal }; });
  child.once('error', (err) => { spawnError = err; });
  // Never keep the event loop alive for the emulator alone: a forgotten stop() must not hang jest.
  child.unref();

  const pid = child.pid;
  if (pid === undefined) {
    await sleep(0); // lets the 'error' event with the reason arrive
    throw new EmulatorError(EmulatorErrorCode.ExitedEarly, `could not spawn ${command}: ${spawnError?.message ?? 'unknown error'}`, { cause: spawnError });
  }
  let watchdog: ChildProcess | undefined;
  if (!options.outliveParent) {
    own(pid);
    watchdog = startParentWatchdog(pid);
  }

  const reaped = (): boolean => exit !== undefined || spawnError !== undefined;
  const stop = async (stopOptions: StopOptions): Promise<void> => {
    // Retire the watchdog: left alive it would SIGKILL this pgid when we exit, and by then the id may belong to another process.
    watchdog?.kill('SIGKILL');
    await stopEmulatorProcess(kind, pid, port, { ...stopOptions, reaped });
  };
  const failure = async (code: EmulatorErrorCode, what: string): Promise<EmulatorError> => {
    await stop({ firstSignal: 'SIGKILL' }).catch(() => undefined);
    const tail = await readLogTail(logFile, logStart);
    return new EmulatorError(code, `${what}\n--- last ${LOG_TAIL_LINES} lines of ${logFile} ---\n${tail}\n---\n${spec.troubleshooting}`);
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const deadline = Date.now() + readyTimeoutMs;
  const watcher = new LogWatcher(logFile, logStart);
  let phase: 'log' | 'port' = 'log';
  for (;;) {
    if (exit || spawnError) {
      const how = spawnError ? `failed to spawn: ${spawnError.message}` : `exited with ${exit?.signal ?? `code ${exit?.code}`}`;
      throw await failure(EmulatorErrorCode.ExitedEarly, `the ${kind} emulator (${command}) ${how} before it was ready`);
    }
    if (phase === 'log' && (await watcher.matches(spec.readyPattern))) phase = 'port';
    // The ready line is printed as the server binds; the TCP probe makes "ready" mean "accepts connections".
    if (phase === 'port' && (await canConnect(port))) break;
    if (Date.now() >= deadline) {
      const waitingFor = phase === 'log' ? `the line ${spec.readyPattern}` : `port ${port} to accept connections`;
      throw await failure(EmulatorErrorCode.StartTimeout, `the ${kind} emulator was not ready within ${readyTimeoutMs} ms (waiting for ${waitingFor})`);
    }
    await sleep(POLL_INTERVAL_MS);
  }
  const startupMs = Math.round(performance.now() - startedAt);

  let stopping: Promise<void> | undefined;
  return {
    kind,
    host,
    port,
    projectId,
    pid,
    logFile,
    env: spec.env(host, projectId),
    runtime: 'process',
    startupMs,
    stop: () => (stopping ??= stop({ stopGraceMs: options.stopGraceMs })),
  };
}
