/**
 * CSV history parts under a grown dataset schema (see `unify_history.ts`): readers that open a
 * folder of CSV files take one file's header for all (DuckDB `read_csv` keeps the first file's
 * columns and drops the rest; polars `read_csv` on a glob fails with `schema lengths differ`), so
 * every part must carry every column. A part is rewritten record by record: its cells are kept as
 * written, a column it lacks is an empty cell, columns follow the schema's order, and an integer
 * in a column the schema now types DOUBLE is spelled as a float (`1` → `1.0`) so readers that infer
 * a type from the first file do not take it for an integer. Memory is one read chunk.
 *
 * @module
 */
import { createReadStream } from 'node:fs'
import type { ColumnType } from '../export/column_kind.ts'
import { csvHeader } from '../export/csv_text.ts'
import { writeFileAtomic, type WrittenFile } from './atomic_file.ts'
import type { HistorySchema } from './history_schema.ts'

/** Splits CSV text fed in chunks into records of raw fields (quotes kept, RFC 4180). */
export class CsvRecordSplitter {
  /** The line ending of the first record (`\r\n` or `\n`). */
  eol = '\n'
  #fields: string[] = []
  #field = ''
  #quoted = false
  #first = true

  /** Feeds a chunk; returns the records it completed. */
  feed(text: string): string[][] {
    const records: string[][] = []
    let start = 0
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c === 34) this.#quoted = !this.#quoted // '"' ('""' toggles twice)
      else if (this.#quoted) continue
      else if (c === 44) { // ','
        this.#fields.push(this.#field + text.slice(start, i))
        this.#field = ''
        start = i + 1
      } else if (c === 10) { // '\n'
        let last = this.#field + text.slice(start, i)
        if (last.endsWith('\r')) {
          last = last.slice(0, -1)
          if (this.#first) this.eol = '\r\n'
        }
        this.#first = false
        this.#fields.push(last)
        records.push(this.#fields)
        this.#fields = []
        this.#field = ''
        start = i + 1
      }
    }
    this.#field += text.slice(start)
    return records
  }

  /** Ends the input; returns the last record when the text did not end with a line ending. */
  end(): string[][] {
    if (this.#field === '' && this.#fields.length === 0) return []
    const record = [...this.#fields, this.#field]
    this.#fields = []
    this.#field = ''
    return [record]
  }
}

/** A raw header field's name (quotes removed, a leading BOM dropped). */
function fieldName(raw: string): string {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw
  return text.startsWith('"') ? text.slice(1, -1).replaceAll('""', '"') : text
}

/** The column names in a CSV part's header. */
export async function csvPartColumns(path: string): Promise<string[]> {
  const splitter = new CsvRecordSplitter()
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })
  try {
    for await (const chunk of stream) {
      const [header] = splitter.feed(chunk as string)
      if (header) return header.map(fieldName)
    }
    return (splitter.end()[0] ?? []).map(fieldName)
  } finally {
    stream.destroy()
  }
}

const INTEGER = /^-?\d+$/

/**
 * Rewrites the CSV part at `path` (inside the export folder `root`) atomically with `schema`'s
 * columns; resolves with the new file's size and sha256.
 */
export function rewriteCsvPart(
  root: string,
  path: string,
  schema: HistorySchema,
  signal?: AbortSignal,
): Promise<WrittenFile> {
  const splitter = new CsvRecordSplitter()
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })
  const chunks = input[Symbol.asyncIterator]()
  const encoder = new TextEncoder()
  const doubles: boolean[] = schema.columns.map((c) => schema.types[c] === ('double' as ColumnType))
  let from: (number | undefined)[] | undefined
  let ended = false
  const records = (list: string[][]): string => {
    let text = ''
    for (const fields of list) {
      if (!from) {
        const index = new Map(fields.map((raw, k) => [fieldName(raw), k]))
        from = schema.columns.map((name) => index.get(name))
        text += csvHeader(schema.columns, splitter.eol)
        continue
      }
      let line = ''
      for (let j = 0; j < from.length; j++) {
        const k = from[j]
        let cell = k === undefined ? '' : fields[k] ?? ''
        if (doubles[j] && INTEGER.test(cell)) cell += '.0'
        line += j ? ',' + cell : cell
      }
      text += line + splitter.eol
    }
    return text
  }
  const bytes = new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (ended) return controller.close()
        const next = await chunks.next()
        let text: string
        if (next.done) {
          ended = true
          text = records(splitter.end())
        } else text = records(splitter.feed(next.value as string))
        if (text) return controller.enqueue(encoder.encode(text))
      }
    },
    cancel() {
      input.destroy()
    },
  }, { highWaterMark: 0 })
  return writeFileAtomic(root, path, bytes, signal).finally(() => input.destroy())
}
