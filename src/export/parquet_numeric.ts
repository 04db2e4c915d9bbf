/**
 * The fast path for DOUBLE and INT64 columns: a column chunk written straight from the row
 * group's typed storage (a Float64Array of values and a Uint8Array of set flags), with the bytes
 * hyparquet-writer's `writeColumn` would write for the same values: the same dictionary sample
 * test, PLAIN data pages v2 split at the same 1 MiB boundaries, the same definition levels,
 * statistics and offset index. `writeColumn` spends most of its time per value (a DataView call
 * per double, a BigInt per integer, statistics through a generic comparison, page sizes by a
 * function call per value); here each step is a typed-array loop, and a dense DOUBLE page is the
 * storage's own bytes. Columns whose sample says a dictionary may win are left to `writeColumn`.
 *
 * @module
 */
import type { ColumnChunk, OffsetIndex, Statistics } from 'hyparquet'
import { ByteWriter } from 'hyparquet-writer'
import type { writeColumn } from 'hyparquet-writer/src/column.js'
import { writePageHeader } from 'hyparquet-writer/src/datapage.js'
import { writeRleBitPackedHybrid } from 'hyparquet-writer/src/encoding.js'
import { allocUnsafeFloats } from '../runtime.ts'
import { compressView } from './parquet_codec.ts'

/** hyparquet-writer's column setup, as its `writeColumn` takes it. */
export type ColumnEncoder = Parameters<typeof writeColumn>[0]['column']
/** hyparquet-writer's byte sink. */
export type Writer = Parameters<typeof writeColumn>[0]['writer']
/** Chunk statistics with the NaN count hyparquet-writer also writes. */
type ChunkStatistics = Statistics & { nan_count?: bigint }

/** A number column of the open row group: values where `flags[i] !== 0`, else null. */
export interface NumericData {
  /** Values (int columns hold safe integers). */
  nums: Float64Array
  /** Definition levels: 0 = null, 1 = set. */
  flags: Uint8Array
  /** Rows. */
  length: number
  /** INT64 rather than DOUBLE. */
  int: boolean
}

/** What `writeColumn` returns, and ParquetWriter keeps for the footer. */
export interface ChunkResult {
  /** The column chunk's metadata. */
  chunk: ColumnChunk
  /** Page locations when the chunk has more than one page. */
  offsetIndex?: OffsetIndex
}

/** hyparquet-writer's page size (`ParquetWriter.write`'s default `pageSize`). */
export const PAGE_SIZE = 1 << 20
/** Values per page: a page ends once its values reach PAGE_SIZE (8 bytes each). */
const PAGE_VALUES = PAGE_SIZE / 8
/** hyparquet-writer's dictionary sample: at most this many values, spread over the column. */
const SAMPLE = 1000
const TWO_32 = 4294967296

/** Grown, never zero-filled scratch for compacted or converted page values. */
let scratch: Float64Array<ArrayBufferLike> = new Float64Array(0)

/** A scratch view of at least `count` float64 slots. */
function scratchFor(count: number): Float64Array<ArrayBufferLike> {
  if (scratch.length < count) {
    scratch = allocUnsafeFloats(Math.max(count, scratch.length * 2))
  }
  return scratch
}

/** Open-addressing table of the sample's distinct doubles, as bit pairs, stamped per call. */
const SLOTS = 4096
const slotLow = new Int32Array(SLOTS)
const slotHigh = new Int32Array(SLOTS)
const slotStamp = new Uint32Array(SLOTS)
let stamp = 0
const bits = new Float64Array(1)
const words = new Int32Array(bits.buffer)

/**
 * Whether hyparquet-writer's dictionary sample would reject the column outright (distinct
 * sampled bytes over 90% of sampled bytes), so it is written PLAIN without building a dictionary.
 * The same sample and the same equality (SameValueZero: NaN equals NaN, -0 equals 0), counted in
 * a hash table of the values' bits instead of a Set of boxed doubles.
 */
