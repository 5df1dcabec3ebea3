import sharp from 'sharp';
import { cleanBackdrop } from './enhance.js';
import { toRaw } from './raw.js';
import { cropWindow, encodeVariants } from './variants.js';

/** A 300x400 frame with the product off-centre, low on the right, on a light grey backdrop. */
async function offCentre() {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400"><rect width="300" height="400" fill="#d0d0d0"/><rect x="170" y="250" width="100" height="120" fill="#b03a2e"/></svg>';
  return toRaw(sharp(Buffer.from(svg)));
}

describe('smart crop and variants', () => {
  it('frames every aspect around the product, centred, never cutting it', async () => {
    const img = await offCentre();
    for (const aspect of ['1:1', '3:4', '4:5', '16:9']) {
      const w = cropWindow(img, aspect, 0.08);
      const [aw, ah] = aspect.split(':').map(Number) as [number, number];
      expect(Math.abs(w.width / w.height - aw / ah)).toBeLessThan(0.01);
      // The product box (170..269 x 250..369) is inside the window.
      expect(w.left).toBeLessThanOrEqual(170);
      expect(w.top).toBeLessThanOrEqual(250);
      expect(w.left + w.width).toBeGreaterThanOrEqual(270);
      expect(w.top + w.height).toBeGreaterThanOrEqual(370);
      expect(Math.abs(w.left + w.width / 2 - 220)).toBeLessThanOrEqual(1);
      expect(Math.abs(w.top + w.height / 2 - 310)).toBeLessThanOrEqual(1);
    }
  });

  it('keeps transparency in AVIF and WebP and puts JPEG on white when the backdrop was made transparent', async () => {
    const img = await offCentre();
    const cleaned = cleanBackdrop(img, 'transparent')!;
    expect(cleaned.alpha).toBeDefined();
    const variants = await encodeVariants({ image: cleaned.image, alpha: cleaned.alpha!, ops: [] }, { aspects: ['1:1'], widths: [120], formats: ['avif', 'webp', 'jpeg'], marginRatio: 0.08, avifEffort: 0 });
    const meta = await Promise.all(variants.map(async (v) => [v.format, (await sharp(v.data).metadata()).hasAlpha] as const));
    expect(meta).toEqual([
      ['avif', true],
      ['webp', true],
      ['jpeg', false],
    ]);
    // The corner of the WebP is transparent, the product opaque.
    const { data, info } = await sharp(variants[1]!.data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect(data[3]).toBe(0);
    const centre = (Math.floor(info.height / 2) * info.width + Math.floor(info.width / 2)) * 4;
    expect(data[centre + 3]).toBe(255);
  });
});
