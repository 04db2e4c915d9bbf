/**
 * wbx's Parquet writer against DuckDB on the same rows: N rows of `_step` + 20 float metrics
 * (`_parquet_vs_duckdb_rows.ts`), written once as NDJSON, then turned into Parquet by each side in
 * its own process, interleaved, `--repeat` times; medians of wall and CPU time of the measured
 * part (runtime start-up excluded on both sides).
 *
 * Two comparisons, each for every codec (plus, beside `ndjson`, each runtime's `JSON.parse` of
 * the file alone: the part of wbx's `ndjson` time that is not Parquet writing):
 * - `ndjson`: NDJSON file → Parquet file. wbx: read the file, `JSON.parse` each line, batches of
 *   1000 rows through `toParquet` with the 21 columns declared (the bulk export's path); DuckDB:
 *   `COPY (FROM read_json(…, columns = the 21 declared)) TO … (FORMAT parquet)`.
 * - `rows`: rows already in memory → Parquet file. wbx: parsed row objects; DuckDB: a table in
 *   memory. Only the writing is timed.
 * - `parts`: as `rows`, but one file per 1,000 rows (a bulk export of many small runs).
 * - `export`: a Parquet file shaped like a W&B history export (snappy, row groups of 10,000 rows,
 *   written by DuckDB from the NDJSON) → a history part: wbx decodes it and writes the columns as
 *   a bulk export does (no row objects); DuckDB: `COPY (FROM read_parquet(…)) TO`.
 * - `columns`: as `export`, but both sides hold the decoded rows before the clock starts (wbx: the
 *   export's slices; DuckDB: a table in memory), so only writing is timed: the bulk export's writer
 *   alone.
 * DuckDB runs with `threads` 1 (the fair single-core comparison, the ratio's base) and 2 (this
 * machine's cores); wbx is one JavaScript thread. Both use their default row-group sizes (wbx:
 * 1M cells ÷ 21 columns = 47,619 rows; DuckDB: 122,880) and zstd level 3.
 *
 * `--warm K` runs K unmeasured conversions in each process before the measured one (both sides):
 * the steady state of a long bulk export, which writes thousands of parts in one process, instead
 * of a process that is still compiling its code. `--measure M` reports the mean of M conversions
 * after those (both sides): one conversion may or may not hold a full collection, and Python's
 * process times move in 10 ms steps.
 *
 * Usage: `deno run -A bench/parquet_vs_duckdb.bench.ts [--rows 100000] [--repeat 3]
 * [--codecs snappy,zstd] [--modes ndjson,rows,parts,export,columns] [--runtimes deno,bun,node] [--warm 0] [--measure 1]`. Needs Python with
 * `duckdb` (`.venv/`, or `WBX_PYTHON`); writes `bench/out/parquet_vs_duckdb.md`.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { benchRows } from './_parquet_vs_duckdb_rows.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    rows: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '3' },
    codecs: { type: 'string', default: 'snappy,zstd' },
    modes: { type: 'string', default: 'ndjson,rows,parts,export,columns' },
    runtimes: { type: 'string', default: 'deno,bun,node' },
    warm: { type: 'string', default: '0' },
    measure: { type: 'string', default: '1' },
  },
})
const rows = Number(values.rows)
const repeat = Number(values.repeat)
const warm = Number(values.warm)
const measure = Number(values.measure)
if (!Number.isInteger(measure) || measure < 1) {
  throw new RangeError(
    `Cannot measure --measure ${values.measure} conversions: use a whole number >= 1`,
  )
}
if (!Number.isInteger(warm) || warm < 0) {
  throw new RangeError(`Cannot warm up with --warm ${values.warm}: use a whole number >= 0`)
}
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
const root = here('../')
const tools = join(root, '.tools/node_modules/.bin')
const tool = (name: string) => existsSync(join(tools, name)) ? join(tools, name) : name
const python = process.env.WBX_PYTHON ??
  (existsSync(join(root, '.venv/bin/python')) ? join(root, '.venv/bin/python') : 'python3')
const wbxCase = here('./_parquet_vs_duckdb_case.ts')
const duckCase = here('./_parquet_vs_duckdb.py')

/** One contender: a label and the command line before the case arguments. */
interface Side {
  label: string
  argv: string[]
  duckThreads?: number
  /** Run in this mode instead (the JSON.parse floor beside `ndjson`). */
  mode?: string
}
const sides: Side[] = [
  ...values.runtimes!.split(',').map((name): Side => ({
    label: `wbx ${name}`,
    argv: name === 'deno' ? [tool('deno'), 'run', '-A', wbxCase] : [tool(name), wbxCase],
  })),
  ...values.runtimes!.split(',').map((name): Side => ({
    label: `JSON.parse only, ${name}`,
    argv: name === 'deno' ? [tool('deno'), 'run', '-A', wbxCase] : [tool(name), wbxCase],
    mode: 'parse',
  })),
  { label: 'DuckDB 1 thread', argv: [python, duckCase], duckThreads: 1 },
  { label: 'DuckDB 2 threads', argv: [python, duckCase], duckThreads: 2 },
]

