import { randomFillSync } from 'node:crypto';

/**
 * Event ids and trace ids, written as ASCII into one scratch buffer and read out as a single
 * flat string. Every published event needs one of each; uuid's v7 plus crypto's randomBytes
 * and template-literal concatenation cost ~2 µs and ~400 bytes of garbage per event (measured
 * in the throughput benchmark), this ~0.35 µs each and the string itself, most of it the one
 * call that makes the string. The random bytes come from the CSPRNG in bulk, like
 * crypto.randomUUID does, and most hex digits are written two at a time.
 */
const pool = Buffer.alloc(4096);
let at = pool.length;
/** Where `n` fresh random bytes start in `pool`. */
function random(n: number): number {
  if (at + n > pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  const from = at;
  at += n;
  return from;
}

const DIGITS = '0123456789abcdef';
const HEX = Uint8Array.from(DIGITS, (c) => c.charCodeAt(0));
/** Both hex digits of a byte as one 16-bit store into `pairs`, in memory order on this machine. */
const HEX_PAIR = new Uint16Array(256);
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
for (let b = 0; b < 256; b++) HEX_PAIR[b] = littleEndian ? (HEX[b & 15]! << 8) | HEX[b >> 4]! : (HEX[b >> 4]! << 8) | HEX[b & 15]!;

/** Its own ArrayBuffer, so `pairs` (2-byte aligned) covers it exactly: pairs[i] is scratch[2i, 2i + 1]. */
const scratch = Buffer.from(new ArrayBuffer(64));
const pairs = new Uint16Array(scratch.buffer, 0, 32);

/** Writes the byte `b` as two hex digits at scratch[i], for odd `i` where a pair store cannot go. */
function hexByteAt(i: number, b: number): void {
  scratch[i] = HEX[b >> 4]!;
  scratch[i + 1] = HEX[b & 15]!;
}

const DASH = 0x2d;
let lastMs = -1;
let counter = 0;

/** A fresh random 11-bit start for the per-millisecond counter (leaves room to count up). */
function counterStart(): number {
  const r = random(2);
  return ((pool[r]! << 8) | pool[r + 1]!) & 0x7ff;
}

/**
 * A new UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter that starts at a
 * random value each millisecond (method 1 of RFC 9562 §6.2, so ids from one process sort in
 * creation order), then the variant and 62 random bits. Should 2,048+ ids fall in one
 * millisecond, the timestamp is advanced by one, as the uuid package does. `now` is for a caller
 * that has just read the clock for something else.
 */
export function uuidv7(now = Date.now()): string {
  let ms = now;
  if (ms > lastMs) counter = counterStart();
  else {
    ms = lastMs;
    if (++counter > 0xfff) {
      ms += 1;
      counter = counterStart();
    }
  }
  lastMs = ms;
  // tttttttt-tttt-7ccc-Vrrr-rrrrrrrrrrrr; 48 bits do not fit a 32-bit shift, so split at 2^16.
  const high = Math.floor(ms / 0x10000);
  const low = ms & 0xffff;
  pairs[0] = HEX_PAIR[high >>> 24]!;
  pairs[1] = HEX_PAIR[(high >>> 16) & 255]!;
  pairs[2] = HEX_PAIR[(high >>> 8) & 255]!;
  pairs[3] = HEX_PAIR[high & 255]!;
  scratch[8] = DASH;
  hexByteAt(9, low >>> 8);
  hexByteAt(11, low & 255);
  scratch[13] = DASH;
  scratch[14] = 0x37; // '7'
  scratch[15] = HEX[(counter >> 8) & 15]!;
  hexByteAt(16, counter & 255);
  scratch[18] = DASH;
  const r = random(8);
  const v = pool[r]!;
  scratch[19] = HEX[8 | (v & 3)]!; // variant 10xx
  scratch[20] = HEX[v >> 4]!;
  hexByteAt(21, pool[r + 1]!);
  scratch[23] = DASH;
  for (let i = 0; i < 6; i++) pairs[12 + i] = HEX_PAIR[pool[r + 2 + i]!]!;
  return scratch.toString('latin1', 0, 36);
}

/**
 * `00-<trace id>-<new span id>-<flags>`, with a new random trace id when none is given. Written
 * from scratch[1], so the trace id starts at an even offset and goes in pair stores.
 */
export function traceparentOf(traceId: string | undefined, sampled: boolean): string {
  scratch[1] = 0x30;
  scratch[2] = 0x30;
  scratch[3] = DASH;
  if (traceId === undefined) {
    const r = random(16);
    for (let i = 0; i < 16; i++) pairs[2 + i] = HEX_PAIR[pool[r + i]!]!;
  } else {
    for (let i = 0; i < 32; i++) scratch[4 + i] = traceId.charCodeAt(i);
  }
  scratch[36] = DASH;
  const r = random(8);
  for (let i = 0; i < 8; i++) hexByteAt(37 + 2 * i, pool[r + i]!);
  scratch[53] = DASH;
  scratch[54] = 0x30;
  scratch[55] = sampled ? 0x31 : 0x30;
  return scratch.toString('latin1', 1, 56);
}
