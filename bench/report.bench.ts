/**
 * `wbx report` on a big run: time, peak memory and report size, for a local run folder and for
 * the same shape of run on the test server (tests/server, in its own process).
 *
 * Usage: `deno run -A bench/report.bench.ts [--steps 1000000] [--metrics 20] [--runtimes deno,bun]`
 * The local run is written once to bench/out/report/ (one planted spike per metric); each case
 * runs in its own process (bench/report_case.ts) so its peak resident set is its own.
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { writeTestRun } from '../tests/report/_report_runs.ts'
import { ROOT, scriptCommand, startServer } from './remote_spawn.ts'

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '1000000' },
    metrics: { type: 'string', default: '20' },
    runtimes: { type: 'string', default: 'deno,bun' },
  },
})
const steps = Number(values.steps)
const metrics = Number(values.metrics)
const out = join(ROOT, 'bench', 'out', 'report')
const wandb = join(out, `wandb-${steps}x${metrics}`)
const folder = join(wandb, 'run-20260101_000000-bench1')
mkdirSync(out, { recursive: true })

if (!existsSync(folder)) {
  const t = performance.now()
  const keys = Array.from({ length: metrics }, (_, i) => `train/m${i}`)
  const spike = Math.floor(steps * 0.812345)
  await writeTestRun(wandb, {
    id: 'bench1',
    name: 'report-bench',
    steps,
    keys,
    value: (k, s) => (s === spike ? 1000 : Math.sin(s / 1000 + k.length) + (s % 13) / 100),
  })
  console.error(`wrote ${folder} in ${((performance.now() - t) / 1000).toFixed(1)} s`)
}

const server = await startServer([`bench/report/bench1:${steps}:${metrics}`])
const env = {
  ...process.env,
  WANDB_BASE_URL: server.ready.baseUrl,
  WANDB_API_KEY: server.ready.apiKey,
}
const rows: Record<string, unknown>[] = []
try {
  for (const runtime of values.runtimes!.split(',')) {
    for (const [where, source] of [['local', folder], ['remote', 'bench/report/bench1']]) {
      const command = scriptCommand(runtime, 'report_case.ts', out)
      const html = join(out, `${where}-${runtime}.html`)
      const r = spawnSync(command[0], [...command.slice(1), source, html], {
        encoding: 'utf8',
        env,
        timeout: 3_600_000,
      })
      if (r.status !== 0) {
        rows.push({ case: where, runtime, error: r.stderr.trim().split('\n').pop() })
        continue
      }
      rows.push({ case: where, ...JSON.parse(r.stdout.trim().split('\n').pop()!) })
    }
  }
} finally {
  await server.stop()
}
console.log(`| case | runtime | steps × metrics | time s | peak RSS MB | report KB |`)
console.log(`| ---- | ------- | --------------- | -----: | ----------: | --------: |`)
for (const r of rows) {
  console.log(
    `| ${r.case} | ${r.runtime} | ${steps} × ${metrics} | ${r.seconds ?? r.error} | ${
      r.peakRssMb ?? ''
    } | ${r.reportBytes ? Math.round(Number(r.reportBytes) / 1024) : ''} |`,
  )
}
