import { createBlobStore, type BlobStore } from '@commerce/blob-store';
import { createPubSubClient } from '@commerce/event-kit';
import type { PubSub } from '@google-cloud/pubsub';
import { connect } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { DEFAULT_ARCHIVE_PREFIX } from './archive/format.js';
import { ArchiveReader } from './archive/reader.js';
import { AuditLog } from './audit.js';
import { OpsError } from './errors.js';

/** Everything a command needs; built once per invocation (or by a test, or by the console). */
export interface OpsContext {
  readonly pubsub: PubSub;
  readonly projectId: string;
  readonly emulatorHost?: string;
  readonly store: BlobStore;
  readonly archive: ArchiveReader;
  readonly audit: AuditLog;
  /** Who is acting, for the audit trail. */
  readonly who: string;
}

export interface ContextSettings {
  readonly project?: string;
  readonly emulatorHost?: string;
  readonly blobStore?: string;
  readonly archivePrefix?: string;
  readonly who?: string;
}

export const DEFAULT_BLOB_STORE = '.data/blobs';

export function defaultWho(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `unknown@${hostname()}`;
  }
}

/** Resolves settings (flags first, then the environment), checks the emulator answers, builds the clients. */
export async function createContext(s: ContextSettings, env: NodeJS.ProcessEnv = process.env): Promise<OpsContext> {
  const projectId = s.project ?? env['GOOGLE_CLOUD_PROJECT'] ?? env['PUBSUB_PROJECT_ID'];
  if (!projectId) throw new OpsError('no project given', 'pass --project <id> or set GOOGLE_CLOUD_PROJECT (the local demo uses `local`)');
  const emulatorHost = s.emulatorHost ?? env['PUBSUB_EMULATOR_HOST'];
  if (emulatorHost) await assertReachable(emulatorHost);
  const store = createBlobStore(s.blobStore ?? env['BLOB_STORE_URL'] ?? DEFAULT_BLOB_STORE);
  const pubsub = createPubSubClient({ projectId, ...(emulatorHost ? { emulatorHost } : {}) });
  const prefix = s.archivePrefix ?? env['ARCHIVE_PREFIX'] ?? DEFAULT_ARCHIVE_PREFIX;
  return {
    pubsub,
    projectId,
    ...(emulatorHost ? { emulatorHost } : {}),
    store,
    archive: new ArchiveReader({ store, prefix }),
    audit: new AuditLog(store),
    who: s.who ?? env['OPS_USER'] ?? defaultWho(),
  };
}

/** A TCP probe: without it the client retries a dead emulator for a minute before failing. */
export async function assertReachable(hostPort: string, timeoutMs = 2000): Promise<void> {
  const m = /^(.+):(\d+)$/.exec(hostPort);
  if (!m) throw new OpsError(`PUBSUB_EMULATOR_HOST ${JSON.stringify(hostPort)} is not host:port`, 'e.g. 127.0.0.1:8085');
  const ok = await new Promise<boolean>((resolve) => {
    const socket = connect({ host: m[1]!, port: Number(m[2]) });
    const done = (v: boolean): void => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
  if (!ok) {
    throw new OpsError(`the Pub/Sub emulator at ${hostPort} is not running (nothing accepts connections there)`, 'start it with `make emulators` (port 8085) or set PUBSUB_EMULATOR_HOST to the one you started');
  }
}
