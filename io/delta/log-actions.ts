import type { DeletionVectorDescriptor } from './deletion-vector.js';

/** Protocol "Protocol Evolution". Feature lists exist only at reader version 3 / writer version 7. */
export interface ProtocolAction {
  minReaderVersion: number;
  minWriterVersion: number;
  readerFeatures: string[] | null;
}

/** Protocol "Change Metadata": the fields a reader needs. */
export interface MetadataAction {
  /** The table's unique id (a UUID), or null when the log has none. */
  id: string | null;
  provider: string;
  schemaString: string;
  partitionColumns: string[];
  configuration: Record<string, string>;
}

/** Protocol "Add File and Remove File": the fields that make a logical file and how to read it. */
export interface FileAction {
  path: string;
  /** Bytes of the data file (required in an `add`); null when the action does not say. */
  size: number | null;
  partitionValues: Record<string, string | null>;
  deletionVector: DeletionVectorDescriptor | null;
}

/** Protocol "Sidecar File Information" (V2 checkpoints only). */
export interface SidecarAction {
  path: string;
  /** `sizeInBytes`; null when absent. */
  size: number | null;
}

/** One action of a commit or checkpoint, with everything this reader ignores (commitInfo, txn, cdc, …) left out. */
export type LogAction =
  | { kind: 'protocol'; protocol: ProtocolAction }
  | { kind: 'metaData'; metadata: MetadataAction }
  | { kind: 'add'; file: FileAction }
  | { kind: 'remove'; file: FileAction }
  | { kind: 'sidecar'; sidecar: SidecarAction };

/** A malformed action; the caller adds the file and line. */
export class ActionError extends Error {}

/**
 * Reads one action object (a commit line, or a checkpoint row turned into JSON). Unknown actions
 * and fields are skipped, as the protocol asks ("clients must ignore such unrecognized fields").
 */
export function parseAction(json: unknown): LogAction | null {
  if (!isObject(json)) throw new ActionError('an action must be a JSON object');
  if ('add' in json && json['add'] != null) return { kind: 'add', file: fileAction(json['add'], 'add') };
  if ('remove' in json && json['remove'] != null) return { kind: 'remove', file: fileAction(json['remove'], 'remove') };
  if ('metaData' in json && json['metaData'] != null) return { kind: 'metaData', metadata: metadataAction(json['metaData']) };
  if ('protocol' in json && json['protocol'] != null) return { kind: 'protocol', protocol: protocolAction(json['protocol']) };
  if ('sidecar' in json && json['sidecar'] != null) {
    const s = json['sidecar'];
    if (!isObject(s) || typeof s['path'] !== 'string') throw new ActionError('sidecar action without a path');
    return { kind: 'sidecar', sidecar: { path: s['path'], size: wholeNumber(s['sizeInBytes']) } };
  }
  return null;
}

function fileAction(value: unknown, kind: string): FileAction {
  if (!isObject(value) || typeof value['path'] !== 'string' || value['path'] === '') throw new ActionError(`${kind} action without a path`);
  const pv = value['partitionValues'];
  const partitionValues: Record<string, string | null> = {};
  if (isObject(pv)) {
    for (const [k, v] of Object.entries(pv)) {
      if (v !== null && typeof v !== 'string') throw new ActionError(`${kind} '${value['path']}': partition value of '${k}' is not a string`);
      partitionValues[k] = v;
    }
  } else if (pv != null) throw new ActionError(`${kind} '${value['path']}': partitionValues is not a map`);
  return { path: value['path'], size: wholeNumber(value['size']), partitionValues, deletionVector: deletionVector(value['deletionVector'], value['path']) };
}

function deletionVector(value: unknown, path: string): DeletionVectorDescriptor | null {
  if (value == null) return null;
  const ok =
    isObject(value) &&
    typeof value['storageType'] === 'string' &&
    typeof value['pathOrInlineDv'] === 'string' &&
    typeof value['sizeInBytes'] === 'number' &&
    typeof value['cardinality'] === 'number' &&
    (value['offset'] == null || typeof value['offset'] === 'number');
  if (!ok) throw new ActionError(`'${path}': deletionVector lacks storageType, pathOrInlineDv, sizeInBytes or cardinality`);
  return {
    storageType: value['storageType'] as string,
    pathOrInlineDv: value['pathOrInlineDv'] as string,
    offset: (value['offset'] as number | null | undefined) ?? null,
    sizeInBytes: value['sizeInBytes'] as number,
    cardinality: value['cardinality'] as number,
  };
}

function metadataAction(value: unknown): MetadataAction {
  if (!isObject(value) || typeof value['schemaString'] !== 'string') throw new ActionError('metaData action without a schemaString');
  const columns = value['partitionColumns'] ?? [];
  if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) throw new ActionError('metaData partitionColumns is not a list of names');
  const format = value['format'];
  const configuration: Record<string, string> = {};
  if (isObject(value['configuration'])) for (const [k, v] of Object.entries(value['configuration'])) if (typeof v === 'string') configuration[k] = v;
  return {
    id: typeof value['id'] === 'string' ? value['id'] : null,
    provider: isObject(format) && typeof format['provider'] === 'string' ? format['provider'] : 'parquet',
    schemaString: value['schemaString'],
    partitionColumns: columns as string[],
    configuration,
  };
}

function protocolAction(value: unknown): ProtocolAction {
  if (!isObject(value) || typeof value['minReaderVersion'] !== 'number') throw new ActionError('protocol action without minReaderVersion');
  const version = value['minReaderVersion'];
  if (!Number.isInteger(version) || version < 1) throw new ActionError(`protocol minReaderVersion ${version} is not a version number (1, 2, 3, …)`);
  // A feature list that is not a list of names must not pass as "no features": the features it
  // hides are mandatory for readers.
  const features = value['readerFeatures'] ?? null;
  if (features !== null && !(Array.isArray(features) && features.every((f) => typeof f === 'string'))) {
    throw new ActionError(`protocol readerFeatures is ${JSON.stringify(features)}, not a list of feature names`);
  }
  return {
    minReaderVersion: version,
    minWriterVersion: typeof value['minWriterVersion'] === 'number' ? value['minWriterVersion'] : 0,
    readerFeatures: features as string[] | null,
  };
}

/** A size from the log: a JSON number, or a string when a checkpoint's BIGINT came through as one. */
function wholeNumber(value: unknown): number | null {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