export function sampleRejectsDictionary(data: NumericData): boolean {
  const { nums, flags, length } = data
  const size = Math.min(length, SAMPLE)
  if (++stamp === 0xffffffff) {
    slotStamp.fill(0)
    stamp = 1
  }
  let count = 0
  let distinct = 0
  let nan = false
  for (let i = 0; i < size; i++) {
    const at = size === 1 ? 0 : Math.floor(i * (length - 1) / (size - 1))
    // A null weighs nothing in hyparquet-writer's sample.
    if (flags[at] === 0) continue
    count++
    const v = nums[at]
    if (v !== v) {
      if (!nan) distinct++
      nan = true
      continue
    }
    bits[0] = v === 0 ? 0 : v
    const low = words[0]
    const high = words[1]
    let slot = (Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) >>> 20) & (SLOTS - 1)
    while (slotStamp[slot] === stamp) {
      if (slotLow[slot] === low && slotHigh[slot] === high) break
      slot = (slot + 1) & (SLOTS - 1)
    }
    if (slotStamp[slot] !== stamp) {
      slotStamp[slot] = stamp
      slotLow[slot] = low
      slotHigh[slot] = high
      distinct++
    }
  }
  if (count === 0) return true
  return distinct / count > 0.9
}

/** One page: rows [start, end), `set` of them not null. */
interface Page {
  start: number
  end: number
  set: number
}

/**
 * One pass over the column: statistics as `writeColumn` computes them (NaN skipped and counted
 * for DOUBLE, ±0 normalised) and pages as `getPageBoundaries` draws them for 8-byte values (a page
 * ends once its values reach 1 MiB; nulls weigh nothing).
 */
function scan(data: NumericData): { stats: ChunkStatistics; pages: Page[] } {
  const { nums, flags, length, int } = data
  const pages: Page[] = []
  let min = Infinity
  let max = -Infinity
  let nulls = 0
  let nans = 0
  let any = false
  let start = 0
  let count = 0
  for (let i = 0; i < length; i++) {
    if (flags[i] === 0) {
      nulls++
      continue
    }
    if (++count >= PAGE_VALUES && i > start) {
      pages.push({ start, end: i, set: count - 1 })
      start = i
      count = 1
    }
    const v = nums[i]
    if (v !== v) nans++
    else if (!any) {
      min = max = v
      any = true
    } else if (v < min) min = v
    else if (v > max) max = v
  }
  if (start < length) pages.push({ start, end: length, set: count })
  const stats: ChunkStatistics = int
    ? {
      min_value: any ? BigInt(min) : undefined,
      max_value: any ? BigInt(max) : undefined,
      null_count: BigInt(nulls),
      nan_count: undefined,
    }
    : {
      min_value: any ? (min === 0 ? -0 : min) : undefined,
      max_value: any ? (max === 0 ? 0 : max) : undefined,
      null_count: BigInt(nulls),
      nan_count: BigInt(nans),
    }
  return { stats, pages }
}

/**
 * Writes the levels of a page without nulls as the one RLE run writeRleBitPackedHybrid makes of
 * `count` ≥ 8 ones, without looking at each flag; returns the bytes written.
 */
function writeRunOfOnes(levels: ByteWriter, count: number): number {
  levels.appendVarInt(count << 1)
  levels.appendUint8(1)
  return levels.offset
}

/** The PLAIN bytes of rows [start, end): doubles as stored, or int64 little-endian. */
function plainBytes(data: NumericData, start: number, end: number, set: number): Uint8Array {
  const { nums, flags, int } = data
  if (!int && set === end - start) {
    return new Uint8Array(nums.buffer, nums.byteOffset + start * 8, set * 8)
  }
  const out = scratchFor(set)
  if (!int) {
    let k = 0
    for (let i = start; i < end; i++) if (flags[i] !== 0) out[k++] = nums[i]
  } else {
    // Safe integers as two 32-bit halves: low word unsigned, high word signed.
    const words = new Int32Array(out.buffer, out.byteOffset, set * 2)
    let k = 0
    for (let i = start; i < end; i++) {
      if (flags[i] === 0) continue
      const v = nums[i]
      const high = Math.floor(v / TWO_32)
      words[k++] = (v - high * TWO_32) | 0
      words[k++] = high
    }
  }
  return new Uint8Array(out.buffer, out.byteOffset, set * 8)
}

