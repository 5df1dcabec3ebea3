import { readdirSync, readFileSync } from 'node:fs';

const hasProcfs = ((): boolean => {
  try {
    readFileSync('/proc/self/stat', 'utf8');
    return true;
  } catch {
    return false;
  }
})();

interface ProcStat { pid: number; state: string; pgid: number }

function readStat(pid: string): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses, so parse from the last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), state: rest[0] ?? '', pgid: Number(rest[2]) };
  } catch {
    return undefined; // exited while we were scanning
  }
}

/** Pids of the group's members that still run; zombies are excluded because they hold no port and only await their parent. */
export function liveGroupMembers(pgid: number): number[] {
  if (!hasProcfs) return isSignalable(pgid) ? [pgid] : [];
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat && stat.pgid === pgid && stat.state !== 'Z' && stat.state !== 'X') members.push(stat.pid);
  }
  return members;
}

function isSignalable(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True while any non-zombie process of the group exists. `kill(-pgid, 0)` alone is not enough:
 * when gcloud's python parent dies first, the JVM is re-parented to init and lingers as a zombie
 * until init reaps it, and kill() still "succeeds" on zombies.
 */
export function isProcessGroupAlive(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  return isSignalable(pgid) && liveGroupMembers(pgid).length > 0;
}

/** Signals the whole group (gcloud's python plus its JVM child); false when the group is already gone. */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`refusing to signal process group ${pgid}`);
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** The command line of a process (Linux), to check a pid from a pid file still is an emulator before signalling it. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}
