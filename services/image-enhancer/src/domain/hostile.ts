import { crc32, deflateSync } from 'node:zlib';

/**
 * Hostile inputs for tests, the demo and operators checking a deployment: each must end in
 * the dead-letter topic with a readable reason while the service keeps running.
 */
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/**
 * A decompression bomb: a valid PNG whose header declares `side` x `side` RGB pixels (at
 * 50,000 that is 7.5 GB decoded) in a file of a few kilobytes of deflated zeros.
 */
export function decompressionBombPng(side = 50_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  // The first rows of zeros: enough to look like a real stream, a tiny share of what is declared.
  const idat = deflateSync(Buffer.alloc(64 * (side * 3 + 1)), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** The first part of a real file, as an interrupted upload leaves it. */
export function truncated(file: Buffer, keep = 0.5): Buffer {
  return file.subarray(0, Math.floor(file.length * keep));
}

/** Not an image at all, whatever its name says. */
export function textPretendingToBeJpeg(): Buffer {
  return Buffer.from('<html><body>404 Not Found: the CDN returned an error page instead of the photo</body></html>\n');
}
