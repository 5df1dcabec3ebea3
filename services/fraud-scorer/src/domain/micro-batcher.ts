export const MICRO_BATCH_DEFAULTS = {
  /** Largest batch handed to the model at once. */
  maxBatch: 256,
  /** Longest an item waits for company before its batch runs. */
  maxWaitMs: 3,
} as const;

export interface MicroBatcherOptions {
  readonly maxBatch?: number;
  readonly maxWaitMs?: number;
}

interface Waiting<I, O> {
  readonly item: I;
  readonly resolve: (o: O) => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Gathers concurrent requests into batches: a batch runs when it is full or when its first item
 * has waited `maxWaitMs`, and batches run one at a time (one model, one backend). While a batch
 * runs, new items queue for the next one, so under load batches grow by themselves and at low
 * load an item waits at most `maxWaitMs`.
 */
export class MicroBatcher<I, O> {
  private readonly maxBatch: number;
  private readonly maxWaitMs: number;
  private queue: Array<Waiting<I, O>> = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stats = { batches: 0, items: 0, largest: 0 };

  constructor(
    private readonly run: (items: readonly I[]) => Promise<readonly O[]>,
    options: MicroBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? MICRO_BATCH_DEFAULTS.maxBatch;
    this.maxWaitMs = options.maxWaitMs ?? MICRO_BATCH_DEFAULTS.maxWaitMs;
    if (!(this.maxBatch >= 1)) throw new RangeError(`maxBatch must be at least 1, got ${this.maxBatch}`);
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.fire();
      else this.timer ??= setTimeout(() => this.fire(), this.maxWaitMs);
    });
  }

  /** Several items that must land in one batch together (e.g. an order and its explanations). */
  submitAll(items: readonly I[]): Promise<O[]> {
    return Promise.all(items.map((i) => this.submit(i)));
  }

  get counters(): { batches: number; items: number; largest: number; meanBatch: number } {
    return { ...this.stats, meanBatch: this.stats.batches === 0 ? 0 : this.stats.items / this.stats.batches };
  }

  private fire(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) return; // the running batch picks the queue up when it finishes
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.running = this.execute(batch).finally(() => {
      this.running = undefined;
      if (this.queue.length >= this.maxBatch) this.fire();
      else if (this.queue.length > 0) this.timer ??= setTimeout(() => this.fire(), 0);
    });
  }

  private async execute(batch: Array<Waiting<I, O>>): Promise<void> {
    this.stats.batches += 1;
    this.stats.items += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    try {
      const out = await this.run(batch.map((w) => w.item));
      if (out.length !== batch.length) throw new Error(`batch function returned ${out.length} results for ${batch.length} items`);
      batch.forEach((w, i) => w.resolve(out[i]!));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }
}
