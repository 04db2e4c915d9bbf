/**
 * Export benchmark: rows/s, peak RSS and output size for each exporter on synthetic W&B-like
 * rows, beside a plain `JSON.stringify`-per-row baseline. Each case runs in a child process of
 * the same runtime (`_export_case.ts`) so cases do not share memory.
 *
 * Usage: `deno run -A bench/export.bench.ts [--rows 1000000,5000000] [--cases ndjson,parquet]`
 * (or `bun bench/export.bench.ts ...`). Prints a markdown table and writes `bench/out/export.md`.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runtimeName } from '../src/runtime.ts'

const ALL = [
  'baseline',
  'ndjson',
  'csv',
  'csv-columns',
  'parquet',
  'parquet-declared',
  'parquet-zstd',
]

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    rows: { type: 'string', default: '1000000,5000000' },
    cases: { type: 'string', default: ALL.join(',') },
  },
})
const sizes = values.rows!.split(',').map(Number)
const cases = values.cases!.split(',')
const script = fileURLToPath(new URL('./_export_case.ts', import.meta.url))
const command = runtimeName === 'deno' ? ['run', '-A', script] : [script]

interface Result {
  case: string
  rows: number
  ms: number
  bytes: number
  peakRssMb: number
}

const lines = [
  `Export benchmark, ${runtimeName} ${process.versions[runtimeName as 'node'] ?? ''}, ${
    new Date().toISOString().slice(0, 10)
  }.`,
  'Synthetic rows: `_step`, `_timestamp`, `_runtime`, 20 float metrics (a NaN every 997 rows), 2 eval metrics every 100 rows, a string every 1000 rows; batches of 1000; output to a file. Times include generating the rows.',
  '',
  '| rows | case | rows/s | vs baseline | peak RSS MB | output MB |',
  '|---:|---|---:|---:|---:|---:|',
]
for (const rows of sizes) {
  let base: number | undefined
  for (const name of cases) {
    const run = spawnSync(process.execPath, [...command, name, String(rows)], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    })
    if (run.status !== 0) {
      console.error(`case ${name} (${rows} rows) failed:\n${run.stderr}`)
      process.exitCode = 1
      continue
    }
    const result: Result = JSON.parse(run.stdout.trim().split('\n').pop()!)
    const rate = result.rows / (result.ms / 1000)
    if (name === 'baseline') base = rate
    const ratio = base ? (rate / base).toFixed(2) + '×' : '–'
    const line =
      `| ${rows.toLocaleString('en-US')} | ${name} | ${
        Math.round(rate).toLocaleString('en-US')
      } | ${ratio} | ` +
      `${result.peakRssMb.toFixed(0)} | ${(result.bytes / 2 ** 20).toFixed(1)} |`
    console.log(line)
    lines.push(line)
  }
}
const table = lines.join('\n') + '\n'
mkdirSync(fileURLToPath(new URL('./out/', import.meta.url)), { recursive: true })
writeFileSync(fileURLToPath(new URL('./out/export.md', import.meta.url)), table)
console.log('\n' + table)
