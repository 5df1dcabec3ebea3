/**
 * `make eval-images [DATA=<dir of clean photos>]`: degrades each photo in known ways, enhances
 * it with the local pipeline, and reports how much closer to the clean photo the result is
 * than the degraded input (PSNR gain, dB), plus the clean photo enhanced vs itself.
 * Without DATA it uses generated product-like photos. Last line: one JSON object.
 */
import cliProgress from 'cli-progress';
import { Command } from 'commander';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { analyse } from '../domain/analyse.js';
import { safeDecode } from '../domain/decode.js';
import { EnhanceDefaults, enhanceLocal } from '../domain/enhance.js';
import { planFor } from '../domain/plan.js';
import { resizeRaw, type RawImage } from '../domain/raw.js';
import { DEGRADATIONS, DEGRADATION_SETTINGS, cleanSample, degrade, type Degradation } from '../domain/samples.js';
import { psnr, ssim } from '../domain/similarity.js';

const opts = new Command()
  .option('--data <dir>', 'directory of clean photos (jpeg, png, webp, avif)')
  .option('--images <n>', 'generated photos when no --data (or the most to read from it)', '40')
  .option('--max-side <px>', 'photos are brought down to this longest side first (the catalogue target)', '1200')
  .parse()
  .opts<{ data?: string; images: string; maxSide: string }>();

async function* photos(limit: number, maxSide: number): AsyncGenerator<{ name: string; image: RawImage }> {
  if (!opts.data) {
    for (let i = 0; i < limit; i++) yield { name: `generated-${i}`, image: await cleanSample({ seed: 9000 + i }) };
    return;
  }
  const files = (await readdir(opts.data)).filter((f) => /\.(jpe?g|png|webp|avif)$/i.test(f)).sort().slice(0, limit);
  for (const f of files) {
    const d = await safeDecode(await readFile(join(opts.data, f)), f, { maxBytes: 100e6, maxPixels: 100e6, allowedFormats: ['jpeg', 'png', 'webp', 'avif'], workingLongSidePx: maxSide });
    yield { name: f, image: d.image };
  }
}

async function main(): Promise<void> {
  const limit = Number(opts.images);
  const maxSide = Number(opts.maxSide);
  const gains: Record<Degradation, number[]> = { blur: [], noise: [], dark: [], cast: [], small: [] };
  const ssimGains: Record<Degradation, number[]> = { blur: [], noise: [], dark: [], cast: [], small: [] };
  const cleanPsnr: number[] = [];
  const untouched: number[] = [];
  const total = opts.data ? Math.min(limit, (await readdir(opts.data)).filter((f) => /\.(jpe?g|png|webp|avif)$/i.test(f)).length) : limit;
  const bar = new cliProgress.SingleBar({ format: 'eval {bar} {value}/{total} photos | {last}', hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0, { last: '' });
  for await (const { name, image: clean } of photos(limit, maxSide)) {
    // The target is the clean photo's own size: the clean one needs no upscaling, the small one is brought back to it.
    const enhance = { ...EnhanceDefaults, targetLongSidePx: Math.max(clean.width, clean.height), maxUpscale: DEGRADATION_SETTINGS.smallFactor };
    const run = async (img: RawImage): Promise<RawImage> => (await enhanceLocal(img, planFor(analyse(img, enhance)), enhance)).image;
    const same = await run(clean);
    const cp = psnr(clean, await resizeRaw(same, clean.width, clean.height));
    cleanPsnr.push(cp);
    untouched.push(cp >= 100 ? 1 : 0);
    for (const kind of DEGRADATIONS) {
      const degraded = await degrade(clean, kind, cleanPsnr.length);
      // The degraded input as it would be shown at the clean size (bicubic), the output brought to the same size.
      const before = await resizeRaw(degraded, clean.width, clean.height, 'cubic');
      const after = await resizeRaw(await run(degraded), clean.width, clean.height, 'lanczos3');
      gains[kind].push(psnr(clean, after) - psnr(clean, before));
      ssimGains[kind].push(ssim(clean, after) - ssim(clean, before));
    }
    bar.increment({ last: name });
  }
  bar.stop();
  const mean = (xs: number[]): number => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : Number.NaN);
  const r2 = (x: number): number => Math.round(x * 100) / 100;
  for (const kind of DEGRADATIONS) {
    const g = gains[kind];
    console.log(
      `${kind.padEnd(6)} PSNR gain ${r2(mean(g)).toFixed(2)} dB (min ${r2(Math.min(...g)).toFixed(2)}, improved ${g.filter((x) => x > 0).length}/${g.length}), SSIM gain ${mean(ssimGains[kind]).toFixed(4)}`,
    );
  }
  console.log(`clean  enhanced vs itself ${r2(mean(cleanPsnr))} dB (left exactly as it was: ${untouched.reduce((s, x) => s + x, 0)}/${untouched.length}; 100 = identical)`);
  console.log(
    JSON.stringify({
      bench: 'images-eval',
      images: cleanPsnr.length,
      psnr_gain_db: Object.fromEntries(DEGRADATIONS.map((k) => [k, r2(mean(gains[k]))])),
      clean_psnr_db: r2(mean(cleanPsnr)),
    }),
  );
}

main().catch((err: unknown) => {
  console.error(`eval-images: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
