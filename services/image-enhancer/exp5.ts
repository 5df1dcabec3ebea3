import { cleanSample, degrade } from './src/domain/samples.js';
import { analyse } from './src/domain/analyse.js';
import { deblur } from './src/domain/enhance.js';
import { psnr } from './src/domain/similarity.js';
import { fromRaw, resizeRaw, toRaw } from './src/domain/raw.js';
const c = await cleanSample({ seed: 7, clutter: true, background: '#9a8f80' });
console.log(JSON.stringify(analyse(c, { targetLongSidePx: 1200 })));
for (const seed of [11, 12]) {
  const clean = await cleanSample({ seed, width: 480, height: 600 });
  const small = await degrade(clean, 'small');
  const base = await resizeRaw(small, 480, 600, 'cubic');
  const l3 = await resizeRaw(small, 480, 600, 'lanczos3');
  const res: Record<string, number> = { cubic: psnr(clean, base), lanczos3: psnr(clean, l3) };
  for (const s of [0.8, 1.2, 1.6, 2.0]) for (const it of [3, 6, 10]) res[`rl${s}x${it}`] = psnr(clean, deblur(l3, s, it));
  for (const sg of [0.8, 1.2]) res[`usm${sg}`] = psnr(clean, await toRaw(fromRaw(l3).sharpen({ sigma: sg, m1: 0.5, m2: 1.5 })));
  console.log(seed, Object.entries(res).map(([k, v]) => `${k}=${v.toFixed(2)}`).join(' '));
}
