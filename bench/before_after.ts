/**
 * Before/after figures for a refactor: runs the wbx cases of the local, export, remote and bulk
 * benchmarks from two checkouts of wbx, interleaved (before, after, after, before, ...) so that
 * load on a shared machine hits both alike, and prints a Markdown table of medians and
 * after/before ratios. Both checkouts run the same case scripts (`local_case.ts`,
 * `_export_case.ts`, `remote_case.ts`) against one local run file and one test server, so only
 * their `src/` differs.
 *
 * Usage: `deno run -A bench/before_after.ts --before ../wbx-before --after . [--rounds 3]
 * [--runtimes deno,bun] [--steps 10000] [--export-rows 100000] [--remote 20000x20] [--many 20x1000x20]
 * [--first-round 0] [--raw samples.json] [--only wbx-bulk,parquet-parquet]`; `--first-round 1` starts with the other order, for a
 * second session.
 *
 * @module
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { parseArgs } from 'node:util'
import { ensureLargeRun } from './local_python.ts'
import { startServer } from './remote_spawn.ts'

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    before: { type: 'string' },
    after: { type: 'string', default: '.' },
    rounds: { type: 'string', default: '3' },
    runtimes: { type: 'string', default: 'deno,bun' },
    steps: { type: 'string', default: '10000' },
    'export-rows': { type: 'string', default: '100000' },
    remote: { type: 'string', default: '20000x20' },
    many: { type: 'string', default: '20x1000x20' },
    scratch: { type: 'string', default: '/tmp/wbx-before-after' },
    'first-round': { type: 'string', default: '0' },
    raw: { type: 'string' },
    only: { type: 'string' },
  },
})
if (!values.before) throw new TypeError('Cannot compare: pass --before <checkout folder>')
const trees = { before: resolve(values.before), after: resolve(values.after!) }
const rounds = Number(values.rounds)
const runtimes = values.runtimes!.split(',')
const scratch = values.scratch!
mkdirSync(scratch, { recursive: true })

// One local run file and one server for both checkouts.
const python = process.env.WBX_PYTHON ?? join(trees.after, '.venv', 'bin', 'python')
const steps = Number(values.steps)
const large = ensureLargeRun({ steps, metrics: 20, python, cacheDir: scratch })
const [remoteSteps, remoteMetrics] = values.remote!.split('x')
const [manyRuns, manySteps, manyMetrics] = values.many!.split('x').map(Number)
const specs = [
  `ba/exported/r1:${remoteSteps}:${remoteMetrics}`,
  `ba/paged/r1:${remoteSteps}:${remoteMetrics}:graphql`,
  ...Array.from(
    { length: manyRuns },
    (_, i) => `ba/many/m${String(i).padStart(3, '0')}:${manySteps}:${manyMetrics}`,
  ),
]
const server = await startServer(specs)
const { baseUrl, apiKey } = server.ready

/** A case: its label, script and arguments after the script. */
interface Case {
  label: string
  script: string
  args: string[]
}
const allCases: Case[] = [
  ...['records', 'open', 'rows', 'ndjson', 'parquet'].map((c) => ({
    label: `local ${c} (${steps} × 20)`,
    script: 'local_case.ts',
    args: [c, large.path, scratch],
  })),
  ...['ndjson', 'csv', 'parquet'].map((c) => ({
    label: `export ${c} (${values['export-rows']} rows)`,
    script: '_export_case.ts',
    args: [c, values['export-rows']!],
  })),
  ...['parquet-rows', 'graphql-rows', 'parquet-parquet'].map((c) => ({
    label: `remote ${c} (${values.remote})`,
    script: 'remote_case.ts',
    args: [c, baseUrl, apiKey, 'ba/exported/r1', 'ba/paged/r1', scratch],
  })),
  {
    label: `remote wbx-bulk (${values.many})`,
    script: 'remote_case.ts',
    args: ['wbx-bulk', baseUrl, apiKey, 'ba/many', 'ba/paged/r1', scratch],
  },
]

// --only keeps the cases whose label contains one of the given words.
const only = values.only?.split(',').filter(Boolean)
const cases = only ? allCases.filter((c) => only.some((w) => c.label.includes(w))) : allCases

/** Runs one case from one checkout under one runtime; returns its in-process ms and CPU ms. */
function runCase(tree: string, runtime: string, c: Case): { ms: number; cpuMs: number } {
  const script = join(tree, 'bench', c.script)
  const command = runtime === 'deno' ? ['deno', 'run', '-A', script] : ['bun', script]
  const run = spawnSync(command[0], [...command.slice(1), ...c.args], {
    cwd: tree,
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  })
  if (run.status !== 0) {
    throw new Error(`Cannot run ${c.label} in ${tree} (${runtime}): ${run.stderr}`)
  }
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!)
  // _export_case.ts reports no CPU time: its wall time stands in.
  return { ms: result.ms, cpuMs: result.cpuMs ?? result.ms }
}

const times = new Map<string, { ms: number[]; cpuMs: number[] }>()
const started = Date.now()
try {
  const first = Number(values['first-round'])
  for (let round = first; round < first + rounds; round++) {
    for (const c of cases) {
      for (const runtime of runtimes) {
        // Alternate the order each round so neither side always runs second.
        const order = (round + cases.indexOf(c)) % 2 === 0
          ? ['before', 'after'] as const
          : ['after', 'before'] as const
        for (const side of order) {
          const r = runCase(trees[side], runtime, c)
          const key = `${c.label}|${runtime}|${side}`
          const t = times.get(key) ?? { ms: [], cpuMs: [] }
          t.ms.push(r.ms)
          t.cpuMs.push(r.cpuMs)
          times.set(key, t)
          process.stderr.write(
            `round ${round + 1} ${c.label} ${runtime} ${side}: ${r.ms.toFixed(0)} ms, ${
              r.cpuMs.toFixed(0)
            } ms CPU\n`,
          )
        }
      }
    }
  }
} finally {
  await server.stop()
}

if (values.raw) writeFileSync(values.raw, JSON.stringify(Object.fromEntries(times), null, 1))

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const lines = [
  '| case | runtime | before ms (median) | after ms (median) | after/before time | after/before CPU |',
  '| --- | --- | ---: | ---: | ---: | ---: |',
]
for (const c of cases) {
  for (const runtime of runtimes) {
    const b = times.get(`${c.label}|${runtime}|before`)!
    const a = times.get(`${c.label}|${runtime}|after`)!
    lines.push(
      `| ${c.label} | ${runtime} | ${median(b.ms).toFixed(0)} | ${median(a.ms).toFixed(0)} | ${
        (median(a.ms) / median(b.ms)).toFixed(2)
      } | ${(median(a.cpuMs) / median(b.cpuMs)).toFixed(2)} |`,
    )
  }
}
console.log(lines.join('\n'))
console.error(`took ${((Date.now() - started) / 60_000).toFixed(1)} min, ${rounds} rounds`)
