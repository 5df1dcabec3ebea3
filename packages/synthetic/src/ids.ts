/**
 * Id and hashing helpers. Ids are opaque (a counter pushed through a bijective mix) so that
 * nothing about an entity, least of all whether it is fraudulent, can be read from its id,
 * while uniqueness is still guaranteed: distinct counters always give distinct ids.
 */

/** The murmur3 finaliser: a bijection on 32-bit integers with good avalanche. */
export function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, finalised with fmix32, so short similar labels still spread. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Eight lower-case hex digits; a table lookup because `toString(16)` showed up in profiles. */
export function hex8(value: number): string {
  const v = value >>> 0;
  return (
    (HEX_BYTES[v >>> 24] as string) + (HEX_BYTES[(v >>> 16) & 0xff] as string) + (HEX_BYTES[(v >>> 8) & 0xff] as string) + (HEX_BYTES[v & 0xff] as string)
  );
}

/**
 * Mints `<prefix><8 hex>` ids. A world mints its population first; each order stream clones
 * the minter so ids it creates continue the same counter and can never collide with the
 * population's, however many streams are drawn from one world.
 */
export class IdMinter {
  readonly #prefix: string;
  readonly #salt: number;
  #counter: number;

  constructor(prefix: string, salt: number, counter = 0) {
    this.#prefix = prefix;
    this.#salt = salt >>> 0;
    this.#counter = counter;
  }

  next(): string {
    if (this.#counter > 0xffffffff) throw new RangeError(`id space of ${this.#prefix} exhausted`);
    // XOR with a salt then a bijection keeps distinct counters distinct.
    return this.#prefix + hex8(fmix32((this.#counter++ ^ this.#salt) >>> 0));
  }

  clone(): IdMinter {
    return new IdMinter(this.#prefix, this.#salt, this.#counter);
  }
}

/** Remembers keys already handed out so generated emails, homes and home IPs stay unique. */
export class UniqueKeys {
  readonly #keys: Set<string>;

  constructor(keys: Iterable<string> = []) {
    this.#keys = new Set(keys);
  }

  /** Calls `make(attempt)` until it yields an unused key; claims and returns it. */
  claim<T>(make: (attempt: number) => T, keyOf: (value: T) => string, maxAttempts = 50): T {
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const value = make(attempt);
      const key = keyOf(value);
      if (!this.#keys.has(key)) {
        this.#keys.add(key);
        return value;
      }
    }
    throw new Error(`could not find an unused key after ${maxAttempts} attempts`);
  }

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    this.#keys.add(key);
  }

  clone(): UniqueKeys {
    return new UniqueKeys(this.#keys);
  }
}
