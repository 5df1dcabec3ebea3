import { formatPrice, languageOf, templateCopy, type CopyInput } from './copy.js';

const product = (productId: string, category: string, colour = 'black') => ({ productId, title: `Item ${productId}`, brand: 'Basico', category, colours: [colour], price: { value: 29900, currency: 'SEK' } });
const input = (locale: string, firstName?: string): CopyInput => ({
  locale,
  theme: 'nya säsong',
  brief: 'b',
  ...(firstName ? { firstName } : {}),
  topCategory: 'shoes',
  looks: [{ title: 'x', items: [{ product: product('p-1', 'bottoms', 'navy') }, { product: product('p-2', 'shoes') }] }],
  more: [{ product: product('p-3', 'bags') }],
});

describe('template copy', () => {
  it('writes Swedish for sv-SE from the profile and products, with a blurb for every product', () => {
    const c = templateCopy(input('sv-SE', 'Alva'));
    expect(c.title).toBe('Alva, din nya säsong');
    expect(c.lookTitles).toEqual(['Look 1: byxor och kjolar i fokus']);
    expect(c.blurbs['p-1']).toMatch(/^Item p-1 från Basico i marinblått, 299\s?kr\.$/);
    expect(c.blurbs['p-2']).toContain('En favorit hos dig.');
    expect(Object.keys(c.blurbs).sort()).toEqual(['p-1', 'p-2', 'p-3']);
    expect(c.cta).toBe('Handla looken');
  });

  it('falls back to English for a language without templates, and leaves the name out when unknown', () => {
    expect(languageOf('de-DE')).toBe('en');
    const c = templateCopy(input('de-DE'));
    expect(c.title).toBe('Your nya säsong');
    expect(c.blurbs['p-1']).toContain('by Basico in navy');
  });

  it('formats money in minor units for the locale', () => {
    expect(formatPrice({ value: 2499, currency: 'GBP' }, 'en-GB')).toBe('£24.99');
    expect(formatPrice({ value: 129900, currency: 'SEK' }, 'sv-SE')).toMatch(/^1\s299\skr$/);
  });
});
