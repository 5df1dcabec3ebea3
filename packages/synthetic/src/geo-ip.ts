import { FOREIGN, HOSTING, MARKET_LIST, PREPAID_BINS } from './reference/markets.js';

export const IpKinds = { Broadband: 'broadband', Mobile: 'mobile', Hosting: 'hosting' } as const;
export type IpKind = (typeof IpKinds)[keyof typeof IpKinds];

export interface IpInfo {
  /** ISO 3166-1 alpha-2 country the address is registered in. */
  readonly country: string;
  readonly kind: IpKind;
}

interface PrefixTables {
  readonly ip: ReadonlyMap<string, IpInfo>;
  readonly bin: ReadonlyMap<string, string>;
}

function buildTables(): PrefixTables {
  const ip = new Map<string, IpInfo>();
  const bin = new Map<string, string>();
  const addIp = (prefix: string, info: IpInfo): void => {
    const existing = ip.get(prefix);
    // Overlapping prefixes would make the synthetic geography ambiguous; fail loudly.
    if (existing) throw new Error(`IP prefix ${prefix} is listed for both ${existing.country} and ${info.country}`);
    ip.set(prefix, info);
  };
  const addBin = (b: string, country: string): void => {
    const existing = bin.get(b);
    if (existing !== undefined) throw new Error(`BIN ${b} is listed for both ${existing} and ${country}`);
    bin.set(b, country);
  };
  for (const m of MARKET_LIST) {
    for (const p of m.broadband) addIp(p, { country: m.code, kind: IpKinds.Broadband });
    for (const p of m.mobile) addIp(p, { country: m.code, kind: IpKinds.Mobile });
    if (m.mobileV6 !== undefined) addIp(m.mobileV6, { country: m.code, kind: IpKinds.Mobile });
    for (const b of m.cardBins) addBin(b, m.code);
  }
  for (const f of FOREIGN) {
    for (const p of f.broadband) addIp(p, { country: f.code, kind: IpKinds.Broadband });
    for (const b of f.cardBins) addBin(b, f.code);
  }
  for (const h of HOSTING) addIp(h.prefix, { country: h.country, kind: IpKinds.Hosting });
  for (const p of PREPAID_BINS) addBin(p.bin, p.country);
  return { ip, bin };
}

/** A hundred-odd entries, built once at import; building also proves the tables do not overlap. */
const TABLES: PrefixTables = buildTables();

function prefixOf(ip: string): string | undefined {
  if (ip.includes(':')) {
    const parts = ip.split(':');
    return parts.length >= 2 ? `${parts[0]}:${parts[1]}`.toLowerCase() : undefined;
  }
  const parts = ip.split('.');
  return parts.length === 4 ? `${parts[0]}.${parts[1]}` : undefined;
}

/**
 * Where an address the generator produced is registered, and what kind of network it is:
 * the synthetic world's GeoIP database. Unknown addresses give `undefined`.
 */
export function lookupIp(ip: string): IpInfo | undefined {
  const prefix = prefixOf(ip);
  return prefix === undefined ? undefined : TABLES.ip.get(prefix);
}

/** The issuing country of a card BIN the generator produced, or `undefined`. */
export function binCountry(bin: string): string | undefined {
  return TABLES.bin.get(bin);
}