const dir = mkdtempSync(join(tmpdir(), 'wbx-pq-duckdb-'))
const input = join(dir, 'rows.ndjson')
{
  const lines: string[] = []
  for (const row of benchRows(rows)) lines.push(JSON.stringify(row))
  writeFileSync(input, lines.join('\n') + '\n')
}
const exportInput = join(dir, 'export.parquet')
if (values.modes!.split(',').some((m) => m === 'export' || m === 'columns')) {
  const made = spawnSync(python, [duckCase, 'make-export', input, exportInput, 'snappy', '1'], {
    encoding: 'utf8',
  })
  if (made.status !== 0) throw new Error(`Cannot write the export file:\n${made.stderr}`)
}

interface Sample {
  ms: number
  cpuMs: number
  bytes: number
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const lines = [
  `Parquet writing, ${
    rows.toLocaleString('en-US')
  } rows × (_step + 20 doubles), median of ${repeat} interleaved runs${
    warm ? `, each measured after ${warm} unmeasured conversions in the same process` : ''
  }${measure > 1 ? `, each the mean of ${measure} conversions` : ''}, ${
    new Date().toISOString().slice(0, 10)
  }. Ratio = wbx CPU ÷ DuckDB 1-thread CPU.`,
  '',
  '| codec | mode | side | wall ms | CPU ms | output MB | CPU ratio |',
  '|---|---|---|---:|---:|---:|---:|',
]
try {
  for (const codec of values.codecs!.split(',')) {
    for (const mode of values.modes!.split(',')) {
      const samples = new Map<string, Sample[]>(sides.map((s) => [s.label, []]))
      for (let r = 0; r < repeat; r++) {
        for (const side of sides) {
          if (side.mode && mode !== 'ndjson') continue
          const out = join(dir, 'out.parquet')
          const extra = side.duckThreads ? [String(side.duckThreads)] : []
          const run = spawnSync(side.argv[0], [
            ...side.argv.slice(1),
            side.mode ?? mode,
            mode === 'export' || mode === 'columns' ? exportInput : input,
            out,
            codec,
            ...extra,
          ], {
            cwd: root,
            env: {
              ...process.env,
              WBX_BENCH_WARM: String(warm),
              WBX_BENCH_MEASURE: String(measure),
            },
            encoding: 'utf8',
            maxBuffer: 1 << 24,
          })
          rmSync(out, { force: true })
          if (run.status !== 0) {
            throw new Error(`${side.label} ${codec} ${mode} failed:\n${run.stderr}`)
          }
          samples.get(side.label)!.push(JSON.parse(run.stdout.trim().split('\n').pop()!))
        }
      }
      const base = median(samples.get('DuckDB 1 thread')!.map((s) => s.cpuMs))
      for (const side of sides) {
        const s = samples.get(side.label)!
        if (!s.length) continue
        const cpu = median(s.map((x) => x.cpuMs))
        const line = `| ${codec} | ${mode} | ${side.label} | ${
          median(s.map((x) => x.ms)).toFixed(0)
        } | ${cpu.toFixed(0)} | ${(median(s.map((x) => x.bytes)) / 2 ** 20).toFixed(2)} | ${
          base > 0 ? `${(cpu / base).toFixed(2)}×` : '–'
        } |`
        console.log(line)
        lines.push(line)
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
mkdirSync(here('./out'), { recursive: true })
writeFileSync(here('./out/parquet_vs_duckdb.md'), lines.join('\n') + '\n')
