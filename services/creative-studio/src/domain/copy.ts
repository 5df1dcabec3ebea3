/**
 * Lookbook copy from templates, in the campaign's locale (en and sv; anything else falls back to
 * en): a title, an intro, a title per look and a blurb per product, filled from the shopper's
 * profile and the products. The local provider uses this; the Vertex provider falls back to it.
 */

export interface CopyProduct {
  readonly productId: string;
  readonly title: string;
  readonly brand: string;
  readonly category: string;
  readonly subcategory?: string;
  readonly colours: readonly string[];
  readonly price: { readonly value: number; readonly currency: string };
}

export interface CopyInput {
  readonly locale: string;
  readonly theme: string;
  readonly brief: string;
  readonly firstName?: string;
  /** The shopper's favourite category, when the profile has one. */
  readonly topCategory?: string;
  readonly looks: ReadonlyArray<{ readonly title: string; readonly items: ReadonlyArray<{ readonly product: CopyProduct }> }>;
  /** Recommended products in no look: they get a blurb too. */
  readonly more?: ReadonlyArray<{ readonly product: CopyProduct }>;
}

export interface LookbookCopy {
  readonly title: string;
  readonly intro: string;
  readonly lookTitles: readonly string[];
  /** productId -> one line about it. */
  readonly blurbs: Readonly<Record<string, string>>;
  readonly cta: string;
  /** Heading of the recommended products that are in no look. */
  readonly moreTitle: string;
}

export const LANGUAGES = ['en', 'sv'] as const;
export type Language = (typeof LANGUAGES)[number];

/** `sv-SE` -> `sv`; languages without templates -> `en`. */
export function languageOf(locale: string): Language {
  const lang = locale.slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(lang) ? (lang as Language) : 'en';
}

const CATEGORY: Readonly<Record<Language, Readonly<Record<string, string>>>> = {
  en: { tops: 'tops', bottoms: 'trousers and skirts', dresses: 'dresses', outerwear: 'outerwear', knitwear: 'knitwear', shoes: 'shoes', accessories: 'accessories', bags: 'bags' },
  sv: { tops: 'toppar', bottoms: 'byxor och kjolar', dresses: 'klänningar', outerwear: 'ytterkläder', knitwear: 'stickat', shoes: 'skor', accessories: 'accessoarer', bags: 'väskor' },
};

const COLOUR_SV: Readonly<Record<string, string>> = {
  black: 'svart', white: 'vitt', 'off-white': 'benvitt', navy: 'marinblått', 'grey melange': 'gråmelerat', grey: 'grått', beige: 'beige', camel: 'kamel',
  brown: 'brunt', olive: 'olivgrönt', khaki: 'khaki', burgundy: 'vinrött', red: 'rött', pink: 'rosa', 'light blue': 'ljusblått', blue: 'blått',
  green: 'grönt', cream: 'krämvitt', yellow: 'gult', lilac: 'lila', silver: 'silver', gold: 'guld',
};

interface Templates {
  title(firstName: string | undefined, theme: string): string;
  intro(topCategory: string | undefined, theme: string): string;
  look(index: number, category: string | undefined): string;
  blurb(p: CopyProduct, colour: string | undefined, price: string, favourite: boolean): string;
  cta: string;
  more: string;
  category(c: string): string;
  colour(c: string): string;
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

const TEMPLATES: Readonly<Record<Language, Templates>> = {
  en: {
    title: (name, theme) => (name ? `${name}, your ${theme}` : `Your ${theme}`),
    intro: (top, theme) =>
      top ? `We picked these for you: ${theme}, built around the ${CATEGORY.en[top] ?? top} you love, with pieces that go with what you already have.` : `We picked these for you: ${theme}, with pieces that go with what you already have.`,
    look: (i, c) => (c ? `Look ${i + 1}: ${CATEGORY.en[c] ?? c} first` : `Look ${i + 1}`),
    blurb: (p, colour, price, fav) => `${p.title} by ${p.brand}${colour ? ` in ${colour}` : ''}, ${price}.${fav ? ' A favourite of yours.' : ''}`,
    cta: 'Shop the look',
    more: 'More picks for you',
    category: (c) => CATEGORY.en[c] ?? c,
    colour: (c) => c,
  },
  sv: {
    title: (name, theme) => (name ? `${name}, din ${theme}` : `Din ${theme}`),
    intro: (top, theme) =>
      top ? `Vi har valt ut det här åt dig: ${theme}, med ${CATEGORY.sv[top] ?? top} som du gillar och plagg som passar till det du redan har.` : `Vi har valt ut det här åt dig: ${theme}, med plagg som passar till det du redan har.`,
    look: (i, c) => (c ? `Look ${i + 1}: ${CATEGORY.sv[c] ?? c} i fokus` : `Look ${i + 1}`),
    blurb: (p, colour, price, fav) => `${p.title} från ${p.brand}${colour ? ` i ${colour}` : ''}, ${price}.${fav ? ' En favorit hos dig.' : ''}`,
    cta: 'Handla looken',
    more: 'Fler tips till dig',
    category: (c) => CATEGORY.sv[c] ?? c,
    colour: (c) => COLOUR_SV[c] ?? c,
  },
};

/** Money in minor units, formatted for the locale (`1 299 kr`, `£24.99`). */
export function formatPrice(price: { value: number; currency: string }, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: price.currency, maximumFractionDigits: price.value % 100 === 0 ? 0 : 2 }).format(price.value / 100);
  } catch {
    return `${(price.value / 100).toFixed(2)} ${price.currency}`;
  }
}

/** The most common category of a look's products; on a tie the first (the look's anchor garment). */
function dominant(items: CopyInput['looks'][number]['items']): string | undefined {
  const counts = new Map<string, number>();
  for (const { product } of items) counts.set(product.category, (counts.get(product.category) ?? 0) + 1);
  // Map iteration follows insertion, and the sort is stable: equal counts keep the items' order.
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

export function templateCopy(input: CopyInput): LookbookCopy {
  const lang = languageOf(input.locale);
  const t = TEMPLATES[lang];
  const blurbs: Record<string, string> = {};
  for (const items of [...input.looks.map((l) => l.items), input.more ?? []]) {
    for (const { product } of items) {
      const colour = product.colours[0] ? t.colour(product.colours[0]) : undefined;
      blurbs[product.productId] = t.blurb(product, colour, formatPrice(product.price, input.locale), product.category === input.topCategory);
    }
  }
  return {
    title: cap(t.title(input.firstName, input.theme)),
    intro: t.intro(input.topCategory, input.theme),
    lookTitles: input.looks.map((look, i) => cap(t.look(i, dominant(look.items)))),
    blurbs,
    cta: t.cta,
    moreTitle: t.more,
  };
}
