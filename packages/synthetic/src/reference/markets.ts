/**
 * Reference data for the countries the synthetic world trades in, and for the foreign
 * countries fraud and travel come from.
 *
 * IP prefixes and card BINs are those of the synthetic world, not claims about who owns them
 * in reality; `lookupIp` and `binCountry` answer from these tables so that a consumer (a
 * feature pipeline, a test) sees the same geography the generator used.
 */

export const MarketCodes = ['SE', 'NO', 'DK', 'FI', 'DE', 'GB', 'NL'] as const;
export type MarketCode = (typeof MarketCodes)[number];

export const Currencies = ['SEK', 'NOK', 'DKK', 'EUR', 'GBP'] as const;
export type Currency = (typeof Currencies)[number];

/** Units of the currency per euro, for turning a euro reference price into a local shelf price. */
export const PER_EURO: Readonly<Record<Currency, number>> = { SEK: 11.5, NOK: 11.7, DKK: 7.46, EUR: 1, GBP: 0.85 };

export interface CityRef {
  readonly name: string;
  /** Relative population, which drives where shoppers live. */
  readonly weight: number;
  /** Postal code patterns: `#` a digit, `@` a letter used in postcodes. */
  readonly postal: readonly string[];
}

export interface MarketRef {
  readonly code: MarketCode;
  readonly currency: Currency;
  /** Share of shoppers who live in this market. */
  readonly shopperWeight: number;
  /** Share of merchants based here. */
  readonly merchantWeight: number;
  /** Standard time offset from UTC in November, for night-time fraud. */
  readonly utcOffsetHours: number;
  readonly cities: readonly CityRef[];
  readonly streets: readonly string[];
  /** `after`: "Storgatan 12"; `before`: "12 High Street". */
  readonly houseNumber: 'after' | 'before';
  /** Apartment or floor designations, for line2. */
  readonly unitPatterns: readonly string[];
  readonly unitShare: number;
  readonly firstNames: readonly string[];
  readonly lastNames: readonly string[];
  readonly emailDomains: readonly (readonly [domain: string, weight: number])[];
  /** Fixed-line broadband, first two octets. */
  readonly broadband: readonly string[];
  /** Mobile carriers, first two octets; carriers put many subscribers behind one address (CGNAT). */
  readonly mobile: readonly string[];
  /** Mobile IPv6 prefix (first two hextets), for the share of carriers that hand out IPv6. */
  readonly mobileV6?: string;
  readonly cardBins: readonly string[];
  readonly bankCodes: readonly string[];
  /** Chains that host parcel pick-up points, which many unrelated shoppers ship to. */
  readonly pickupChains: readonly string[];
}

