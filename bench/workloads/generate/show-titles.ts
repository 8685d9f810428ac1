const ADJECTIVES = [
  'Silent', 'Golden', 'Broken', 'Hidden', 'Last', 'Midnight', 'Crimson', 'Wild', 'Frozen', 'Electric',
  'Lost', 'Northern', 'Secret', 'Burning', 'Quiet', 'Iron', 'Velvet', 'Hollow', 'Bright', 'Savage',
  'Little', 'Endless', 'Distant', 'Paper', 'Glass', 'Stolen', 'Royal', 'Lucky', 'Rusty', 'Cosmic',
  'Café', 'Mañana', 'Fjörd', 'Blue', 'Neon', 'Sunday', 'Winter', 'Summer', 'Tiny', 'Grand',
];
const NOUNS = [
  'Harbor', 'Kingdom', 'Detective', 'Garden', 'Empire', 'Signal', 'Frontier', 'Family', 'Witness', 'Academy',
  'Circuit', 'Orchard', 'Station', 'Dynasty', 'Island', 'Protocol', 'Kitchen', 'Valley', 'Verdict', 'Voyage',
  'Planet', 'Alliance', 'Bakery', 'Lighthouse', 'Rebellion', 'Hospital', 'Heist', 'Crown', 'Orbit', 'Canyon',
  'Tokyo 東京', 'Paradise', 'Legacy', 'Circus', 'Dragons', 'Hotel', 'Rivals', 'Shadows', 'Season', 'Nights',
];
const COMBINATIONS = ADJECTIVES.length * NOUNS.length;

/**
 * A readable title per show index, unique while there are fewer shows than word pairs; beyond that
 * a sequel number keeps them unique. Includes non-ASCII words so UTF-8 handling is exercised.
 */
export function showTitle(showIndex: number): string {
  // 761 is coprime with the number of pairs, so each run of COMBINATIONS shows uses every pair once.
  const pair = (showIndex * 761) % COMBINATIONS;
  const base = `The ${ADJECTIVES[pair % ADJECTIVES.length]!} ${NOUNS[Math.floor(pair / ADJECTIVES.length)]!}`;
  const sequel = Math.floor(showIndex / COMBINATIONS);
  return sequel === 0 ? base : `${base} ${sequel + 1}`;
}
