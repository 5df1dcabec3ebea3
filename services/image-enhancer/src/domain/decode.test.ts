import sharp from 'sharp';
import { ImageErrorCode, ImageRejectedError } from '../errors.js';
import { safeDecode, sniffFormat, type DecodeLimits } from './decode.js';
import { decompressionBombPng, textPretendingToBeJpeg, truncated } from './hostile.js';

const limits: DecodeLimits = { maxBytes: 5_000_000, maxPixels: 40_000_000, allowedFormats: ['jpeg', 'png', 'webp', 'avif'], workingLongSidePx: 2400 };

/** A 300x200 photo-like JPEG whose left half is red, with EXIF orientation and a GPS position. */
async function jpegWithExif(orientation: number): Promise<Buffer> {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"><rect width="150" height="200" fill="#d00"/><rect x="150" width="150" height="200" fill="#00d"/></svg>';
  return sharp(Buffer.from(svg))
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { Make: 'PhoneCo' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '59/1 51/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '17/1 38/1 0/1' } })
    .withMetadata({ orientation })
    .toBuffer();
}

async function rejection(bytes: Buffer, l: DecodeLimits = limits): Promise<ImageRejectedError> {
  const err = await safeDecode(bytes, 'gs://b/o.jpg#1', l).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageRejectedError);
  return err as ImageRejectedError;
}

describe('safe decoding', () => {
  it('refuses a decompression bomb from its header, before decoding a pixel, saying what it declared', async () => {
    const bomb = decompressionBombPng(50_000);
    expect(bomb.length).toBeLessThan(50_000);
    const err = await rejection(bomb);
    expect(err.code).toBe(ImageErrorCode.TooManyPixels);
    expect(err.retryable).toBe(false);
    expect(err.message).toContain('50000x50000 = 2500000000 pixels');
    expect(err.message).toContain('decompression bomb');
  });

  it('refuses a truncated JPEG as corrupt', async () => {
    const err = await rejection(truncated(await jpegWithExif(1), 0.6));
    expect(err.code).toBe(ImageErrorCode.Corrupt);
    expect(err.message).toMatch(/truncated or corrupt|premature end/);
  });

  it('refuses a text file named .jpg, quoting what it actually contains', async () => {
    const err = await rejection(textPretendingToBeJpeg());
    expect(err.code).toBe(ImageErrorCode.FormatNotAllowed);
    expect(err.message).toContain('not an image: the content is text starting "<html><body>404 "');
  });

  it('refuses files over the byte limit and formats outside the allow-list', async () => {
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#fff' } }).png().toBuffer();
    expect((await rejection(png, { ...limits, maxBytes: 10 })).code).toBe(ImageErrorCode.TooLarge);
    const err = await rejection(png, { ...limits, allowedFormats: ['jpeg'] });
    expect(err.code).toBe(ImageErrorCode.FormatNotAllowed);
    expect(err.message).toContain('the format png is not allowed (allowed: jpeg)');
    expect((await rejection(Buffer.alloc(0))).code).toBe(ImageErrorCode.Empty);
  });

  it('applies the EXIF orientation and reports the metadata it leaves behind', async () => {
    // Orientation 6: the camera was turned; the stored 300x200 is shown as 200x300.
    const decoded = await safeDecode(await jpegWithExif(6), 'o', limits);
    expect([decoded.image.width, decoded.image.height]).toEqual([200, 300]);
    expect(decoded.orientation).toBe(6);
    expect(decoded.strippedMetadata).toContain('exif');
    // After rotating 90 degrees clockwise the red half is on top.
    const px = (x: number, y: number) => [...decoded.image.data.subarray((y * 200 + x) * 3, (y * 200 + x) * 3 + 3)];
    expect(px(100, 20)[0]).toBeGreaterThan(200);
    expect(px(100, 280)[2]).toBeGreaterThan(200);
  });

  it('recognises formats by their bytes, not their names', () => {
    expect(sniffFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffFormat(decompressionBombPng(10))).toBe('png');
    expect(sniffFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('webp');
    expect(sniffFormat(Buffer.from('\0\0\0\x1cftypavif'))).toBe('avif');
    expect(sniffFormat(Buffer.from('GIF89a'))).toBe('gif');
    expect(sniffFormat(textPretendingToBeJpeg())).toBeUndefined();
  });
});
