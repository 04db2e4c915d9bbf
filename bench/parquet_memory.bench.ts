/**
 * Memory of the default single-run Parquet export: peak RSS and when the first bytes reach the
 * output, for growing row counts, with the schema from `historyKeys` (`typed`, the default path
 * of `wbx history -o run.parquet`) and without one (`spooled`). Each case runs in its own child
 * process (`_parquet_memory_case.ts`) so peaks are its own.
 *
 * Usage: `deno run -A bench/parquet_memory.bench.ts [--rows 100000,1000000,5000000] [--modes typed,spooled]`
 * Prints a markdown table and writes `bench/out/parquet_memory.md`.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runtimeName } from '../src/runtime.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    rows: { type: 'string', default: '100000,1000000,5000000' },
    modes: { type: 'string', default: 'typed,spooled' },
  },
})
const script = fileURLToPath(new URL('./_parquet_memory_case.ts', import.meta.url))
const command = runtimeName === 'deno' ? ['run', '-A', script] : [script]
const lines = [
  `Parquet memory benchmark, ${runtimeName}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
  '| rows | mode | seconds | peak RSS MB | rows read when the first byte was written |',
  '|---:|---|---:|---:|---:|',
]
console.log(lines.join('\n'))
for (const rows of values.rows!.split(',').map(Number)) {
  for (const mode of values.modes!.split(',')) {
    const r = spawnSync(process.execPath, [...command, mode, String(rows)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    })
    if (r.status !== 0) throw new Error(`case ${mode} ${rows} failed: ${r.stderr}`)
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!)
    const first = result.rowsAtFirstByte === null
      ? 'at the end'
      : result.rowsAtFirstByte.toLocaleString('en-US')
    const line = `| ${rows.toLocaleString('en-US')} | ${mode} | ${
      (result.ms / 1000).toFixed(1)
    } | ${result.peakRssMb.toFixed(0)} | ${first} |`
    console.log(line)
    lines.push(line)
  }
}
mkdirSync(fileURLToPath(new URL('./out/', import.meta.url)), { recursive: true })
writeFileSync(
  fileURLToPath(new URL('./out/parquet_memory.md', import.meta.url)),
  lines.join('\n') + '\n',
)
