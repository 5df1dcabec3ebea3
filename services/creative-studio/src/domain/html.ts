import type { LookbookCopy } from './copy.js';
import { escapeXml as esc } from './render.js';
import type { ThemePalette } from './palette.js';

export interface PageItem {
  readonly productId: string;
  readonly title: string;
  readonly brand: string;
  readonly price: string;
}

export interface LookbookPage {
  readonly lang: string;
  readonly copy: LookbookCopy;
  readonly palette: ThemePalette;
  /** File names next to the page: cover first, then one per look. */
  readonly pages: readonly string[];
  readonly looks: ReadonlyArray<{ readonly items: readonly PageItem[] }>;
  /** Recommended products that are in no look. */
  readonly more?: readonly PageItem[];
  readonly video?: { readonly src: string; readonly kind: 'webp' | 'uri'; readonly mimeType?: string };
  readonly footer: string;
}

/**
 * The lookbook as one HTML file that needs nothing but the files beside it: inline CSS, images by
 * relative path, so it opens from the blob store's directory and from the service's
 * /lookbooks/<campaign>/<shopper>/ route alike.
 */
export function lookbookHtml(p: LookbookPage): string {
  const c = p.palette;
  const li = (it: PageItem): string => `<li data-product="${esc(it.productId)}"><b>${esc(it.title)}</b> <span>${esc(it.brand)} · ${esc(it.price)}</span><br>${esc(p.copy.blurbs[it.productId] ?? '')}</li>`;
  const more = p.more?.length ? `\n  <section class="look"><h2>${esc(p.copy.moreTitle)}</h2><ul>${p.more.map(li).join('')}</ul></section>` : '';
  const looks = p.looks
    .map(
      (look, i) => `
  <section class="look">
    <h2>${esc(p.copy.lookTitles[i] ?? '')}</h2>
    <img class="page" src="${esc(p.pages[i + 1] ?? '')}" alt="${esc(p.copy.lookTitles[i] ?? '')}" loading="lazy">
    <ul>${look.items.map(li).join('')}</ul>
  </section>`,
    )
    .join('');
  const video = !p.video
    ? ''
    : p.video.kind === 'webp'
      ? `<section class="look"><img class="page" src="${esc(p.video.src)}" alt="slideshow"></section>`
      : `<section class="look"><video class="page" src="${esc(p.video.src)}" controls muted playsinline></video></section>`;
  return `<!doctype html>
<html lang="${esc(p.lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.copy.title)}</title>
<style>
  body { margin: 0; background: ${c.background}; color: ${c.ink}; font-family: Georgia, 'DejaVu Serif', serif; }
  main { max-width: 720px; margin: 0 auto; padding: 24px 16px 64px; }
  h1 { font-size: 2.2rem; line-height: 1.15; margin: 8px 0 12px; }
  h2 { font-size: 1.4rem; margin: 40px 0 12px; color: ${c.accent}; }
  p.intro { font-family: system-ui, sans-serif; color: ${c.muted}; font-size: 1.05rem; line-height: 1.5; }
  img.page, video.page { width: 100%; height: auto; border-radius: 8px; display: block; }
  ul { list-style: none; padding: 0; font-family: system-ui, sans-serif; }
  li { padding: 10px 0; border-bottom: 1px solid ${c.muted}33; line-height: 1.45; }
  li span { color: ${c.muted}; }
  a.cta { display: inline-block; margin-top: 32px; padding: 12px 22px; background: ${c.accent}; color: ${c.background}; text-decoration: none; border-radius: 999px; font-family: system-ui, sans-serif; }
  footer { margin-top: 40px; font: 0.8rem system-ui, sans-serif; color: ${c.muted}; }
</style>
</head>
<body>
<main>
  <img class="page" src="${esc(p.pages[0] ?? '')}" alt="${esc(p.copy.title)}">
  <h1>${esc(p.copy.title)}</h1>
  <p class="intro">${esc(p.copy.intro)}</p>${looks}${more}${video}
  <a class="cta" href="#">${esc(p.copy.cta)}</a>
  <footer>${esc(p.footer)}</footer>
</main>
</body>
</html>
`;
}

/** Relative file names a page references (`src="..."`), for checks. */
export function referencedFiles(html: string): string[] {
  return [...html.matchAll(/src="([^"]+)"/g)].map((m) => m[1]!).filter((s) => !/^[a-z]+:/i.test(s));
}
