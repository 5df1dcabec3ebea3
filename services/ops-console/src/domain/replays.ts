import { createReplay, listReplays, loadReplay, runReplay, type OpsContext, type ReplayParams, type ReplayState } from '@commerce/ops';
import type { Logger } from 'pino';

/**
 * Replays started from the console run in this process, one at a time per replay id; their
 * progress is read from the state the replay itself checkpoints (every 250 ms here), so a page
 * polling it sees the same numbers the command line would.
 */
export class ReplayRunner {
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();

  constructor(private readonly logger: Logger) {}

  async start(ctx: OpsContext, params: ReplayParams, rate: number): Promise<ReplayState> {
    const state = await createReplay(ctx, params);
    this.resume(ctx, state.replayId, rate);
    return state;
  }

  resume(ctx: OpsContext, replayId: string, rate: number): void {
    if (this.running.has(replayId)) return;
    const abort = new AbortController();
    const done = runReplay(ctx, replayId, { rate, signal: abort.signal, checkpointEveryMs: 250 })
      .then((s) => this.logger.info({ replayId, status: s.status, sent: s.sent, total: s.total, who: ctx.who }, 'replay finished'))
      .catch((err: unknown) => this.logger.error({ err, replayId }, 'replay failed'))
      .finally(() => this.running.delete(replayId));
    this.running.set(replayId, { abort, done });
  }

  /** Stops a running replay at a checkpoint; it can be resumed. */
  async stop(replayId: string): Promise<boolean> {
    const r = this.running.get(replayId);
    if (!r) return false;
    r.abort.abort();
    await r.done;
    return true;
  }

  isRunning(replayId: string): boolean {
    return this.running.has(replayId);
  }

  get(ctx: Pick<OpsContext, 'store'>, replayId: string): Promise<ReplayState> {
    return loadReplay(ctx.store, replayId);
  }

  list(ctx: Pick<OpsContext, 'store'>): Promise<ReplayState[]> {
    return listReplays(ctx.store);
  }

  /** On shutdown: every running replay checkpoints and stops. */
  async close(): Promise<void> {
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
  }
}
