/**
 * Keys of the independent random streams. Each table (and each row of the big ones) draws from its
 * own stream, so changing how one table is generated, or how plays are split into files and row
 * groups, never shifts the numbers another part sees.
 */
export const STREAM = {
  ids: 1,
  catalog: 2,
  catalogOrder: 3,
  taste: 4,
  households: 5,
  accounts: 6,
  profiles: 7,
  profileOrder: 8,
  plays: 9,
  sends: 10,
  tombstones: 11,
  clusters: 12,
  /** Simulated campaign outcomes (`simulateOutcomes`), per campaign date and account. */
  outcomes: 13,
} as const;
