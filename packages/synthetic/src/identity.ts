import { IdMinter, UniqueKeys, hashString } from './ids.js';
import type { Device, Instrument, Person } from './model.js';
import { APP_AGENTS, AUTOMATION_AGENTS, EMULATOR_AGENTS, TABLET_AGENTS, WEB_AGENTS, type AgentRef } from './reference/devices.js';
import { FOREIGN, HOSTING, MARKET_LIST, type CityRef, type ForeignRef, type MarketCode, type MarketRef } from './reference/markets.js';
import type { Rng } from './rng.js';
import type { PostalAddress } from './types.js';

const POSTCODE_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

/** Expands `#` to a digit and `@` to a postcode letter. */
export function fillPattern(pattern: string, rng: Rng): string {
  let out = '';
  for (const ch of pattern) {
    if (ch === '#') out += String(rng.int(0, 9));
    else if (ch === '@') out += POSTCODE_LETTERS.charAt(rng.int(0, POSTCODE_LETTERS.length - 1));
    else out += ch;
  }
  return out;
}

/** Letters an email address can carry: å→a, ø→o, æ→ae, ß→ss. */
export function asciiFold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ø/g, 'o')
    .replace(/Ø/g, 'O')
    .replace(/æ/g, 'ae')
    .replace(/Æ/g, 'Ae')
    .replace(/ß/g, 'ss');
}

