import { randomBytes } from 'node:crypto';

/**
 * Random hex for event ids and trace ids, cut from one pool of random bytes hex-encoded in
 * bulk. Per id, crypto's randomBytes plus hex formatting measured ~2 µs (uuid's v7 and the
 * trace's span id together) on the publish path of every event; a substring of the pool
 * costs a few tens of nanoseconds. The pool comes from the CSPRNG like randomBytes itself.
 */
const POOL_BYTES = 8192;
let pool = '';
let at = 0;

export function randomHex(chars: number): string {
  if (at + chars > pool.length) {
    pool = randomBytes(POOL_BYTES).toString('hex');
    at = 0;
  }
  const hex = pool.substring(at, at + chars);
  at += chars;
  return hex;
}

const VARIANT = '89ab';
const HEX3 = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(3, '0'));
let lastMs = -1;
let msHigh = '';
let msLow = '';
let counter = 0;

/**
 * A new UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter that starts at a
 * random value each millisecond (method 1 of RFC 9562 §6.2, so ids from one process sort in
 * creation order), then 62 random bits. Should 2,048+ ids fall in one millisecond, the
 * timestamp is advanced by one, as the uuid package does.
 */
export function uuidv7(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    counter = parseInt(randomHex(3), 16) & 0x7ff;
  } else {
    ms = lastMs;
    if (++counter > 0xfff) {
      ms += 1;
      counter = parseInt(randomHex(3), 16) & 0x7ff;
    }
  }
  if (ms !== lastMs) {
    const hex = ms.toString(16).padStart(12, '0');
    msHigh = hex.substring(0, 8);
    msLow = hex.substring(8);
    lastMs = ms;
  }
  const r = randomHex(16);
  return `${msHigh}-${msLow}-7${HEX3[counter]}-${VARIANT[parseInt(r[0]!, 16) & 3]}${r.substring(1, 4)}-${r.substring(4)}`;
}
