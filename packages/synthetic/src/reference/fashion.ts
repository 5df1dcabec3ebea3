/** Reference data for a fashion catalogue. Brand and merchant names are invented. */

export const Categories = ['tops', 'bottoms', 'dresses', 'outerwear', 'knitwear', 'shoes', 'accessories', 'bags'] as const;
export type Category = (typeof Categories)[number];

export const BrandTiers = ['budget', 'mid', 'premium', 'luxury'] as const;
export type BrandTier = (typeof BrandTiers)[number];

/** Multiplier on a subcategory's reference price. */
export const TIER_PRICE: Readonly<Record<BrandTier, number>> = { budget: 0.55, mid: 1, premium: 1.9, luxury: 4.2 };

export type SizeSystem = 'letter' | 'shoe' | 'one';

export interface SubcategoryRef {
  readonly name: string;
  /** Singular noun used in titles. */
  readonly noun: string;
  /** Median reference price in euros for a mid-tier brand. */
  readonly euros: number;
  /** Relative share of the category's products. */
  readonly weight: number;
}

export interface CategoryRef {
  readonly name: Category;
  /** Share of a typical catalogue. */
  readonly weight: number;
  readonly sizes: SizeSystem;
  readonly subcategories: readonly SubcategoryRef[];
  readonly materials: readonly string[];
  readonly adjectives: readonly string[];
  /** Categories bought together with this one ("complete the look"), strongest first. */
  readonly complements: readonly Category[];
  /** Resold easily at a good price; what fraud rings and mules go for. */
  readonly resellable: boolean;
}