export const MARKETS: Readonly<Record<MarketCode, MarketRef>> = {
  SE: {
    code: 'SE', currency: 'SEK', shopperWeight: 0.3, merchantWeight: 0.32, utcOffsetHours: 1,
    cities: [
      { name: 'Stockholm', weight: 0.4, postal: ['11# ##', '12# ##', '16# ##', '17# ##'] },
      { name: 'Göteborg', weight: 0.2, postal: ['41# ##', '42# ##'] },
      { name: 'Malmö', weight: 0.14, postal: ['21# ##'] },
      { name: 'Uppsala', weight: 0.08, postal: ['75# ##'] },
      { name: 'Linköping', weight: 0.05, postal: ['58# ##'] },
      { name: 'Örebro', weight: 0.05, postal: ['70# ##'] },
      { name: 'Umeå', weight: 0.04, postal: ['90# ##'] },
      { name: 'Västerås', weight: 0.04, postal: ['72# ##'] },
    ],
    streets: ['Sveavägen', 'Drottninggatan', 'Storgatan', 'Kungsgatan', 'Götgatan', 'Hornsgatan', 'Odengatan', 'Vasagatan', 'Skolgatan', 'Kyrkogatan', 'Linnégatan', 'Björkvägen', 'Tallvägen', 'Ringvägen', 'Nygatan', 'Parkvägen', 'Östra Långgatan', 'Järnvägsgatan'],
    houseNumber: 'after', unitPatterns: ['lgh 1###', 'lgh 1###', '#tr'], unitShare: 0.45,
    firstNames: ['Alva', 'Elsa', 'Maja', 'Astrid', 'Wilma', 'Saga', 'Ebba', 'Alice', 'Olivia', 'Vera', 'Freja', 'Ella', 'Selma', 'Signe', 'Elin', 'Klara', 'Linnea', 'Sara', 'Emma', 'Johanna', 'Hanna', 'Ida', 'Oscar', 'William', 'Liam', 'Lucas', 'Elias', 'Hugo', 'Noah', 'Erik', 'Johan', 'Karl', 'Anders', 'Nils', 'Axel', 'Viktor', 'Filip', 'Gustav'],
    lastNames: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson', 'Pettersson', 'Jonsson', 'Lindberg', 'Lindqvist', 'Lind', 'Berg', 'Axelsson', 'Bergström', 'Lundberg', 'Holm', 'Sandberg', 'Ström', 'Åberg', 'Sjöberg', 'Wallin', 'Engström', 'Lundgren', 'Forsberg', 'Nyström', 'Hedlund'],
    emailDomains: [['gmail.com', 0.38], ['hotmail.com', 0.15], ['outlook.com', 0.1], ['icloud.com', 0.12], ['telia.com', 0.07], ['live.se', 0.06], ['yahoo.se', 0.04], ['bredband.net', 0.05], ['spray.se', 0.03]],
    broadband: ['81.230', '90.224', '83.253', '213.112'], mobile: ['78.67', '46.59'], mobileV6: '2a02:aa1',
    cardBins: ['454545', '457123', '489876', '516730', '522604', '475130'], bankCodes: ['se-3300', 'se-5000', 'se-6000', 'se-8000', 'se-9020'],
    pickupChains: ['ICA Nära', 'Coop', 'Pressbyrån', 'Hemköp', 'Circle K', 'Instabox skåp'],
  },
  NO: {
    code: 'NO', currency: 'NOK', shopperWeight: 0.1, merchantWeight: 0.1, utcOffsetHours: 1,
    cities: [
      { name: 'Oslo', weight: 0.45, postal: ['01##', '02##', '04##', '05##', '06##'] },
      { name: 'Bergen', weight: 0.2, postal: ['50##', '51##'] },
      { name: 'Trondheim', weight: 0.15, postal: ['70##', '74##'] },
      { name: 'Stavanger', weight: 0.12, postal: ['40##', '41##'] },
      { name: 'Tromsø', weight: 0.08, postal: ['90##'] },
    ],
    streets: ['Storgata', 'Kirkegata', 'Dronningens gate', 'Kongens gate', 'Thereses gate', 'Bogstadveien', 'Markveien', 'Skippergata', 'Parkveien', 'Sognsveien', 'Ullevålsveien', 'Torggata', 'Nedre Slottsgate', 'Hegdehaugsveien'],
    houseNumber: 'after', unitPatterns: ['H0###', 'H0###'], unitShare: 0.4,
    firstNames: ['Nora', 'Emma', 'Ella', 'Sofie', 'Ingrid', 'Olivia', 'Maja', 'Leah', 'Sara', 'Frida', 'Hedda', 'Thea', 'Jakob', 'Emil', 'Noah', 'Oliver', 'Filip', 'William', 'Lukas', 'Henrik', 'Magnus', 'Sondre'],
    lastNames: ['Hansen', 'Johansen', 'Olsen', 'Larsen', 'Andersen', 'Pedersen', 'Nilsen', 'Kristiansen', 'Jensen', 'Karlsen', 'Johnsen', 'Pettersen', 'Eriksen', 'Berg', 'Haugen', 'Hagen', 'Johannessen', 'Andreassen', 'Jacobsen', 'Dahl', 'Halvorsen', 'Lie', 'Solberg', 'Bakken'],
    emailDomains: [['gmail.com', 0.45], ['hotmail.com', 0.14], ['online.no', 0.1], ['icloud.com', 0.12], ['outlook.com', 0.1], ['live.no', 0.05], ['yahoo.no', 0.04]],
    broadband: ['84.208', '84.212', '109.247', '81.166'], mobile: ['77.16', '46.15'],
    cardBins: ['492500', '458106', '520473', '557841'], bankCodes: ['no-1503', 'no-1200', 'no-3000', 'no-9710'],
    pickupChains: ['Posten i butikk Kiwi', 'Post i butikk Rema 1000', 'Narvesen', 'Helthjem Joker', 'Posten pakkeboks'],
  },
  DK: {
    code: 'DK', currency: 'DKK', shopperWeight: 0.1, merchantWeight: 0.1, utcOffsetHours: 1,
    cities: [
      { name: 'København', weight: 0.45, postal: ['1###', '2###'] },
      { name: 'Aarhus', weight: 0.22, postal: ['80##', '82##'] },
      { name: 'Odense', weight: 0.14, postal: ['50##'] },
      { name: 'Aalborg', weight: 0.12, postal: ['90##', '92##'] },
      { name: 'Esbjerg', weight: 0.07, postal: ['67##'] },
    ],
    streets: ['Nørregade', 'Vesterbrogade', 'Østerbrogade', 'Jagtvej', 'Amagerbrogade', 'Strandvejen', 'Søndergade', 'Kongensgade', 'Frederiksberg Allé', 'Gothersgade', 'Istedgade', 'Blegdamsvej', 'Skolegade', 'Vestergade'],
    houseNumber: 'after', unitPatterns: ['#. tv', '#. th', '#. mf', 'st. tv'], unitShare: 0.55,
    firstNames: ['Ida', 'Freja', 'Clara', 'Emma', 'Alma', 'Karla', 'Anna', 'Sofie', 'Laura', 'Mathilde', 'Nanna', 'Signe', 'Josefine', 'Mikkel', 'Frederik', 'Mads', 'Rasmus', 'Oliver', 'Magnus', 'Christian', 'Jonas', 'Anders'],
    lastNames: ['Nielsen', 'Jensen', 'Hansen', 'Pedersen', 'Andersen', 'Christensen', 'Larsen', 'Sørensen', 'Rasmussen', 'Jørgensen', 'Petersen', 'Madsen', 'Kristensen', 'Olsen', 'Thomsen', 'Poulsen', 'Johansen', 'Møller', 'Mortensen', 'Knudsen'],
    emailDomains: [['gmail.com', 0.42], ['hotmail.com', 0.16], ['outlook.dk', 0.08], ['icloud.com', 0.12], ['live.dk', 0.08], ['mail.dk', 0.07], ['jubii.dk', 0.04], ['yahoo.dk', 0.03]],
    broadband: ['87.48', '80.62', '2.104', '93.161'], mobile: ['5.186', '37.96'],
    cardBins: ['457172', '571300', '521837', '403280'], bankCodes: ['dk-2000', 'dk-3000', 'dk-9570', 'dk-5301'],
    pickupChains: ['Netto', 'Føtex', 'SuperBrugsen', 'Pakkeboks GLS', 'Daglí Brugsen'],
  },
  FI: {
    code: 'FI', currency: 'EUR', shopperWeight: 0.08, merchantWeight: 0.08, utcOffsetHours: 2,
    cities: [
      { name: 'Helsinki', weight: 0.42, postal: ['001#0', '002#0', '005#0', '008#0'] },
      { name: 'Espoo', weight: 0.17, postal: ['021#0', '026#0'] },
      { name: 'Tampere', weight: 0.17, postal: ['331#0', '335#0'] },
      { name: 'Turku', weight: 0.13, postal: ['201#0', '205#0'] },
      { name: 'Oulu', weight: 0.11, postal: ['901#0', '905#0'] },
    ],
    streets: ['Mannerheimintie', 'Aleksanterinkatu', 'Hämeenkatu', 'Fredrikinkatu', 'Kauppakatu', 'Runeberginkatu', 'Kalevankatu', 'Puistokatu', 'Koulukatu', 'Mechelininkatu', 'Itäinen Pitkäkatu', 'Satakunnankatu'],
    houseNumber: 'after', unitPatterns: ['A #', 'B ##', 'C ##', 'as ##'], unitShare: 0.6,
    firstNames: ['Aino', 'Eevi', 'Helmi', 'Sofia', 'Aada', 'Ella', 'Emma', 'Venla', 'Linnea', 'Iida', 'Pihla', 'Siiri', 'Onni', 'Eino', 'Väinö', 'Elias', 'Leo', 'Mikael', 'Juho', 'Matias', 'Ville', 'Antti'],
    lastNames: ['Korhonen', 'Virtanen', 'Mäkinen', 'Nieminen', 'Mäkelä', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen', 'Järvinen', 'Lehtonen', 'Lehtinen', 'Saarinen', 'Salminen', 'Heinonen', 'Niemi', 'Heikkilä', 'Kinnunen', 'Salonen', 'Turunen'],
    emailDomains: [['gmail.com', 0.42], ['hotmail.com', 0.13], ['outlook.com', 0.1], ['icloud.com', 0.1], ['luukku.com', 0.08], ['kolumbus.fi', 0.05], ['yahoo.com', 0.05], ['elisanet.fi', 0.07]],
    broadband: ['91.152', '85.76', '88.193', '84.248'], mobile: ['176.72', '37.33'],
    cardBins: ['415301', '479387', '542210', '535108'], bankCodes: ['fi-nord', 'fi-op', 'fi-danske', 'fi-spank'],
    pickupChains: ['K-Market', 'S-Market', 'R-kioski', 'Posti Pakettiautomaatti', 'Alepa'],
  },
  DE: {
    code: 'DE', currency: 'EUR', shopperWeight: 0.2, merchantWeight: 0.2, utcOffsetHours: 1,
    cities: [
      { name: 'Berlin', weight: 0.3, postal: ['10###', '12###', '13###'] },
      { name: 'Hamburg', weight: 0.17, postal: ['20###', '22###'] },
      { name: 'München', weight: 0.17, postal: ['80###', '81###'] },
      { name: 'Köln', weight: 0.12, postal: ['50###', '51###'] },
      { name: 'Frankfurt am Main', weight: 0.1, postal: ['60###'] },
      { name: 'Leipzig', weight: 0.07, postal: ['04###'] },
      { name: 'Stuttgart', weight: 0.07, postal: ['70###'] },
    ],
    streets: ['Hauptstraße', 'Bahnhofstraße', 'Schillerstraße', 'Goethestraße', 'Gartenstraße', 'Lindenstraße', 'Bergstraße', 'Friedrichstraße', 'Kastanienallee', 'Schönhauser Allee', 'Leopoldstraße', 'Sonnenallee', 'Eppendorfer Weg', 'Venloer Straße', 'Karl-Marx-Straße'],
    houseNumber: 'after', unitPatterns: ['#. OG', 'Hinterhaus', '#. OG links', '#. OG rechts'], unitShare: 0.25,
    firstNames: ['Mia', 'Emilia', 'Hannah', 'Sophia', 'Lina', 'Lea', 'Marie', 'Lena', 'Anna', 'Laura', 'Julia', 'Katharina', 'Johanna', 'Lukas', 'Leon', 'Paul', 'Jonas', 'Felix', 'Finn', 'Maximilian', 'Elias', 'Tobias'],
    lastNames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Bauer', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hartmann'],
    emailDomains: [['gmail.com', 0.3], ['web.de', 0.2], ['gmx.de', 0.19], ['t-online.de', 0.1], ['outlook.de', 0.06], ['icloud.com', 0.08], ['yahoo.de', 0.04], ['posteo.de', 0.03]],
    broadband: ['91.64', '84.128', '93.192', '79.192', '87.123'], mobile: ['80.187', '109.40'], mobileV6: '2a01:598',
    cardBins: ['490762', '542155', '455600', '518602', '401371'], bankCodes: ['de-1007', 'de-2005', 'de-3704', 'de-5005', 'de-7002'],
    pickupChains: ['DHL Packstation', 'Hermes PaketShop', 'DHL Paketshop Kiosk', 'DPD Pickup Shop', 'GLS PaketShop'],
  },
  GB: {
    code: 'GB', currency: 'GBP', shopperWeight: 0.12, merchantWeight: 0.12, utcOffsetHours: 0,
    cities: [
      { name: 'London', weight: 0.45, postal: ['E1 #@@', 'E8 #@@', 'N1 #@@', 'SE1 #@@', 'SW4 #@@', 'W2 #@@', 'NW1 #@@'] },
      { name: 'Manchester', weight: 0.14, postal: ['M1 #@@', 'M4 #@@', 'M20 #@@'] },
      { name: 'Birmingham', weight: 0.12, postal: ['B1 #@@', 'B15 #@@'] },
      { name: 'Bristol', weight: 0.1, postal: ['BS1 #@@', 'BS8 #@@'] },
      { name: 'Leeds', weight: 0.1, postal: ['LS1 #@@', 'LS6 #@@'] },
      { name: 'Edinburgh', weight: 0.09, postal: ['EH1 #@@', 'EH3 #@@'] },
    ],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Park Avenue', 'Mill Lane', 'Queen Street', 'King Street', 'Kingsland Road', 'Albert Road', 'Manor Road', 'Green Lane', 'London Road', 'The Crescent'],
    houseNumber: 'before', unitPatterns: ['Flat #', 'Flat ##', 'Apartment ##'], unitShare: 0.35,
    firstNames: ['Olivia', 'Amelia', 'Isla', 'Ava', 'Emily', 'Sophie', 'Grace', 'Lily', 'Freya', 'Charlotte', 'Chloe', 'Holly', 'Priya', 'Oliver', 'George', 'Harry', 'Jack', 'Charlie', 'Thomas', 'James', 'Daniel', 'Samuel'],
    lastNames: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Patel', 'Khan'],
    emailDomains: [['gmail.com', 0.4], ['hotmail.co.uk', 0.15], ['outlook.com', 0.1], ['icloud.com', 0.12], ['yahoo.co.uk', 0.1], ['btinternet.com', 0.07], ['sky.com', 0.04], ['live.co.uk', 0.02]],
    broadband: ['86.128', '81.96', '92.40', '109.144'], mobile: ['82.132', '176.250'],
    cardBins: ['465859', '475117', '535522', '492181', '543460'], bankCodes: ['gb-2004', 'gb-4000', 'gb-6000', 'gb-0900'],
    pickupChains: ['InPost Locker', 'Evri ParcelShop', 'Collect+ Co-op', 'Post Office', 'Amazon Hub Counter'],
  },
  NL: {
    code: 'NL', currency: 'EUR', shopperWeight: 0.1, merchantWeight: 0.08, utcOffsetHours: 1,
    cities: [
      { name: 'Amsterdam', weight: 0.38, postal: ['10## @@'] },
      { name: 'Rotterdam', weight: 0.22, postal: ['30## @@'] },
      { name: 'Utrecht', weight: 0.15, postal: ['35## @@'] },
      { name: 'Den Haag', weight: 0.15, postal: ['25## @@'] },
      { name: 'Eindhoven', weight: 0.1, postal: ['56## @@'] },
    ],
    streets: ['Prinsengracht', 'Keizersgracht', 'Herengracht', 'Kerkstraat', 'Dorpsstraat', 'Molenstraat', 'Stationsweg', 'Ferdinand Bolstraat', 'Witte de Withstraat', 'Oudegracht', 'Lange Voorhout', 'Stratumseind', 'Nieuwe Binnenweg'],
    houseNumber: 'after', unitPatterns: ['#hoog', 'huis', 'A', 'B'], unitShare: 0.3,
    firstNames: ['Emma', 'Julia', 'Tess', 'Sophie', 'Zoë', 'Mila', 'Sara', 'Anna', 'Eva', 'Lotte', 'Fleur', 'Isa', 'Daan', 'Sem', 'Lucas', 'Levi', 'Finn', 'Milan', 'Bram', 'Jesse', 'Thijs', 'Ruben'],
    lastNames: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer'],
    emailDomains: [['gmail.com', 0.4], ['hotmail.com', 0.15], ['outlook.com', 0.1], ['ziggo.nl', 0.09], ['kpnmail.nl', 0.07], ['icloud.com', 0.1], ['live.nl', 0.05], ['xs4all.nl', 0.04]],
    broadband: ['84.104', '77.160', '145.53', '83.160'], mobile: ['62.140', '31.201'],
    cardBins: ['404155', '533311', '465943', '520999'], bankCodes: ['nl-ingb', 'nl-abna', 'nl-rabo', 'nl-snsb', 'nl-bunq'],
    pickupChains: ['PostNL punt Albert Heijn', 'PostNL punt Primera', 'DHL ServicePoint Bruna', 'DHL Parcelshop Jumbo', 'PostNL pakketautomaat'],
  },
};