/**
 * Writes the column chunk of an OPTIONAL DOUBLE or INT64 leaf `column` (as ParquetWriter would
 * set it up, without dictionary, bloom filter, column index or custom encoding) and returns its
 * metadata; returns undefined, writing nothing, when the dictionary sample does not reject it.
 */
export function writeNumericColumn(
  writer: Writer,
  column: ColumnEncoder,
  data: NumericData,
): ChunkResult | undefined {
  if (!sampleRejectsDictionary(data)) return undefined
  const { schemaPath, codec, compressors } = column
  const type = data.int ? 'INT64' : 'DOUBLE'
  // Each page's compressed bytes are appended to the writer before the next page is compressed.
  const compress = compressView(compressors[codec])
  const offsetStart = writer.offset
  const { stats, pages: boundaries } = scan(data)
  const offsetIndex: OffsetIndex | undefined = boundaries.length > 1 && column.offsetIndex
    ? { page_locations: [] }
    : undefined
  const data_page_offset = BigInt(writer.offset)
  let uncompressedSize = 0
  for (const { start, end, set } of boundaries) {
    const pageOffset = writer.offset
    const levels = new ByteWriter(64)
    // Number flags are 0 or 1: they are the definition levels.
    const levelBytes = set === end - start && set >= 8
      ? writeRunOfOnes(levels, set)
      : writeRleBitPackedHybrid(levels, data.flags.subarray(start, end), 1)
    const plain = plainBytes(data, start, end, set)
    const compressed = compress ? compress(plain) : plain
    const headerStart = writer.offset
    writePageHeader(writer, {
      type: 'DATA_PAGE_V2',
      uncompressed_page_size: levels.offset + plain.length,
      compressed_page_size: levels.offset + compressed.length,
      data_page_header_v2: {
        num_values: end - start,
        num_nulls: end - start - set,
        num_rows: end - start,
        encoding: 'PLAIN',
        definition_levels_byte_length: levelBytes,
        repetition_levels_byte_length: 0,
        is_compressed: !!codec,
      },
    })
    const headerSize = writer.offset - headerStart
    writer.appendBytes(levels.getBytes())
    writer.appendBytes(compressed)
    uncompressedSize += headerSize + levels.offset + plain.length
    offsetIndex?.page_locations.push({
      offset: BigInt(pageOffset),
      compressed_page_size: writer.offset - pageOffset,
      first_row_index: BigInt(start),
    })
  }
  return {
    chunk: {
      meta_data: {
        type,
        encodings: ['PLAIN'],
        path_in_schema: schemaPath.slice(1).map((element: { name: string }) => element.name),
        codec: codec ?? 'UNCOMPRESSED',
        num_values: BigInt(data.length),
        total_compressed_size: BigInt(writer.offset - offsetStart),
        total_uncompressed_size: BigInt(uncompressedSize),
        data_page_offset,
        dictionary_page_offset: undefined,
        statistics: column.stats ? stats : undefined,
        encoding_stats: column.stats
          ? [{ page_type: 'DATA_PAGE_V2', encoding: 'PLAIN', count: boundaries.length }]
          : undefined,
        geospatial_statistics: undefined,
      },
      file_offset: BigInt(offsetStart),
    },
    offsetIndex,
  }
}

/** A number column as hyparquet-writer takes it: Float64Array or BigInt64Array when dense, else an array with nulls. */
export function numericValues({ nums, flags, length: n, int }: NumericData): ArrayLike<unknown> {
  const dense = flags.subarray(0, n).indexOf(0) < 0
  if (!int) {
    if (dense) return nums.subarray(0, n)
    const data = new Array<number | null>(n)
    for (let i = 0; i < n; i++) data[i] = flags[i] === 0 ? null : nums[i]
    return data
  }
  const data = dense ? new BigInt64Array(n) : new Array<bigint | null>(n)
  for (let i = 0; i < n; i++) data[i] = flags[i] === 0 ? null! : BigInt(nums[i])
  return data
}
