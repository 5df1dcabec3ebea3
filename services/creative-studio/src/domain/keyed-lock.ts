/**
 * One task at a time per key, in arrival order. The event kit runs handlers concurrently even
 * for messages of one ordering key (Pub/Sub orders delivery, not completion), so a
 * read-modify-write of one shopper's profile must queue behind the previous one here.
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
