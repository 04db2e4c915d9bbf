/**
 * Decoding a history export's flat, nullable DOUBLE or FLOAT column chunk unboxed: a Float64Array
 * when every row has a value (the bulk export then copies it into a row group in one move,
 * `parquet_group.ts`), else a holey array where a missing cell is a hole (read as undefined) and
 * the engine keeps the numbers unboxed, 8 bytes a cell. hyparquet's own path assembles such a
 * column by pushing each value or null into a growing array; on V8 a group assembled that way
 * holds about 23 bytes a cell until it is written, and decoding takes twice the time
 * (`bench/README.md`, "Decoding sparse columns unboxed"). hyparquet still parses each page header
 * and decompresses the page; a PLAIN DOUBLE page's values are copied straight into typed storage
 * (its levels through hyparquet's RLE decoder), and other pages' levels and values are decoded by
 * hyparquet's page readers before they are assembled here.
 *
 * @module
 */
import type {
  ColumnChunk,
  Compressors,
  DecodedArray,
  FileMetaData,
  PageHeader,
  SchemaTree,
} from 'hyparquet'
import { parquetHeader } from 'hyparquet/src/column.js'
import { convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js'
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js'
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js'
import { readPlain } from 'hyparquet/src/plain.js'
import { allocUnsafeFloats } from '../../runtime.ts'
import { columnPool, takeColumnFloats } from './decoded_columns.ts'

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
 * Decodes a whole column chunk (`bytes`, its pages from the first) of a group of `rows` rows: a
 * Float64Array over the decoder's pool (`decoded_columns.ts`) when every row has a value, else a
 * holey array of `rows` cells (numbers where the column has a value, holes where it has none).
 * `noNulls` (the chunk's statistics count none) only chooses where the values are assembled; the
 * result is the same.
 */
export function readFlatDoubles(
  bytes: ArrayBuffer,
  rows: number,
  decoder: ColumnDecoder,
  noNulls = false,
): Float64Array | (number | undefined)[] {
  // Every row's value and flag is written before it is read, so a group of up to SCRATCH_ROWS
  // rows is assembled in this thread's reused scratch and only the result is taken from the pool; a
  // chunk whose statistics say it has no nulls is decoded straight into its Float64Array.
  const small = rows <= SCRATCH_ROWS
  if (small && scratchFlags.length < rows) {
    const size = Math.min(SCRATCH_ROWS, Math.max(rows, scratchFlags.length * 2))
    scratchNums = allocUnsafeFloats(size)
    scratchFlags = new Uint8Array(size)
  }
  const nums = small && !noNulls ? scratchNums : takeColumnFloats(rows)
  const flags = small ? scratchFlags : new Uint8Array(rows)
  const name = decoder.pathInSchema.join('.')
  const reader = { view: new DataView(bytes), offset: 0 }
  let dictionary: DecodedArray | undefined
  let row = 0
  let nulls = 0
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
    const plain = plainDoublePage(header, decoder)
    if (plain) {
      const count = plain.num_values
      if (row + count > rows) {
        throw new Error(`parquet column ${name}: more values than the row group's ${rows} rows`)
      }
      nulls += readPlainDoublePage(compressed, header, decoder, nums, flags, row, count)
      row += count
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
    // hyparquet hands no levels over for a page without nulls.
    if (levels.length === 0) {
      if (numbers.length !== count) {
        throw new Error(
          `parquet column ${name}: a page of ${count} rows has ${numbers.length} values`,
        )
      }
      nums.set(numbers as ArrayLike<number>, row)
      flags.fill(1, row, row + count)
    } else {
      let v = 0
      for (let i = 0; i < count; i++) {
        if (levels[i] !== 1) {
          flags[row + i] = 0
          continue
        }
        nums[row + i] = numbers[v++] as number
        flags[row + i] = 1
      }
      if (v !== numbers.length) {
        throw new Error(
          `parquet column ${name}: a page has ${numbers.length} values for ${v} set cells`,
        )
      }
      nulls += count - v
    }
    row += count
  }
  if (row !== rows) {
    throw new Error(`parquet column ${name}: ${row} values for a row group of ${rows} rows`)
  }
  if (nulls === 0) {
    if (nums !== scratchNums) return nums
    const out = takeColumnFloats(rows)
    out.set(nums.subarray(0, rows))
    return out
  }
  const out: (number | undefined)[] = new Array(rows)
  for (let i = 0; i < rows; i++) if (flags[i] !== 0) out[i] = nums[i]
  if (nums !== scratchNums) columnPool.giveBack(nums.buffer as ArrayBuffer) // only read here
  return out
}

/** The data page header of a PLAIN-encoded DOUBLE page (the pages read without hyparquet's arrays), else undefined. */
function plainDoublePage(
  header: PageHeader,
  decoder: ColumnDecoder,
): { num_values: number } | undefined {
  if (decoder.type !== 'DOUBLE') return undefined
  const page = header.type === 'DATA_PAGE'
    ? header.data_page_header
    : header.type === 'DATA_PAGE_V2'
    ? header.data_page_header_v2
    : undefined
  return page?.encoding === 'PLAIN' ? page : undefined
}

/**
 * Reads a PLAIN DOUBLE data page (v1 or v2) of `count` rows straight into rows `[row, row +
 * count)` of `nums` and `flags` (its definition levels are the flags), without the level and value
 * arrays hyparquet's page readers make; returns the page's nulls.
 */
function readPlainDoublePage(
  compressed: Uint8Array,
  header: PageHeader,
  decoder: ColumnDecoder,
  nums: Float64Array,
  flags: Uint8Array,
  row: number,
  count: number,
): number {
  const levels = flags.subarray(row, row + count)
  let page: Uint8Array
  let offset: number
  // Values in the page, known when its levels are one run of ones; else counted below.
  let set = -1
  const v2 = header.data_page_header_v2
  if (header.type === 'DATA_PAGE_V2' && v2) {
    const levelBytes = v2.repetition_levels_byte_length + v2.definition_levels_byte_length
    if (v2.repetition_levels_byte_length !== 0 || levelBytes > compressed.length) {
      throw new Error(
        `parquet column ${decoder.pathInSchema.join('.')}: a page of ${compressed.length} bytes ` +
          `claims ${levelBytes} bytes of levels, ${v2.repetition_levels_byte_length} of them ` +
          'repetition levels a flat column cannot have',
      )
    }
    if (v2.num_nulls === 0) {
      levels.fill(1)
      set = count
    } else {
      const view = new DataView(compressed.buffer, compressed.byteOffset, levelBytes)
      readRleBitPackedHybrid({ view, offset: 0 }, 1, levels, levelBytes)
    }
    const values = compressed.subarray(levelBytes)
    page = v2.is_compressed === false ? values : decompressPage(
      values,
      header.uncompressed_page_size - levelBytes,
      decoder.codec,
      decoder.compressors,
    )
    offset = 0
  } else {
    page = decompressPage(
      compressed,
      header.uncompressed_page_size,
      decoder.codec,
      decoder.compressors,
    )
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength)
    const levelsEnd = view.byteLength >= 4 ? 4 + view.getUint32(0, true) : 0
    if (levelsEnd > 0 && oneRunOfSet(view, 4, levelsEnd, count)) {
      levels.fill(1)
      set = count
      offset = levelsEnd
    } else {
      const reader = { view, offset: 0 }
      readRleBitPackedHybrid(reader, 1, levels)
      offset = reader.offset
    }
  }
  if (set < 0) {
    set = 0
    for (let i = 0; i < count; i++) set += levels[i]
  }
  const bytes = set * 8
  if (offset + bytes > page.length) {
    throw new Error(
      `parquet column ${decoder.pathInSchema.join('.')}: a page of ${set} values holds ${
        page.length - offset
      } bytes of them`,
    )
  }
  const source = page.subarray(offset, offset + bytes)
  if (set === count) {
    new Uint8Array(nums.buffer, nums.byteOffset + row * 8, bytes).set(source)
    return 0
  }
  const values = alignedDoubles(source)
  let v = 0
  for (let i = 0; i < count; i++) if (levels[i] !== 0) nums[row + i] = values[v++]
  return count - set
}

/**
 * Whether the definition levels at `[offset, end)` of `view` (RLE/bit-packed hybrid, bit width 1)
 * begin with one RLE run of at least `count` ones: a page without nulls, as writers encode it.
 */
function oneRunOfSet(view: DataView, offset: number, end: number, count: number): boolean {
  if (end > view.byteLength) return false
  let header = 0
  for (let shift = 0; shift < 35 && offset < end; shift += 7) {
    const byte = view.getUint8(offset++)
    header += (byte & 0x7f) * 2 ** shift
    if (byte < 0x80) {
      return header % 2 === 0 && header / 2 >= count && offset < end && view.getUint8(offset) === 1
    }
  }
  return false
}

/** Most rows of a group assembled in the reused scratch (2.25 MiB of it); bigger groups get their own. */
const SCRATCH_ROWS = 262_144
/** Values and flags of the chunk being decoded (see readFlatDoubles). */
let scratchNums: Float64Array<ArrayBufferLike> = new Float64Array(0)
let scratchFlags = new Uint8Array(0)

/** Scratch for values whose bytes do not start on an 8-byte boundary. */
let scratch = new Float64Array(0)

/** The doubles in `bytes`: a view when aligned, else a copy in scratch. */
function alignedDoubles(bytes: Uint8Array): Float64Array {
  const count = bytes.length / 8
  if (bytes.byteOffset % 8 === 0) return new Float64Array(bytes.buffer, bytes.byteOffset, count)
  if (scratch.length < count) scratch = new Float64Array(Math.max(count, scratch.length * 2))
  new Uint8Array(scratch.buffer, 0, bytes.length).set(bytes)
  return scratch
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