export const CATEGORIES: Readonly<Record<Category, CategoryRef>> = {
  tops: {
    name: 'tops', weight: 0.2, sizes: 'letter',
    subcategories: [
      { name: 't-shirts', noun: 't-shirt', euros: 19, weight: 3 },
      { name: 'shirts', noun: 'shirt', euros: 39, weight: 2 },
      { name: 'blouses', noun: 'blouse', euros: 45, weight: 2 },
      { name: 'tank-tops', noun: 'tank top', euros: 15, weight: 1 },
      { name: 'sweatshirts', noun: 'sweatshirt', euros: 45, weight: 1.5 },
      { name: 'hoodies', noun: 'hoodie', euros: 49, weight: 1 },
    ],
    materials: ['cotton', 'organic cotton', 'linen', 'jersey', 'silk-blend', 'poplin', 'lyocell'],
    adjectives: ['relaxed', 'oversized', 'fitted', 'cropped', 'boxy', 'classic', 'ribbed', 'striped'],
    complements: ['bottoms', 'outerwear', 'accessories', 'knitwear'], resellable: false,
  },
  bottoms: {
    name: 'bottoms', weight: 0.16, sizes: 'letter',
    subcategories: [
      { name: 'jeans', noun: 'jeans', euros: 59, weight: 3 },
      { name: 'trousers', noun: 'trousers', euros: 55, weight: 2.5 },
      { name: 'skirts', noun: 'skirt', euros: 45, weight: 2 },
      { name: 'shorts', noun: 'shorts', euros: 29, weight: 1 },
      { name: 'leggings', noun: 'leggings', euros: 29, weight: 0.8 },
    ],
    materials: ['denim', 'wool-blend', 'cotton twill', 'linen', 'corduroy', 'satin'],
    adjectives: ['wide-leg', 'straight', 'slim', 'high-waist', 'pleated', 'tailored', 'relaxed', 'barrel-leg'],
    complements: ['tops', 'shoes', 'knitwear', 'accessories'], resellable: false,
  },
  dresses: {
    name: 'dresses', weight: 0.12, sizes: 'letter',
    subcategories: [
      { name: 'midi-dresses', noun: 'midi dress', euros: 69, weight: 2 },
      { name: 'maxi-dresses', noun: 'maxi dress', euros: 79, weight: 1.5 },
      { name: 'mini-dresses', noun: 'mini dress', euros: 49, weight: 1.5 },
      { name: 'shirt-dresses', noun: 'shirt dress', euros: 65, weight: 1 },
      { name: 'knitted-dresses', noun: 'knitted dress', euros: 75, weight: 1 },
    ],
    materials: ['satin', 'jersey', 'viscose', 'linen', 'crepe', 'poplin', 'lace'],
    adjectives: ['wrap', 'slip', 'puff-sleeve', 'fitted', 'tiered', 'draped', 'smocked', 'belted'],
    complements: ['shoes', 'bags', 'accessories', 'outerwear'], resellable: false,
  },
  outerwear: {
    name: 'outerwear', weight: 0.12, sizes: 'letter',
    subcategories: [
      { name: 'coats', noun: 'coat', euros: 169, weight: 2.5 },
      { name: 'puffer-jackets', noun: 'puffer jacket', euros: 139, weight: 2 },
      { name: 'trench-coats', noun: 'trench coat', euros: 149, weight: 1 },
      { name: 'blazers', noun: 'blazer', euros: 99, weight: 1.5 },
      { name: 'denim-jackets', noun: 'denim jacket', euros: 69, weight: 1 },
      { name: 'parkas', noun: 'parka', euros: 189, weight: 1 },
    ],
    materials: ['wool-blend', 'recycled down', 'cotton gabardine', 'leather', 'suede', 'teddy', 'technical nylon'],
    adjectives: ['double-breasted', 'single-breasted', 'hooded', 'belted', 'oversized', 'tailored', 'quilted', 'longline'],
    complements: ['knitwear', 'accessories', 'bottoms', 'shoes'], resellable: true,
  },
  knitwear: {
    name: 'knitwear', weight: 0.11, sizes: 'letter',
    subcategories: [
      { name: 'sweaters', noun: 'sweater', euros: 59, weight: 3 },
      { name: 'cardigans', noun: 'cardigan', euros: 65, weight: 2 },
      { name: 'turtlenecks', noun: 'turtleneck', euros: 55, weight: 1.5 },
      { name: 'knitted-vests', noun: 'knitted vest', euros: 45, weight: 1 },
    ],
    materials: ['merino', 'cashmere-blend', 'cotton', 'lambswool', 'mohair-blend', 'alpaca-blend'],
    adjectives: ['chunky', 'fine-knit', 'cable-knit', 'ribbed', 'oversized', 'cropped', 'relaxed', 'striped'],
    complements: ['bottoms', 'outerwear', 'accessories', 'tops'], resellable: false,
  },
  shoes: {
    name: 'shoes', weight: 0.13, sizes: 'shoe',
    subcategories: [
      { name: 'sneakers', noun: 'sneakers', euros: 89, weight: 3 },
      { name: 'ankle-boots', noun: 'ankle boots', euros: 129, weight: 2 },
      { name: 'loafers', noun: 'loafers', euros: 99, weight: 1.5 },
      { name: 'sandals', noun: 'sandals', euros: 49, weight: 1 },
      { name: 'heels', noun: 'heels', euros: 79, weight: 1 },
      { name: 'chelsea-boots', noun: 'chelsea boots', euros: 139, weight: 1.5 },
    ],
    materials: ['leather', 'suede', 'canvas', 'recycled mesh', 'patent leather', 'nubuck'],
    adjectives: ['chunky', 'minimal', 'pointed', 'lug-sole', 'classic', 'platform', 'low-top', 'lace-up'],
    complements: ['bottoms', 'dresses', 'bags', 'accessories'], resellable: true,
  },
  accessories: {
    name: 'accessories', weight: 0.1, sizes: 'one',
    subcategories: [
      { name: 'scarves', noun: 'scarf', euros: 29, weight: 2 },
      { name: 'beanies', noun: 'beanie', euros: 19, weight: 1.5 },
      { name: 'belts', noun: 'belt', euros: 29, weight: 1.5 },
      { name: 'sunglasses', noun: 'sunglasses', euros: 39, weight: 1 },
      { name: 'earrings', noun: 'earrings', euros: 19, weight: 1.5 },
      { name: 'gloves', noun: 'gloves', euros: 25, weight: 1 },
      { name: 'socks', noun: 'socks', euros: 9, weight: 1.5 },
      { name: 'caps', noun: 'cap', euros: 19, weight: 1 },
    ],
    materials: ['wool', 'silk', 'leather', 'recycled polyester', 'gold-plated', 'cotton', 'cashmere'],
    adjectives: ['classic', 'minimal', 'oversized', 'chunky', 'slim', 'ribbed', 'hoop', 'embroidered'],
    complements: ['tops', 'outerwear', 'bags', 'knitwear'], resellable: false,
  },
  bags: {
    name: 'bags', weight: 0.06, sizes: 'one',
    subcategories: [
      { name: 'tote-bags', noun: 'tote bag', euros: 59, weight: 2 },
      { name: 'crossbody-bags', noun: 'crossbody bag', euros: 69, weight: 2 },
      { name: 'backpacks', noun: 'backpack', euros: 79, weight: 1.5 },
      { name: 'shoulder-bags', noun: 'shoulder bag', euros: 89, weight: 1.5 },
      { name: 'clutches', noun: 'clutch', euros: 49, weight: 1 },
    ],
    materials: ['leather', 'canvas', 'recycled nylon', 'suede', 'quilted leather', 'raffia'],
    adjectives: ['structured', 'soft', 'mini', 'oversized', 'classic', 'slouchy', 'quilted', 'woven'],
    complements: ['shoes', 'accessories', 'dresses', 'outerwear'], resellable: true,
  },
};

