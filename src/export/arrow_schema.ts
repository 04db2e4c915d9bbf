/**
 * The `ARROW:schema` footer entry of a Parquet file: the Arrow schema the columns decode to, as
 * an Arrow IPC schema message (a FlatBuffer, `Schema.fbs`/`Message.fbs` of the Arrow format) in
 * base64. Readers built on Arrow use it where Parquet's own types are ambiguous to them: polars
 * reads a BYTE_ARRAY column with the JSON logical type as `Binary` unless this entry says `Utf8`;
 * pyarrow and pandas keep the JSON type; DuckDB and Spark ignore the entry.
 *
 * @module
 */
import { Builder } from 'flatbuffers'

/** The Arrow types wbx writes. */
export type ArrowType =
  | 'int64'
  | 'double'
  | 'bool'
  | 'utf8'
  | 'timestamp-ms-utc'
  | 'list-utf8'

/** One field of the schema. */
export interface ArrowField {
  /** Column name. */
  name: string
  /** Its Arrow type. */
  type: ArrowType
}

// Union tags and enum values of the Arrow format (format/Schema.fbs, format/Message.fbs).
const TYPE_INT = 2
const TYPE_FLOATING_POINT = 3
const TYPE_UTF8 = 5
const TYPE_BOOL = 6
const TYPE_TIMESTAMP = 10
const TYPE_LIST = 12
const PRECISION_DOUBLE = 2
const UNIT_MILLISECOND = 1
const HEADER_SCHEMA = 1
const METADATA_V5 = 4

/** Writes an empty table (Utf8, Bool, List carry no fields) and returns its offset. */
function emptyTable(b: Builder): number {
  b.startObject(0)
  return b.endObject()
}

/** Writes a field's type table; returns the union tag and the offset. */
function typeTable(b: Builder, type: ArrowType): [number, number] {
  switch (type) {
    case 'int64':
      b.startObject(2)
      b.addFieldInt32(0, 64, 0)
      b.addFieldInt8(1, 1, 0)
      return [TYPE_INT, b.endObject()]
    case 'double':
      b.startObject(1)
      b.addFieldInt16(0, PRECISION_DOUBLE, 0)
      return [TYPE_FLOATING_POINT, b.endObject()]
    case 'bool':
      return [TYPE_BOOL, emptyTable(b)]
    case 'utf8':
      return [TYPE_UTF8, emptyTable(b)]
    case 'timestamp-ms-utc': {
      const zone = b.createString('UTC')
      b.startObject(2)
      b.addFieldInt16(0, UNIT_MILLISECOND, 0)
      b.addFieldOffset(1, zone, 0)
      return [TYPE_TIMESTAMP, b.endObject()]
    }
    case 'list-utf8':
      return [TYPE_LIST, emptyTable(b)]
  }
}

/** Writes one Field table (a list gets its `element` child) and returns its offset. */
function fieldTable(b: Builder, name: string, type: ArrowType): number {
  const children = type === 'list-utf8' ? [fieldTable(b, 'element', 'utf8')] : []
  const childVector = vectorOfOffsets(b, children)
  const nameOffset = b.createString(name)
  const [tag, table] = typeTable(b, type)
  b.startObject(7)
  b.addFieldOffset(0, nameOffset, 0)
  b.addFieldInt8(1, 1, 0)
  b.addFieldInt8(2, tag, 0)
  b.addFieldOffset(3, table, 0)
  b.addFieldOffset(5, childVector, 0)
  return b.endObject()
}

/** A vector of table offsets. */
function vectorOfOffsets(b: Builder, offsets: number[]): number {
  b.startVector(4, offsets.length, 4)
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i])
  return b.endVector()
}

/** The `ARROW:schema` value (base64 of the IPC schema message) for `fields`. */
export function arrowSchemaBase64(fields: readonly ArrowField[]): string {
  const b = new Builder(256)
  const offsets = fields.map((f) => fieldTable(b, f.name, f.type))
  const fieldVector = vectorOfOffsets(b, offsets)
  b.startObject(4)
  b.addFieldOffset(1, fieldVector, 0)
  const schema = b.endObject()
  b.startObject(5)
  b.addFieldInt16(0, METADATA_V5, 0)
  b.addFieldInt8(1, HEADER_SCHEMA, 0)
  b.addFieldOffset(2, schema, 0)
  b.addFieldInt64(3, 0n, 0n)
  b.finish(b.endObject())
  const body = b.asUint8Array()
  const padded = (body.length + 7) & ~7
  // Encapsulated IPC message: continuation marker, metadata length, FlatBuffer, padding.
  const out = new Uint8Array(8 + padded)
  const view = new DataView(out.buffer)
  view.setUint32(0, 0xffffffff, true)
  view.setInt32(4, padded, true)
  out.set(body, 8)
  let text = ''
  for (const byte of out) text += String.fromCharCode(byte)
  return btoa(text)
}
