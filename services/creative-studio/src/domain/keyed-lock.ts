/**
 * One task at a time per key, in arrival order. The event kit already runs one handler per
 * ordering key at a time on ordered subscriptions; this also covers the unordered
 * `image-enhanced` path and callers outside a subscription (tools, tests), whose
 * read-modify-writes of one object must queue behind each other.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const mine = prev.then(task, task);
    const tail = mine.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return mine;
  }

  get size(): number {
    return this.tails.size;
  }
}