export interface ColourRef {
  readonly name: string;
  /** Three-letter code used in SKUs. */
  readonly code: string;
  readonly weight: number;
}

export const COLOURS: readonly ColourRef[] = [
  { name: 'black', code: 'blk', weight: 0.2 },
  { name: 'white', code: 'wht', weight: 0.1 },
  { name: 'off-white', code: 'owh', weight: 0.06 },
  { name: 'navy', code: 'nvy', weight: 0.07 },
  { name: 'grey melange', code: 'gry', weight: 0.07 },
  { name: 'beige', code: 'bge', weight: 0.07 },
  { name: 'camel', code: 'cml', weight: 0.05 },
  { name: 'brown', code: 'brn', weight: 0.05 },
  { name: 'olive', code: 'olv', weight: 0.04 },
  { name: 'khaki', code: 'kha', weight: 0.03 },
  { name: 'burgundy', code: 'brg', weight: 0.04 },
  { name: 'red', code: 'red', weight: 0.03 },
  { name: 'pink', code: 'pnk', weight: 0.04 },
  { name: 'light blue', code: 'lbl', weight: 0.04 },
  { name: 'blue', code: 'blu', weight: 0.03 },
  { name: 'green', code: 'grn', weight: 0.03 },
  { name: 'cream', code: 'crm', weight: 0.04 },
  { name: 'yellow', code: 'ylw', weight: 0.02 },
  { name: 'lilac', code: 'lil', weight: 0.02 },
  { name: 'silver', code: 'slv', weight: 0.01 },
  { name: 'gold', code: 'gld', weight: 0.01 },
];

export const LETTER_SIZES = ['XXS', 'XS', 'S', 'M', 'L', 'XL', 'XXL'] as const;
export const SHOE_SIZES = ['35', '36', '37', '38', '39', '40', '41', '42', '43', '44', '45', '46'] as const;
export const ONE_SIZE = 'ONE SIZE';

export interface BrandRef {
  readonly name: string;
  readonly tier: BrandTier;
  readonly categories: readonly Category[];
}

const APPAREL: readonly Category[] = ['tops', 'bottoms', 'dresses', 'outerwear', 'knitwear', 'accessories'];

