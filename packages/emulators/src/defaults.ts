// Every default of the emulator harness, each with the reason for its value.

/** Loopback only: the emulators have no auth, so they must never listen on a public interface. */
export const EMULATOR_BIND_HOST = '127.0.0.1';

/** Matches what `packages/topology` assumes for the emulator when no project is given. */
export const DEFAULT_PROJECT_ID = 'local';

/** The integration tests' shared emulator uses its own project so it never collides with a developer's `local`. */
export const TEST_PROJECT_ID = 'test-project';

/** Fixed developer ports (the gcloud defaults are 8085 and 8086); tests use free ports instead. */
export const DEVELOPER_PORTS = { pubsub: 8085, bigtable: 8086 } as const;

/** Cold start is ~1.5 s (direct launcher) to ~3 s (through gcloud) on a 2-core machine; leave room for a loaded CI box. */
export const DEFAULT_READY_TIMEOUT_MS = 60_000;

/** The JVM usually exits within a second of SIGTERM; after this the whole group gets SIGKILL. */
export const DEFAULT_STOP_GRACE_MS = 5_000;

/** How long a process group may take to vanish after SIGKILL before stop() gives up and reports it. */
export const SIGKILL_SETTLE_MS = 5_000;

/** Upper bound on waiting for the port to close after the process group is gone. */
export const DEFAULT_PORT_CLOSE_TIMEOUT_MS = 10_000;

/** How often the log file and the port are polled while waiting; short because start-up is only a few seconds. */
export const POLL_INTERVAL_MS = 50;

/** Connect timeout of one TCP probe; loopback answers in well under a millisecond, so a slow answer means "not yet". */
export const TCP_PROBE_TIMEOUT_MS = 500;

/** Lines of the emulator log quoted in a start-up error: enough for a Java stack trace's head. */
export const LOG_TAIL_LINES = 20;

/** Relative to the repository root; `.tmp/` is gitignored. */
export const STATE_DIR_RELATIVE = '.tmp/emulators';

/** Where the emulator log and pid files go when no repository root is found (e.g. the package used from elsewhere). */
export const STATE_DIR_FALLBACK_NAME = 'commerce-emulators';

/** The image that the testcontainers gcloud module uses by default, and that has both emulators. */
export const DOCKER_EMULATOR_IMAGE = 'gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators';

/** Ports the emulators listen on inside the container. */
export const DOCKER_CONTAINER_PORTS = { pubsub: 8085, bigtable: 8086 } as const;

/** testcontainers 12 declares `engines: node >=22.22`; older Node fails inside it with obscure errors. */
export const TESTCONTAINERS_MIN_NODE = '22.22.0';

/** `docker info` hangs for a long time on a dead socket; one slow answer is enough to call the engine unreachable. */
export const DOCKER_PROBE_TIMEOUT_MS = 5_000;
