import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { ImageErrorCode, ImageRejectedError } from '../errors.js';
import { toRaw, type RawImage } from './raw.js';

/** Formats the service accepts, by sharp's name for them. */
export const IMAGE_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'heif', 'gif', 'tiff'] as const;
export type ImageFormatName = (typeof IMAGE_FORMATS)[number];

export interface DecodeLimits {
  /** Refuse files larger than this before decoding anything. */
  readonly maxBytes: number;
  /** Refuse images whose header declares more pixels than this (decompression bombs). */
  readonly maxPixels: number;
  readonly allowedFormats: readonly ImageFormatName[];
  /** Decode straight to at most this longest side: the catalogue never needs more. */
  readonly workingLongSidePx: number;
}

export interface Decoded {
  readonly image: RawImage;
  readonly format: ImageFormatName;
  /** Size as stored, before orientation and downscaling. */
  readonly storedWidth: number;
  readonly storedHeight: number;
  /** EXIF orientation that was applied (1 = none). */
  readonly orientation: number;
  /** Metadata the original carried and the outputs do not (privacy: GPS sits in EXIF). */
  readonly strippedMetadata: string[];
}

/**
 * The container, from its first bytes: never trust the file name or the declared content
 * type, and never hand libvips a format we did not allow.
 */
export function sniffFormat(b: Buffer): ImageFormatName | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) return 'gif';
  if (b.length >= 4 && (b.toString('latin1', 0, 4) === 'II*\0' || b.toString('latin1', 0, 4) === 'MM\0*')) return 'tiff';
  if (b.length >= 12 && b.toString('latin1', 4, 8) === 'ftyp') {
    const brand = b.toString('latin1', 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'mif1', 'msf1', 'hevc'].includes(brand)) return 'heif';
  }
  return undefined;
}

function describeBytes(b: Buffer): string {
  const head = b.subarray(0, 16);
  const printable = head.every((c) => c === 9 || c === 10 || c === 13 || (c >= 32 && c < 127));
  return printable ? `text starting ${JSON.stringify(head.toString('latin1'))}` : `bytes ${head.toString('hex').replace(/(..)/g, '$1 ').trim()}`;
}

/**
 * Safe decoding: size limit, format allow-list by magic bytes, pixel limit from the header
 * before any pixel is decoded, strict decoding (truncated or corrupt data fails), EXIF
 * orientation applied, alpha flattened on white, metadata left behind.
 */
export async function safeDecode(bytes: Buffer, object: string, limits: DecodeLimits): Promise<Decoded> {
  const reupload = 'upload the original file again';
  if (bytes.length === 0) throw new ImageRejectedError(object, 'the object is empty (0 bytes)', ImageErrorCode.Empty, reupload);
  if (bytes.length > limits.maxBytes) {
    throw new ImageRejectedError(object, `the file is ${bytes.length} bytes, more than the limit of ${limits.maxBytes}`, ImageErrorCode.TooLarge, 'resize it before upload or raise MAX_INPUT_BYTES');
  }
  const sniffed = sniffFormat(bytes);
  if (sniffed === undefined) {
    throw new ImageRejectedError(object, `not an image: the content is ${describeBytes(bytes)}, which is none of ${limits.allowedFormats.join(', ')}`, ImageErrorCode.FormatNotAllowed, 'upload a JPEG, PNG, WebP or AVIF photo');
  }
  if (!limits.allowedFormats.includes(sniffed)) {
    throw new ImageRejectedError(object, `the format ${sniffed} is not allowed (allowed: ${limits.allowedFormats.join(', ')})`, ImageErrorCode.FormatNotAllowed, 'convert it to an allowed format');
  }
  const options: SharpOptions = { limitInputPixels: limits.maxPixels, failOn: 'truncated', sequentialRead: true };
  let meta: Metadata;
  try {
    // Header only, no pixel limit here: the limit is checked below with a message that says what was declared.
    meta = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch (err) {
    throw new ImageRejectedError(object, `the ${sniffed} header cannot be read (${(err as Error).message.trim()})`, ImageErrorCode.Corrupt, reupload, { cause: err });
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  const pixels = width * height * Math.max(1, meta.pages ?? 1);
  if (width <= 0 || height <= 0) throw new ImageRejectedError(object, `the ${sniffed} header declares no size`, ImageErrorCode.Corrupt, reupload);
  if (pixels > limits.maxPixels) {
    throw new ImageRejectedError(
      object,
      `the ${sniffed} header declares ${width}x${height}${(meta.pages ?? 1) > 1 ? ` x ${meta.pages} frames` : ''} = ${pixels} pixels in a ${bytes.length}-byte file, more than the limit of ${limits.maxPixels} (a decompression bomb or an oversized scan)`,
      ImageErrorCode.TooManyPixels,
      'resize it below the limit before upload or raise MAX_INPUT_PIXELS',
    );
  }
  const stripped = [meta.exif && 'exif', meta.icc && 'icc', meta.iptc && 'iptc', meta.xmp && 'xmp'].filter((x): x is string => typeof x === 'string');
  try {
    // rotate() with no angle applies the EXIF orientation; nothing of the metadata is copied to the output.
    const image = await toRaw(
      sharp(bytes, options)
        .rotate()
        .resize(limits.workingLongSidePx, limits.workingLongSidePx, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' }),
    );
    return { image, format: sniffed, storedWidth: width, storedHeight: height, orientation: meta.orientation ?? 1, strippedMetadata: stripped };
  } catch (err) {
    throw new ImageRejectedError(object, `the ${sniffed} data is truncated or corrupt (${(err as Error).message.trim()})`, ImageErrorCode.Corrupt, reupload, { cause: err });
  }
}
