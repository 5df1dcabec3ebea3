import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import type { EmulatorKind, EmulatorLauncher } from './types.js';

export interface GcloudSdk {
  /** The `gcloud` found on PATH. */
  readonly gcloud: string;
  /** The SDK root (`/usr/lib/google-cloud-sdk` for the Debian package), where `platform/<emulator>` lives. */
  readonly sdkRoot: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Scans PATH instead of spawning `gcloud info`, which costs a second of python start-up. */
export function findOnPath(command: string, pathVariable: string = process.env['PATH'] ?? ''): string | undefined {
  for (const dir of pathVariable.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function findGcloudSdk(pathVariable?: string): GcloudSdk | undefined {
  const gcloud = findOnPath('gcloud', pathVariable);
  if (!gcloud) return undefined;
  // /usr/bin/gcloud is a symlink into <sdk>/bin/gcloud.
  return { gcloud, sdkRoot: dirname(dirname(realpathSync(gcloud))) };
}

/** The emulator's own launcher inside the SDK, if that component is installed. */
export function directLauncherPath(sdk: GcloudSdk, kind: EmulatorKind): string | undefined {
  const path = kind === 'pubsub'
    ? join(sdk.sdkRoot, 'platform', 'pubsub-emulator', 'bin', 'cloud-pubsub-emulator')
    : join(sdk.sdkRoot, 'platform', 'bigtable-emulator', 'cbtemulator');
  return isExecutable(path) ? path : undefined;
}

export interface EmulatorCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly launcher: 'direct' | 'gcloud';
}

/**
 * The direct launcher is preferred: it `exec`s the JVM (or is the Go binary), so the emulator is our
 * own child, starts in about half the time, and there is no python parent to orphan it.
 */
export function emulatorCommand(sdk: GcloudSdk, kind: EmulatorKind, host: string, port: number, projectId: string, launcher: EmulatorLauncher): EmulatorCommand {
  const direct = launcher === 'gcloud' ? undefined : directLauncherPath(sdk, kind);
  if (direct) return { command: direct, args: [`--host=${host}`, `--port=${port}`], launcher: 'direct' };
  if (launcher === 'direct') {
    throw new Error(`the ${kind} emulator component is not installed under ${sdk.sdkRoot}/platform: run \`gcloud components install ${kind === 'pubsub' ? 'pubsub-emulator' : 'bigtable'}\` (or apt-get install google-cloud-cli-${kind === 'pubsub' ? 'pubsub-emulator' : 'bigtable-emulator'})`);
  }
  // --quiet turns gcloud's "install this component?" prompt into an immediate error instead of a hang.
  const args = ['beta', 'emulators', kind, 'start', `--host-port=${host}:${port}`, '--quiet'];
  if (kind === 'pubsub') args.push(`--project=${projectId}`);
  return { command: sdk.gcloud, args, launcher: 'gcloud' };
}
