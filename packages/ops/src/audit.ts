import type { BlobStore } from '@commerce/blob-store';
import { randomBytes } from 'node:crypto';
import { listAll } from './archive/list.js';

export const AUDIT_PREFIX = 'audit';

/** One mutating command: who did what, when, to what, and how many messages it touched. */
export interface AuditRecord {
  readonly at: string;
  readonly who: string;
  readonly command: string;
  readonly project: string;
  /** The command's arguments as given (resources, filters, limits). */
  readonly args: Record<string, unknown>;
  readonly ok: boolean;
  /** Messages or resources affected. */
  readonly count: number;
  readonly durationMs: number;
  readonly result?: Record<string, unknown>;
  readonly error?: string;
}

/** Audit records in the blob store: `audit/YYYY/MM/DD/<time>-<command>-<random>.json`, one object each, never rewritten. */
export class AuditLog {
  constructor(private readonly store: BlobStore) {}

  async write(record: AuditRecord): Promise<string> {
    const at = new Date(record.at);
    const day = at.toISOString().slice(0, 10).replaceAll('-', '/');
    const key = `${AUDIT_PREFIX}/${day}/${at.toISOString().replaceAll(':', '')}-${record.command.replaceAll(' ', '-')}-${randomBytes(3).toString('hex')}.json`;
    await this.store.put(key, Buffer.from(JSON.stringify(record, null, 1)), { contentType: 'application/json', ifAbsent: true });
    return key;
  }

  /** Records written at or after `since`, oldest first. */
  async list(since?: Date): Promise<AuditRecord[]> {
    const out: AuditRecord[] = [];
    for (const info of await listAll(this.store, `${AUDIT_PREFIX}/`)) {
      const r = JSON.parse((await this.store.get(info.key)).toString('utf8')) as AuditRecord;
      if (since === undefined || Date.parse(r.at) >= since.getTime()) out.push(r);
    }
    return out.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }
}

/**
 * Runs a mutating action and records it, whether it succeeded or not. The record is written
 * after the action: if the audit write fails the command fails loudly, though the action happened.
 */
export async function audited<T>(
  ctx: { audit: AuditLog; who: string; projectId: string },
  command: string,
  args: Record<string, unknown>,
  action: () => Promise<T>,
  summarise: (r: T) => { count: number; result?: Record<string, unknown> },
): Promise<T> {
  const started = Date.now();
  try {
    const r = await action();
    const s = summarise(r);
    await ctx.audit.write({ at: new Date(started).toISOString(), who: ctx.who, command, project: ctx.projectId, args, ok: true, count: s.count, durationMs: Date.now() - started, ...(s.result ? { result: s.result } : {}) });
    return r;
  } catch (err) {
    await ctx.audit.write({ at: new Date(started).toISOString(), who: ctx.who, command, project: ctx.projectId, args, ok: false, count: 0, durationMs: Date.now() - started, error: (err as Error).message });
    throw err;
  }
}
