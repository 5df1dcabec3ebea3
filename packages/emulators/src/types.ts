export type EmulatorKind = 'pubsub' | 'bigtable';

/** `direct` runs the emulator's own launcher (one process, ~1.5 s); `gcloud` goes through `gcloud beta emulators` (a python parent plus the emulator, ~3 s). */
export type EmulatorLauncher = 'auto' | 'direct' | 'gcloud';

export interface EmulatorOptions {
  /** Free port on 127.0.0.1 when omitted. */
  port?: number;
  /** Client-side project id put into `env`; the emulators accept any project. */
  projectId?: string;
  /** Appended to, so a restart on the same port keeps the earlier run's log above it. */
  logFile?: string;
  readyTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL of the process group on stop(). */
  stopGraceMs?: number;
  launcher?: EmulatorLauncher;
  /** Extra environment for the emulator process (e.g. `JAVA_HOME`, `JAVA_TOOL_OPTIONS`), over `process.env`. */
  env?: Record<string, string>;
  /**
   * Leave the emulator running when this Node process exits (the developer CLI).
   * By default the group is SIGKILLed when this process exits or dies, so a crashed or interrupted
   * test run leaves no JVM behind.
   */
  outliveParent?: boolean;
}

export interface RunningEmulator {
  readonly kind: EmulatorKind;
  /** `127.0.0.1:PORT`, the value for `PUBSUB_EMULATOR_HOST` / `BIGTABLE_EMULATOR_HOST`. */
  readonly host: string;
  readonly port: number;
  readonly projectId: string;
  /** Leader of the emulator's process group; 0 when `runtime` is `docker` (there is no local process to signal). */
  readonly pid: number;
  readonly logFile: string;
  /** e.g. `{ PUBSUB_EMULATOR_HOST, PUBSUB_PROJECT_ID }`; merge into `process.env` or a child's env. */
  readonly env: Readonly<Record<string, string>>;
  readonly runtime: 'process' | 'docker';
  /** From spawn to "ready line printed and port accepting connections". */
  readonly startupMs: number;
  /** Idempotent; resolves once the process group is gone and the port refuses connections. */
  stop(): Promise<void>;
}