export const BRANDS: readonly BrandRef[] = [
  { name: 'Basico', tier: 'budget', categories: [...APPAREL, 'shoes', 'bags'] },
  { name: 'Lumi Basics', tier: 'budget', categories: ['tops', 'bottoms', 'knitwear', 'accessories'] },
  { name: 'Stad', tier: 'budget', categories: [...APPAREL, 'shoes'] },
  { name: 'Kora', tier: 'budget', categories: ['tops', 'dresses', 'bottoms', 'accessories', 'bags'] },
  { name: 'Everyday Nord', tier: 'budget', categories: ['tops', 'bottoms', 'knitwear', 'outerwear'] },
  { name: 'Norrsken', tier: 'mid', categories: APPAREL },
  { name: 'Saltvik', tier: 'mid', categories: ['tops', 'knitwear', 'outerwear', 'accessories'] },
  { name: 'Halden', tier: 'mid', categories: ['bottoms', 'tops', 'outerwear'] },
  { name: 'Ostra Studio', tier: 'mid', categories: ['dresses', 'tops', 'bottoms', 'knitwear'] },
  { name: 'Bryn', tier: 'mid', categories: APPAREL },
  { name: 'Morrow', tier: 'mid', categories: ['tops', 'bottoms', 'outerwear', 'shoes'] },
  { name: 'Elva', tier: 'mid', categories: ['dresses', 'tops', 'accessories', 'bags'] },
  { name: 'Vass', tier: 'mid', categories: ['outerwear', 'knitwear', 'bottoms'] },
  { name: 'Linde', tier: 'mid', categories: ['dresses', 'knitwear', 'tops'] },
  { name: 'Alder & Ash', tier: 'mid', categories: ['tops', 'bottoms', 'outerwear', 'knitwear'] },
  { name: 'Marea', tier: 'mid', categories: ['dresses', 'tops', 'accessories'] },
  { name: 'Stride & Co', tier: 'mid', categories: ['shoes'] },
  { name: 'Carryall', tier: 'mid', categories: ['bags', 'accessories'] },
  { name: 'Ullvik', tier: 'mid', categories: ['knitwear', 'accessories'] },
  { name: 'Fjell & Co', tier: 'premium', categories: ['outerwear', 'knitwear', 'accessories'] },
  { name: 'Atelier Lind', tier: 'premium', categories: ['dresses', 'tops', 'bottoms', 'outerwear'] },
  { name: 'Kolm', tier: 'premium', categories: ['tops', 'bottoms', 'outerwear', 'knitwear', 'shoes'] },
  { name: 'Tundra Studio', tier: 'premium', categories: ['outerwear', 'knitwear', 'bottoms'] },
  { name: 'Hav', tier: 'premium', categories: ['dresses', 'tops', 'knitwear', 'accessories'] },
  { name: 'Sorrel', tier: 'premium', categories: ['shoes', 'bags'] },
  { name: 'Varde', tier: 'premium', categories: ['bags', 'accessories'] },
  { name: 'Juni Studio', tier: 'premium', categories: ['dresses', 'tops', 'bottoms', 'bags'] },
  { name: 'Gait', tier: 'premium', categories: ['shoes'] },
  { name: 'Maison Brume', tier: 'luxury', categories: ['outerwear', 'dresses', 'bags', 'accessories'] },
  { name: 'Aurelle', tier: 'luxury', categories: ['bags', 'shoes', 'accessories'] },
  { name: 'Valenor', tier: 'luxury', categories: ['outerwear', 'knitwear', 'shoes', 'bags'] },
  { name: 'Casa Ferro', tier: 'luxury', categories: ['shoes', 'bags', 'accessories'] },
];

export const MERCHANT_NAME_PARTS = {
  first: ['Nordic', 'Studio', 'Atelier', 'Urban', 'Fjord', 'Maison', 'Nova', 'Linnea', 'Vinter', 'Strand', 'Kontor', 'Juni', 'Solhem', 'Haga', 'Norr', 'Amber', 'Willow', 'Saga'],
  second: ['Threads', 'Wardrobe', 'Collective', 'Store', 'Supply', 'Label', 'Closet', 'Boutique', 'Outfitters', 'Edit', 'House', 'Rooms', 'Goods', 'Market'],
} as const;

export const MerchantKinds = ['department', 'boutique', 'footwear', 'bags', 'basics'] as const;
export type MerchantKind = (typeof MerchantKinds)[number];

export const SEASON_TAGS = ['winter', 'autumn', 'all-season', 'party', 'workwear', 'holiday'] as const;
export const QUALITY_TAGS = ['sustainable', 'bestseller', 'new-in', 'limited-edition', 'recycled', 'handmade'] as const;