function emailToken(text: string): string {
  return asciiFold(text).toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * A building-level key for an address: street and number, postcode and country, ignoring
 * whatever follows the first ", " of line1 (flat numbers, "c/o" names, pick-up point labels;
 * the contract joins further address lines onto line1 that way). Fraudsters vary those
 * extras to dodge exact matching; a graph built on this key still joins them.
 */
export function addressKey(address: PostalAddress): string {
  const norm = (s: string): string => asciiFold(s).toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  const street = address.line1.split(', ')[0] ?? address.line1;
  return `${address.country}|${norm(address.postalCode)}|${norm(street)}`;
}

function fullAddressKey(address: PostalAddress): string {
  return `${address.country}|${address.postalCode}|${address.line1}`;
}

/** Appends a further address line the way the contract wants it: after ", " on line1. */
export function withExtraLine(address: PostalAddress, extra: string): PostalAddress {
  return { ...address, line1: `${address.line1}, ${extra}` };
}

export function pickAgent(agents: readonly AgentRef[], rng: Rng): string {
  return rng.weighted(agents, agents.map((a) => a.weight)).userAgent;
}

export function pickCity(market: MarketRef, rng: Rng): CityRef {
  return rng.weighted(market.cities, market.cities.map((c) => c.weight));
}

export type DeviceKind = 'phone' | 'desktop' | 'tablet' | 'emulator' | 'automation';

export interface Ids {
  readonly users: IdMinter;
  readonly households: IdMinter;
  readonly devices: IdMinter;
  readonly cards: IdMinter;
  readonly banks: IdMinter;
}

/**
 * Makes people, contact details, addresses, network addresses, devices and payment
 * instruments. It remembers what it handed out so that emails, homes and home IPs are
 * unique unless sharing is meant (households, pick-up points, mobile carrier NAT, fraud).
 */
export class IdentityFactory {
  readonly ids: Ids;
  readonly #emails: UniqueKeys;
  readonly #homes: UniqueKeys;
  readonly #homeIps: UniqueKeys;
  readonly #mobilePools: ReadonlyMap<MarketCode, readonly string[]>;
  readonly #pickupPoints: ReadonlyMap<string, readonly PostalAddress[]>;

  private constructor(
    ids: Ids,
    registries: readonly [UniqueKeys, UniqueKeys, UniqueKeys],
    mobilePools: ReadonlyMap<MarketCode, readonly string[]>,
    pickupPoints: ReadonlyMap<string, readonly PostalAddress[]>,
  ) {
    this.ids = ids;
    [this.#emails, this.#homes, this.#homeIps] = registries;
    this.#mobilePools = mobilePools;
    this.#pickupPoints = pickupPoints;
  }

  /**
   * @param shoppersPerMarket sizes the carrier NAT pools: roughly one public address per
   *   25 subscribers, so honest app orders share IPs the way real mobile traffic does.
   */
  static create(seed: number, rng: Rng, shoppersPerMarket: ReadonlyMap<MarketCode, number>): IdentityFactory {
    const salt = (label: string): number => hashString(label, seed);
    const ids: Ids = {
      users: new IdMinter('u-', salt('users')),
      households: new IdMinter('h-', salt('households')),
      devices: new IdMinter('d-', salt('devices')),
      cards: new IdMinter('card-fp-', salt('cards')),
      banks: new IdMinter('bank-fp-', salt('banks')),
    };
    const registries = [new UniqueKeys(), new UniqueKeys(), new UniqueKeys()] as const;
    const mobilePools = new Map<MarketCode, string[]>();
    const pickupPoints = new Map<string, PostalAddress[]>();
    const poolRng = rng.fork('mobile-pools');
    const pickupRng = rng.fork('pickup-points');
    for (const market of MARKET_LIST) {
      const size = Math.max(24, Math.ceil((shoppersPerMarket.get(market.code) ?? 0) / 25));
      const pool = new Set<string>();
      while (pool.size < size) {
        const v6 = market.mobileV6 !== undefined && poolRng.chance(0.2);
        pool.add(v6 ? mobileV6(market.mobileV6 as string, poolRng) : ipIn(poolRng.pick(market.mobile), poolRng));
      }
      mobilePools.set(market.code, [...pool]);
      for (const city of market.cities) {
        const points: PostalAddress[] = [];
        const count = Math.max(2, Math.round(city.weight * 24));
        for (let i = 0; i < count; i++) {
          const street = streetLine(market, pickupRng);
          points.push({
            line1: `${street}, Pick-up point ${pickupRng.pick(market.pickupChains)}`,
            city: city.name,
            postalCode: fillPattern(pickupRng.pick(city.postal), pickupRng),
            country: market.code,
          });
        }
        pickupPoints.set(`${market.code}/${city.name}`, points);
      }
    }
    return new IdentityFactory(ids, registries, mobilePools, pickupPoints);
  }

  /** A copy whose future ids and claims continue from here without touching this one. */
  clone(): IdentityFactory {
    const ids: Ids = {
      users: this.ids.users.clone(),
      households: this.ids.households.clone(),
      devices: this.ids.devices.clone(),
      cards: this.ids.cards.clone(),
      banks: this.ids.banks.clone(),
    };
    return new IdentityFactory(
      ids,
      [this.#emails.clone(), this.#homes.clone(), this.#homeIps.clone()],
      this.#mobilePools,
      this.#pickupPoints,
    );
  }

  person(market: MarketRef, rng: Rng, lastName?: string): Person {
    return { first: rng.pick(market.firstNames), last: lastName ?? rng.pick(market.lastNames) };
  }

  /** An email the way people make them: name-based, sometimes with a birth year or a number. */
  personalEmail(person: Person, market: MarketRef, rng: Rng): string {
    const f = emailToken(person.first);
    const l = emailToken(person.last);
    const domain = rng.weighted(market.emailDomains, market.emailDomains.map((d) => d[1]))[0];
    return this.#emails.claim(
      (attempt) => {
        const yy = String(rng.int(60, 105) % 100).padStart(2, '0');
        const variants = [`${f}.${l}`, `${f}${l}`, `${f}.${l}${yy}`, `${f.charAt(0)}${l}`, `${f}_${l}`, `${f}${l}${rng.int(1, 99)}`, `${l}.${f}`];
        const local = rng.weighted(variants, [0.34, 0.14, 0.16, 0.1, 0.05, 0.11, 0.1]);
        return `${attempt < 3 ? local : `${local}${rng.int(100, 9999)}`}@${domain}`;
      },
      (e) => e,
      200,
    );
  }

  /** Emails that fraud scripts register in bulk: the caller builds the address, this keeps it unique. */
  claimEmail(make: (attempt: number) => string): string {
    return this.#emails.claim(make, (e) => e, 200);
  }

  /** A street address, sometimes with a flat or floor; `unique` claims it so no other household lives there. */
  streetAddress(market: MarketRef, city: CityRef, rng: Rng, unique: boolean): PostalAddress {
    const make = (): PostalAddress => {
      const address: PostalAddress = {
        line1: streetLine(market, rng),
        city: city.name,
        postalCode: fillPattern(rng.pick(city.postal), rng),
        country: market.code,
      };
      return rng.chance(market.unitShare) ? withExtraLine(address, fillPattern(rng.pick(market.unitPatterns), rng)) : address;
    };
    return unique ? this.#homes.claim(make, fullAddressKey, 200) : make();
  }

  pickupPoints(market: MarketRef, city: CityRef): readonly PostalAddress[] {
    return this.#pickupPoints.get(`${market.code}/${city.name}`) ?? [];
  }

  /** A fixed-line address no other household has. */
  homeIp(market: MarketRef, rng: Rng): string {
    return this.#homeIps.claim(() => ipIn(rng.pick(market.broadband), rng), (ip) => ip, 200);
  }

  /** Some fixed line in the market (a workplace, a café, a friend's flat). */
  otherBroadbandIp(market: MarketRef, rng: Rng): string {
    return ipIn(rng.pick(market.broadband), rng);
  }

  /** A carrier NAT address, shared with many other subscribers. */
  mobileIp(market: MarketRef, rng: Rng): string {
    return rng.pick(this.#mobilePools.get(market.code) ?? [ipIn(rng.pick(market.mobile), rng)]);
  }

  foreignIp(country: ForeignRef, rng: Rng): string {
    return ipIn(rng.pick(country.broadband), rng);
  }

  /** A data-centre address (VPN exit, proxy), optionally avoiding some registration countries. */
  hostingIp(rng: Rng, avoid: readonly string[] = []): string {
    const ranges = HOSTING.filter((h) => !avoid.includes(h.country));
    return ipIn(rng.pick(ranges.length > 0 ? ranges : HOSTING).prefix, rng);
  }

  device(kind: DeviceKind, rng: Rng): Device {
    const id = this.ids.devices.next();
    switch (kind) {
      case 'phone':
        return { id, userAgent: pickAgent(APP_AGENTS, rng), channel: 'app' };
      case 'desktop':
        return { id, userAgent: pickAgent(WEB_AGENTS, rng), channel: 'web' };
      case 'tablet':
        return { id, userAgent: pickAgent(TABLET_AGENTS, rng), channel: 'web' };
      case 'emulator':
        return { id, userAgent: pickAgent(EMULATOR_AGENTS, rng), channel: 'app' };
      case 'automation':
        return { id, userAgent: pickAgent(AUTOMATION_AGENTS, rng), channel: 'web' };
    }
  }

  card(country: string, bin: string): Instrument {
    return { id: this.ids.cards.next(), kind: 'card', bin, country };
  }

  bank(country: string): Instrument {
    return { id: this.ids.banks.next(), kind: 'bank', country };
  }
}

function streetLine(market: MarketRef, rng: Rng): string {
  const street = rng.pick(market.streets);
  // Low house numbers are commoner: most streets are short.
  const number = Math.min(199, 1 + Math.floor(rng.lognormal(14, 0.9)));
  return market.houseNumber === 'after' ? `${street} ${number}` : `${number} ${street}`;
}

function ipIn(prefix: string, rng: Rng): string {
  return `${prefix}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function mobileV6(prefix: string, rng: Rng): string {
  const hex4 = (): string => rng.int(0, 0xffff).toString(16);
  return `${prefix}:${hex4()}:${hex4()}::${rng.int(1, 0xff).toString(16)}`;
}

export function stolenCardCountry(rng: Rng): ForeignRef {
  return rng.weighted(FOREIGN, FOREIGN.map((f) => f.stolenCardWeight));
}

export function attackerCountry(rng: Rng): ForeignRef {
  return rng.weighted(FOREIGN, FOREIGN.map((f) => f.attackerWeight));
}
