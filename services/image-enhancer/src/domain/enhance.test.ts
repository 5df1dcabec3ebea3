import { analyse } from './analyse.js';
import { enhanceLocal, EnhanceDefaults } from './enhance.js';
import { Op, planFor } from './plan.js';
import { resizeRaw, toRaw } from './raw.js';
import { DEGRADATIONS, cleanSample, degrade } from './samples.js';
import { psnr, ssim } from './similarity.js';
import sharp from 'sharp';

// Small photos keep the test quick; the target is their size, so a clean one needs no upscaling.
const SIZE = { width: 320, height: 400 };
const opts = { ...EnhanceDefaults, targetLongSidePx: 400 };

async function enhanced(img: Parameters<typeof analyse>[0]) {
  const plan = planFor(analyse(img, opts));
  return { plan, master: await enhanceLocal(img, plan, opts) };
}

describe('local enhancement on photos degraded in known ways', () => {
  const seeds = [11, 12];

  /** The operation each degradation must call for (chosen from the metrics, not told). */
  const REMEDY = { blur: Op.Deblur, noise: Op.Denoise, dark: Op.Levels, cast: Op.WhiteBalance, small: Op.Upscale } as const;

  it.each(DEGRADATIONS)('brings a %s photo measurably closer to the clean original (PSNR and SSIM), choosing its remedy from the metrics', async (kind) => {
    for (const seed of seeds) {
      const clean = await cleanSample({ seed, ...SIZE });
      const degraded = await degrade(clean, kind, seed);
      const { plan, master } = await enhanced(degraded);
      expect(plan.ops).toContain(REMEDY[kind]);
      // Nothing else for the single-cause degradations (exposure and cast may come together).
      if (kind === 'blur' || kind === 'noise' || kind === 'small') expect(plan.ops).toEqual([REMEDY[kind]]);
      // Compare at the clean photo's size; the degraded input gets a plain bicubic resize, as a browser would show it.
      const before = await resizeRaw(degraded, clean.width, clean.height, 'cubic');
      const after = await resizeRaw(master.image, clean.width, clean.height, 'lanczos3');
      const gain = psnr(clean, after) - psnr(clean, before);
      expect({ kind, seed, gainDb: gain > 0.05 }).toEqual({ kind, seed, gainDb: true });
      expect(ssim(clean, after)).toBeGreaterThanOrEqual(ssim(clean, before) - 0.002);
    }
  });

  it('leaves a clean photo essentially unchanged: no operation is chosen', async () => {
    for (const seed of [21, 22, 23]) {
      const clean = await cleanSample({ seed, ...SIZE });
      const { plan, master } = await enhanced(clean);
      expect(plan.ops).toEqual([]);
      expect(psnr(clean, master.image)).toBeGreaterThan(50);
    }
  });

  it('turns a grey studio backdrop into pure white and keeps the product', async () => {
    const grey = await toRaw(sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="320" height="400"><rect width="320" height="400" fill="#c8c8c8"/><rect x="100" y="120" width="120" height="160" fill="#1f4e79"/><rect x="130" y="160" width="60" height="40" fill="#c8c8c8"/></svg>')));
    const { master } = await enhanced(grey);
    expect(master.ops).toContain(Op.BackgroundWhite);
    const at = (x: number, y: number) => [...master.image.data.subarray((y * 320 + x) * 3, (y * 320 + x) * 3 + 3)];
    expect(at(10, 10)).toEqual([255, 255, 255]);
    expect(at(315, 395)).toEqual([255, 255, 255]);
    expect(at(160, 250)).toEqual([0x1f, 0x4e, 0x79]);
    // The backdrop seen through a hole in the product is cleaned too.
    expect(at(160, 180)).toEqual([255, 255, 255]);
  });

  it('flags a cluttered backdrop for regeneration instead of pretending to clean it', async () => {
    const cluttered = await cleanSample({ seed: 7, clutter: true, background: '#9a8f80', ...SIZE });
    const { plan } = await enhanced(cluttered);
    expect(plan.wantsRegeneration).toMatch(/cluttered backdrop/);
  });
});
