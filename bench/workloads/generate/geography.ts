/**
 * Countries, their share of accounts and their region. A few countries with accounts are left out
 * of the `regions` table on purpose so the engine's `default_region` fallback (SPEC §4.2) is used,
 * and one mapped country has no accounts at all.
 */
export interface Country {
  code: string;
  region: string | null;
  weight: number;
}

export const COUNTRIES: readonly Country[] = [
  { code: 'US', region: 'north_america', weight: 30 },
  { code: 'CA', region: 'north_america', weight: 5 },
  { code: 'GB', region: 'uk_ireland', weight: 10 },
  { code: 'IE', region: 'uk_ireland', weight: 1.2 },
  { code: 'DE', region: 'dach', weight: 8 },
  { code: 'AT', region: 'dach', weight: 1.5 },
  { code: 'CH', region: 'dach', weight: 1.5 },
  { code: 'FR', region: 'western_europe', weight: 6 },
  { code: 'BE', region: 'western_europe', weight: 1.5 },
  { code: 'NL', region: 'western_europe', weight: 2.5 },
  { code: 'LU', region: 'western_europe', weight: 0.2 },
  { code: 'ES', region: 'southern_europe', weight: 4 },
  { code: 'IT', region: 'southern_europe', weight: 4 },
  { code: 'PT', region: 'southern_europe', weight: 1.2 },
  { code: 'GR', region: 'southern_europe', weight: 0.8 },
  { code: 'SE', region: 'nordics', weight: 1.8 },
  { code: 'NO', region: 'nordics', weight: 1.2 },
  { code: 'DK', region: 'nordics', weight: 1.1 },
  { code: 'FI', region: 'nordics', weight: 0.9 },
  { code: 'PL', region: 'central_europe', weight: 2.2 },
  { code: 'CZ', region: 'central_europe', weight: 0.9 },
  { code: 'HU', region: 'central_europe', weight: 0.6 },
  { code: 'BR', region: 'latam', weight: 5 },
  { code: 'MX', region: 'latam', weight: 3.5 },
  { code: 'AR', region: 'latam', weight: 1.3 },
  { code: 'CO', region: 'latam', weight: 1 },
  { code: 'CL', region: 'latam', weight: 0.8 },
  { code: 'AU', region: 'apac', weight: 3 },
  { code: 'NZ', region: 'apac', weight: 0.6 },
  { code: 'JP', region: 'apac', weight: 2 },
  { code: 'KR', region: 'apac', weight: 1.2 },
  { code: 'LI', region: 'dach', weight: 0 },
  // Unmapped: accounts here fall back to the default region.
  { code: 'ZA', region: null, weight: 0.7 },
  { code: 'IS', region: null, weight: 0.2 },
  { code: 'MT', region: null, weight: 0.15 },
  { code: 'EE', region: null, weight: 0.15 },
];

/** Region names in first-seen order; index `REGIONS.length` stands for "not mapped". */
export const REGIONS: readonly string[] = [...new Set(COUNTRIES.flatMap((c) => (c.region === null ? [] : [c.region])))];

/** Region index of each country (same order as COUNTRIES); unmapped countries get `REGIONS.length`. */
export const COUNTRY_REGION: Uint8Array = Uint8Array.from(COUNTRIES, (c) => (c.region === null ? REGIONS.length : REGIONS.indexOf(c.region)));

export const COUNTRY_WEIGHTS: readonly number[] = COUNTRIES.map((c) => c.weight);

/** The `regions` table: every mapped country, in list order. */
export function regionsTable(): { country: string[]; region: string[] } {
  const mapped = COUNTRIES.filter((c) => c.region !== null);
  return { country: mapped.map((c) => c.code), region: mapped.map((c) => c.region!) };
}
