import type { ProtocolAction } from './log-actions.js';

/**
 * Reader features this engine implements (protocol "Valid Feature Names in Table Features").
 * `timestampNtz` is a type DuckDB reads as TIMESTAMP; `vacuumProtocolCheck` asks nothing of readers.
 */
export const SUPPORTED_READER_FEATURES: readonly string[] = ['columnMapping', 'deletionVectors', 'timestampNtz', 'v2Checkpoint', 'vacuumProtocolCheck'];

/**
 * Why the features listed as refused are refused (docs/inputs.md "Delta Lake tables"); any other
 * unknown feature is refused too, since the protocol makes reader features mandatory.
 */
export const REFUSED_READER_FEATURES: Readonly<Record<string, string>> = {
  catalogManaged: 'the latest commits live in a catalog this engine cannot reach',
  typeWidening: "columns may change type across files and the engine does not check the log's type-change history",
  'typeWidening-preview': "columns may change type across files and the engine does not check the log's type-change history",
  variantType: 'variant columns are not read',
  'variantType-preview': 'variant columns are not read',
  variantShredding: 'variant columns are not read',
  'variantShredding-preview': 'variant columns are not read',
};

/** The reader version this engine implements: 3 (table features). */
export const MAX_READER_VERSION = 3;

/**
 * What stops a read of this protocol, or null when every requirement is implemented: a reader
 * version above 3, or a reader feature outside SUPPORTED_READER_FEATURES.
 */
export function unsupportedProtocol(protocol: ProtocolAction): string | null {
  if (protocol.minReaderVersion > MAX_READER_VERSION) {
    return `needs Delta reader version ${protocol.minReaderVersion}; this engine implements reader versions up to ${MAX_READER_VERSION}`;
  }
  if (protocol.minReaderVersion < 3) return null;
  // Reader version 3 means "the features listed are required": a protocol without the list does
  // not say what this reader must implement.
  if (protocol.readerFeatures === null) return 'has reader version 3 but no readerFeatures list; the protocol requires one at reader version 3';
  for (const feature of protocol.readerFeatures) {
    if (SUPPORTED_READER_FEATURES.includes(feature)) continue;
    const why = REFUSED_READER_FEATURES[feature];
    return `uses the Delta reader feature '${feature}', which this engine does not implement${why === undefined ? '' : ` (${why})`}`;
  }
  return null;
}

/** Column mapping is honoured at reader version 2, or 3 with the `columnMapping` feature. */
export function columnMappingAllowed(protocol: ProtocolAction): boolean {
  return protocol.minReaderVersion === 2 || (protocol.minReaderVersion >= 3 && (protocol.readerFeatures ?? []).includes('columnMapping'));
}
