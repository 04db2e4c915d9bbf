/**
 * `deno task bench`: builds the data sets, runs every benchmark side by side with the official
 * SDK (export, local, remote with the many-runs export) and writes `bench/out/summary.md`: the
 * machine, runtime and package versions, one table of ratios (wbx / SDK) against the goals,
 * then each benchmark's full report.
 *
 * Usage: `deno run -A bench/run_all.ts [--quick] [--only export,local,remote,bulk]`. `--quick`
 * runs small data sets (minutes, for a smoke test); the default sizes are in `SIZES`. The bulk
 * benchmark (`bench/bulk.bench.ts`, wbx against wbx) runs when that file exists.
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { runtimeName } from '../src/runtime.ts'
import { wandbPython } from '../tests/_python.ts'
import { type RemoteData, renderGoals } from './remote_report.ts'
import { executable, ROOT } from './remote_spawn.ts'
import { machineLine, ratioTable, versionLines } from './remote_summary.ts'

const OUT = join(ROOT, 'bench', 'out')
/** The benchmarks, in run order; `bulk` only when `bench/bulk.bench.ts` exists. */
const BENCHES = ['export', 'local', 'remote', 'bulk']

/** Arguments of each benchmark. */
type BenchArgs = Record<'export' | 'local' | 'remote' | 'bulk', string[]>

/** Data sets of each benchmark: the default run and `--quick`. */
const SIZES: { full: BenchArgs; quick: BenchArgs } = {
  full: {
    export: ['--rows', '1000000'],
    local: ['--steps', '100000', '--metrics', '20', '--repeat', '3'],
    remote: [
      '--sizes',
      '10000x20,100000x20,300000x20,10000x200,50000x200,100000x20@50',
      '--many',
      '200x1000x20,200x1000x20@50',
    ],
    bulk: [],
  },
  quick: {
    export: ['--rows', '100000'],
    local: ['--steps', '10000', '--metrics', '20', '--repeat', '1'],
    remote: ['--sizes', '10000x20,5000x200,10000x20@50', '--many', '20x1000x20@50'],
    bulk: ['--runs', '50', '--latency', '0'],
  },
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string', default: BENCHES.join(',') },
  },
})
const present = BENCHES.filter((b) => existsSync(join(ROOT, 'bench', `${b}.bench.ts`)))
const asked = values.only!.split(',').map((s) => s.trim()).filter(Boolean)
for (const name of asked) {
  if (!BENCHES.includes(name)) {
    throw new RangeError(
      `Cannot run the benchmarks: --only has "${name}"; use some of ${BENCHES.join(',')}`,
    )
  }
}
const only = asked.filter((name) => present.includes(name))
const sizes = values.quick ? SIZES.quick : SIZES.full
mkdirSync(OUT, { recursive: true })

/** Runs one bench script under this runtime, its progress on stderr; returns whether it succeeded. */
function runBench(name: string, args: string[]): { ok: boolean; seconds: number } {
  const script = join(ROOT, 'bench', `${name}.bench.ts`)
  const command = runtimeName === 'deno'
    ? [executable('deno'), 'run', '-A', script]
    : [process.execPath, script]
  console.error(`\n== ${name}: ${[...command.slice(1), ...args].join(' ')}`)
  const t = performance.now()
  const run = spawnSync(command[0], [...command.slice(1), ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const seconds = (performance.now() - t) / 1000
  if (run.status !== 0) console.error(`== ${name} failed: ${run.error?.message ?? run.status}`)
  return { ok: run.status === 0, seconds }
}

/**
 * Reads a report the bench wrote, its headings moved two levels down to nest under the
 * summary's; or a line saying why there is none.
 */
function report(file: string, ran: { ok: boolean } | undefined): string {
  const path = join(OUT, file)
  if (!ran) return `_Not run (\`--only\`)._\n`
  if (!ran.ok || !existsSync(path)) return `_The benchmark failed; see its output above._\n`
  return readFileSync(path, 'utf8').replace(/^(#+) /gm, '$1## ')
}

const loadStart = machineLine()
const started = new Date()
const ran = new Map<string, { ok: boolean; seconds: number }>()
for (const name of only) ran.set(name, runBench(name, sizes[name as keyof BenchArgs]))

const remote: RemoteData | undefined = ran.get('remote')?.ok
  ? JSON.parse(readFileSync(join(OUT, 'remote.json'), 'utf8'))
  : undefined
const local = ran.get('local')?.ok ? readFileSync(join(OUT, 'local.md'), 'utf8') : undefined
const python = process.env.WBX_PYTHON ?? wandbPython
const took = [...ran].map(([k, v]) => `${k} ${(v.seconds / 60).toFixed(1)} min`).join(', ')
const summary = [
  `# wbx benchmarks against the official SDK (${started.toISOString().slice(0, 10)})`,
  '',
  `Command: \`deno task bench${
    values.quick ? ' --quick' : ''
  }\` (\`deno run -A bench/run_all.ts\`); took ${took}.`,
  '',
  `Machine: ${loadStart}; at the end: load average ${machineLine(true)}.`,
  '',
  ...versionLines(python),
  '',
  '## Ratios (wbx / SDK)',
  '',
  ...ratioTable(remote, local),
  '',
  ...(remote ? ['### Remote goals per data set', '', ...renderGoals(remote), ''] : []),
  '## Reports',
  '',
  report('remote.md', ran.get('remote')),
  report('local.md', ran.get('local')),
  '### Export benchmark (no SDK side)',
  '',
  report('export.md', ran.get('export')),
  ...(present.includes('bulk')
    ? [
      '### Bulk export benchmark (wbx loop vs `exportProject`)',
      '',
      report('bulk.md', ran.get('bulk')),
    ]
    : []),
].join('\n')
writeFileSync(join(OUT, 'summary.md'), summary)
console.log(summary)
if ([...ran.values()].some((r) => !r.ok)) process.exitCode = 1
