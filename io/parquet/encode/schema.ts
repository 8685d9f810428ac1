import type { ParquetField, ParquetType } from '../parquet-column.js';
import { ConvertedType, PhysicalType, Repetition } from '../parquet-format.js';
import { ThriftType, type ThriftWriter } from './thrift-writer.js';

export const physicalTypeOf: Record<ParquetType, number> = {
  int32: PhysicalType.INT32,
  int64: PhysicalType.INT64,
  double: PhysicalType.DOUBLE,
  bool: PhysicalType.BOOLEAN,
  date: PhysicalType.INT32,
  timestamp_ms: PhysicalType.INT64,
  string: PhysicalType.BYTE_ARRAY,
};

/** Rejects a schema Parquet readers would choke on or silently rename. */
export function checkFields(fields: readonly ParquetField[]): void {
  const seen = new Set<string>();
  for (const field of fields) {
    if (typeof field.name !== 'string' || field.name === '') throw new Error(`parquet schema: field with empty name`);
    if (seen.has(field.name)) throw new Error(`parquet schema: duplicate field "${field.name}"`);
    seen.add(field.name);
    if (!Object.hasOwn(physicalTypeOf, field.type)) {
      throw new Error(`parquet schema: field "${field.name}" has unknown type ${JSON.stringify(field.type)}`);
    }
  }
}

/** Writes the FileMetaData `schema` list: a root group followed by one flat leaf per field. */
export function writeSchema(w: ThriftWriter, fieldId: number, fields: readonly ParquetField[]): void {
  w.fieldList(fieldId, ThriftType.STRUCT, fields.length + 1);
  w.structBegin();
  w.fieldString(4, 'schema');
  w.fieldI32(5, fields.length);
  w.structEnd();
  for (const field of fields) writeSchemaElement(w, field);
}

function writeSchemaElement(w: ThriftWriter, field: ParquetField): void {
  w.structBegin();
  w.fieldI32(1, physicalTypeOf[field.type]);
  w.fieldI32(3, field.nullable ? Repetition.OPTIONAL : Repetition.REQUIRED);
  w.fieldString(4, field.name);
  switch (field.type) {
    case 'string':
      w.fieldI32(6, ConvertedType.UTF8);
      w.fieldStruct(10);
      w.fieldEmptyStruct(1); // LogicalType.STRING
      w.structEnd();
      break;
    case 'date':
      w.fieldI32(6, ConvertedType.DATE);
      w.fieldStruct(10);
      w.fieldEmptyStruct(6); // LogicalType.DATE
      w.structEnd();
      break;
    case 'timestamp_ms':
      w.fieldI32(6, ConvertedType.TIMESTAMP_MILLIS);
      w.fieldStruct(10);
      w.fieldStruct(8); // LogicalType.TIMESTAMP
      w.fieldBool(1, true); // isAdjustedToUTC: values are epoch instants
      w.fieldStruct(2); // unit
      w.fieldEmptyStruct(1); // MILLIS
      w.structEnd();
      w.structEnd();
      w.structEnd();
      break;
    default:
      break;
  }
  w.structEnd();
}