export const MARKET_LIST: readonly MarketRef[] = MarketCodes.map((c) => MARKETS[c]);

/** A country outside the markets: where travellers shop from and where stolen cards come from. */
export interface ForeignRef {
  readonly code: string;
  readonly broadband: readonly string[];
  readonly cardBins: readonly string[];
  /** Weight as a holiday destination for honest travellers. */
  readonly travelWeight: number;
  /** Weight as the issuing country of cards sold on carding markets. */
  readonly stolenCardWeight: number;
  /** Weight as the origin of an account-takeover login. */
  readonly attackerWeight: number;
}

export const FOREIGN: readonly ForeignRef[] = [
  { code: 'ES', broadband: ['83.45', '88.10'], cardBins: ['454881', '540617'], travelWeight: 0.24, stolenCardWeight: 0.05, attackerWeight: 0.03 },
  { code: 'IT', broadband: ['79.18', '93.34'], cardBins: ['479013', '532428'], travelWeight: 0.14, stolenCardWeight: 0.04, attackerWeight: 0.03 },
  { code: 'FR', broadband: ['90.3', '86.246'], cardBins: ['497010', '513103'], travelWeight: 0.12, stolenCardWeight: 0.1, attackerWeight: 0.05 },
  { code: 'GR', broadband: ['79.107'], cardBins: ['476337'], travelWeight: 0.1, stolenCardWeight: 0.01, attackerWeight: 0.01 },
  { code: 'PT', broadband: ['85.240'], cardBins: ['490772'], travelWeight: 0.09, stolenCardWeight: 0.02, attackerWeight: 0.02 },
  { code: 'US', broadband: ['73.22', '98.207'], cardBins: ['414720', '426684', '517805', '546616'], travelWeight: 0.12, stolenCardWeight: 0.4, attackerWeight: 0.12 },
  { code: 'TH', broadband: ['171.96'], cardBins: ['428434'], travelWeight: 0.1, stolenCardWeight: 0.01, attackerWeight: 0.04 },
  { code: 'PL', broadband: ['83.24'], cardBins: ['535470'], travelWeight: 0.04, stolenCardWeight: 0.05, attackerWeight: 0.08 },
  { code: 'RO', broadband: ['86.120'], cardBins: ['403584'], travelWeight: 0.01, stolenCardWeight: 0.04, attackerWeight: 0.15 },
  { code: 'NG', broadband: ['105.112'], cardBins: ['539983'], travelWeight: 0, stolenCardWeight: 0.02, attackerWeight: 0.14 },
  { code: 'BR', broadband: ['177.32'], cardBins: ['498408', '523421'], travelWeight: 0.01, stolenCardWeight: 0.14, attackerWeight: 0.1 },
  { code: 'UA', broadband: ['93.77'], cardBins: ['516874'], travelWeight: 0, stolenCardWeight: 0.04, attackerWeight: 0.1 },
  { code: 'VN', broadband: ['113.161'], cardBins: ['970436'], travelWeight: 0.02, stolenCardWeight: 0.04, attackerWeight: 0.1 },
  { code: 'TR', broadband: ['88.230'], cardBins: ['454360'], travelWeight: 0.03, stolenCardWeight: 0.04, attackerWeight: 0.03 },
];

/** Data-centre ranges: VPN exits, proxies, rented servers. Honest shoppers almost never order from them. */
export const HOSTING: readonly { readonly prefix: string; readonly country: string }[] = [
  { prefix: '185.220', country: 'DE' },
  { prefix: '45.83', country: 'NL' },
  { prefix: '104.28', country: 'US' },
  { prefix: '193.32', country: 'RO' },
  { prefix: '5.253', country: 'NL' },
  { prefix: '141.98', country: 'SE' },
  { prefix: '89.187', country: 'CZ' },
  { prefix: '146.70', country: 'GB' },
  { prefix: '198.54', country: 'US' },
];

/**
 * Prepaid and virtual-card BINs. Fraud rings favour them because they are easy to obtain in
 * bulk; honest shoppers in the synthetic world never hold them.
 */
export const PREPAID_BINS: readonly { readonly bin: string; readonly country: string }[] = [
  { bin: '53754812', country: 'GB' },
  { bin: '44038931', country: 'LT' },
  { bin: '52353310', country: 'MT' },
  { bin: '48795602', country: 'EE' },
];

export const TRAVEL_COUNTRIES = FOREIGN.filter((f) => f.travelWeight > 0);
