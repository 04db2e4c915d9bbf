/**
 * Decoding a history export's flat, nullable DOUBLE or FLOAT column chunk into a holey array: a
 * missing cell is a hole (read as undefined), and the engine keeps the numbers unboxed, 8 bytes
 * a cell. hyparquet's own path assembles such a column by pushing each value or null into a
 * growing array; on V8 a group assembled that way holds about 23 bytes a cell until it is written,
 * and decoding takes twice the time (`bench/README.md`, "Decoding sparse columns unboxed").
 * hyparquet still parses each page header, decompresses the page and decodes its levels and
 * values; only the assembly is done here.
 *
 * @module
 */
import type { ColumnChunk, Compressors, DecodedArray, FileMetaData, SchemaTree } from 'hyparquet'
import { parquetHeader } from 'hyparquet/src/column.js'
import { convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js'
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js'
import { readPlain } from 'hyparquet/src/plain.js'

/** What hyparquet's page readers take to decode one column (its type is not exported). */
type ColumnDecoder = Parameters<typeof readDataPage>[2]
/** A data page's value encoding, as hyparquet names it. */
type Encoding = Parameters<typeof convertWithDictionary>[2]

/**
 * The decoder of a column chunk when its column is a top-level OPTIONAL DOUBLE or FLOAT with no
 * logical or converted type (the columns this module decodes), else undefined.
 */
export function flatDoubleDecoder(
  schema: SchemaTree,
  chunk: ColumnChunk,
  compressors: Compressors | undefined,
): ColumnDecoder | undefined {
  const meta = chunk.meta_data
  if (!meta || chunk.file_path || meta.path_in_schema.length !== 1) return undefined
  const leaf = schema.children.find((c) => c.element.name === meta.path_in_schema[0])
  if (!leaf || leaf.children.length > 0) return undefined
  const element = leaf.element
  if (element.repetition_type !== 'OPTIONAL') return undefined
  if (element.type !== 'DOUBLE' && element.type !== 'FLOAT') return undefined
  if (element.converted_type !== undefined || element.logical_type !== undefined) return undefined
  if (meta.type !== element.type) return undefined
  return {
    pathInSchema: meta.path_in_schema,
    type: element.type,
    element,
    schemaPath: [schema, leaf],
    codec: meta.codec,
    compressors,
    parsers: DEFAULT_PARSERS,
  }
}

/** The byte range `[start, end)` of a column chunk in its file. */
export function chunkRange(chunk: ColumnChunk): [number, number] {
  const meta = chunk.meta_data!
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset)
  return [start, start + Number(meta.total_compressed_size)]
}

/**
 * Decodes a whole column chunk (`bytes`, its pages from the first) of a group of `rows` rows into
 * a holey array of `rows` cells: numbers where the column has a value, holes where it has none.
 */
export function readFlatDoubles(
  bytes: ArrayBuffer,
  rows: number,
  decoder: ColumnDecoder,
): (number | undefined)[] {
  const out: (number | undefined)[] = new Array(rows)
  const name = decoder.pathInSchema.join('.')
  const reader = { view: new DataView(bytes), offset: 0 }
  let dictionary: DecodedArray | undefined
  let row = 0
  while (row < rows && reader.offset < bytes.byteLength - 1) {
    const header = parquetHeader(reader)
    const size = header.compressed_page_size
    if (reader.offset + size > bytes.byteLength) {
      throw new Error(`parquet column ${name}: a page of ${size} bytes runs past its chunk`)
    }
    const compressed = new Uint8Array(bytes, reader.offset, size)
    reader.offset += size
    const decompress = () =>
      decompressPage(
        compressed,
        Number(header.uncompressed_page_size),
        decoder.codec,
        decoder.compressors,
      )
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompress()
      const view = new DataView(page.buffer, page.byteOffset, page.byteLength)
      const count = header.dictionary_page_header?.num_values ?? 0
      dictionary = readPlain({ view, offset: 0 }, decoder.type, count, undefined)
      continue
    }
    let encoding: Encoding
    let count: number
    let levels: number[]
    let values: DecodedArray
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header
      if (!daph) throw new Error(`parquet column ${name}: a data page has no header`)
      const data = readDataPage(decompress(), daph, decoder)
      ;({ encoding, num_values: count } = daph)
      levels = data.definitionLevels ?? []
      values = data.dataPage
    } else if (header.type === 'DATA_PAGE_V2') {
      const daph2 = header.data_page_header_v2
      if (!daph2) throw new Error(`parquet column ${name}: a data page has no header`)
      const data = readDataPageV2(compressed, header, decoder)
      ;({ encoding, num_values: count } = daph2)
      levels = data.definitionLevels ?? []
      values = data.dataPage
    } else {
      continue // an index page: nothing to read
    }
    if (row + count > rows) {
      throw new Error(`parquet column ${name}: more values than the row group's ${rows} rows`)
    }
    const numbers = convertWithDictionary(values, dictionary, encoding, decoder)
    if (levels.length === 0) {
      if (numbers.length !== count) {
        throw new Error(
          `parquet column ${name}: a page of ${count} rows has ${numbers.length} values`,
        )
      }
      for (let i = 0; i < count; i++) out[row + i] = numbers[i] as number
    } else {
      let v = 0
      for (let i = 0; i < count; i++) if (levels[i] === 1) out[row + i] = numbers[v++] as number
      if (v !== numbers.length) {
        throw new Error(
          `parquet column ${name}: a page has ${numbers.length} values for ${v} set cells`,
        )
      }
    }
    row += count
  }
  if (row !== rows) {
    throw new Error(`parquet column ${name}: ${row} values for a row group of ${rows} rows`)
  }
  return out
}

/** Whether `[rowStart, rowEnd)` is exactly one row group of `metadata`; gives its index. */
export function wholeGroupIndex(
  metadata: FileMetaData,
  rowStart: number,
  rowEnd: number,
): number | undefined {
  let start = 0
  for (let i = 0; i < metadata.row_groups.length; i++) {
    const end = start + Number(metadata.row_groups[i].num_rows)
    if (start === rowStart && end === rowEnd) return i
    if (start > rowStart) return undefined
    start = end
  }
  return undefined
}
