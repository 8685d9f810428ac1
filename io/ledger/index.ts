/** The delivery ledger: durable per-record outcomes of CleverTap delivery, keyed by (campaign_date, account_id). */
export { readAcceptedSendColumns, readAcceptedSends } from './read-accepted-sends.js';
export type { AcceptedSendColumns, DateRange } from './read-accepted-sends.js';
export { purgeLedger } from './purge-ledger.js';
export { oldLayoutDates, upgradeOldLayout } from './upgrade-layout.js';
export type { UpgradeOptions } from './upgrade-layout.js';
export type { LedgerTombstones, PurgeOptions } from './purge-ledger.js';
export { historyDigest, ledgerHistory } from './ledger-history.js';
export type { LedgerHistory, LedgerHistoryDate } from './ledger-history.js';
export { listLedgerRecords } from './list-ledger.js';
export { DateLedger, ledgerDates } from './date-ledger.js';
export { acquireStateLock } from './state-lock.js';
export type { StateLock } from './state-lock.js';
export { LedgerCorruptError } from './ledger-snapshot.js';
export { LEDGER_STATUSES } from './ledger-types.js';
export type { AcceptedSend, DatedLedgerRecord, LedgerRecord, LedgerStatus, RecordInfo } from './ledger-types.js';
