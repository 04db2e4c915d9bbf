/**
 * Peak RSS of `wbx export` at a high run ceiling under different `--memory` budgets (issue 15):
 * a generated project on the in-process test server (latency only, no rate limit), each export a
 * child process measured with GNU time, its budget high-water and peak runs in flight from
 * `--json`. A budget far above what the runs need stands in for no budget.
 *
 * Usage: `deno run -A bench/memory_budget.bench.ts [--runs 64] [--sizes uniform:20000:40000]
 * [--metrics 10] [--latency-ms 20] [--concurrency 128] [--memory 100MB,500MB,100GB]
 * [--client deno|bun] [--cli PATH]`. `--memory none` passes no `--memory` (with `--cli` pointing
 * at an older checkout's `cli.ts`: wbx before the budget). Prints a markdown table.
 *
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { startTestServer } from '../tests/server/test_server.ts'
import { measureChild } from './moonshot_measure.ts'
import { executable, ROOT } from './remote_spawn.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    runs: { type: 'string', default: '64' },
    sizes: { type: 'string', default: 'uniform:20000:40000' },
    metrics: { type: 'string', default: '10' },
    'latency-ms': { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '128' },
    memory: { type: 'string', default: '100MB,500MB,100GB' },
    client: { type: 'string', default: 'deno' },
    cli: { type: 'string' },
  },
})

const server = await startTestServer({
  limits: { latencyMs: Number(values['latency-ms']) },
  generatedProjects: [{
    entity: 'bench',
    project: 'memory',
    runs: Number(values.runs),
    sizes: values.sizes,
    metrics: Number(values.metrics),
  }],
  warm: { exports: true },
})
const info = server.generated[0]
const scratch = mkdtempSync(join(tmpdir(), 'wbx-memory-bench-'))
const client = values.client!
const cli = values.cli ?? join(ROOT, 'cli.ts')
const command = client === 'deno'
  ? [executable('deno'), 'run', '-A', cli]
  : [executable(client), cli]
const env = { ...process.env, WANDB_BASE_URL: server.baseUrl, WANDB_API_KEY: server.apiKey }
const lines = [
  `Project: ${info.runs.length} runs, ${info.totalRows} rows (sizes ${values.sizes}, ${values.metrics}` +
  ` metrics), latency median ${values['latency-ms']} ms, no rate limit; client ${client}` +
  ` running ${cli}.`,
  '',
  '| --memory | -j | wall | client CPU | peak RSS | budget high-water | peak runs started |',
  '|---|---:|---:|---:|---:|---:|---:|',
]
try {
  for (const [i, memory] of values.memory!.split(',').entries()) {
    const out = join(scratch, `export-${i}`)
    const m = await measureChild(
      [
        ...command,
        ...['export', 'bench/memory', '-o', out, '-q', '--json'],
        ...['-j', values.concurrency!, ...(memory === 'none' ? [] : ['--memory', memory])],
      ],
      env,
      join(scratch, 'time.txt'),
    )
    if (m.code !== 0) throw new Error(`export with --memory ${memory} failed:\n${m.stderr}`)
    const result = JSON.parse(m.stdout.trim().split('\n').pop()!)
    result.memory ??= { highWaterBytes: NaN } // wbx before the budget
    if (result.progress.rows !== info.totalRows) {
      throw new Error(`export with --memory ${memory} wrote ${result.progress.rows} rows`)
    }
    lines.push(
      `| ${memory} | ${values.concurrency} | ${(m.wallMs / 1000).toFixed(1)} s | ${
        (m.cpuMs / 1000).toFixed(1)
      } s | ${m.peakRssMb.toFixed(0)} MB | ${
        (result.memory.highWaterBytes / 1e6).toFixed(0)
      } MB | ${result.peakRuns} |`,
    )
    console.error(lines.at(-1))
    rmSync(out, { recursive: true, force: true })
  }
} finally {
  await server.stop()
  rmSync(scratch, { recursive: true, force: true })
}
console.log(lines.join('\n'))
