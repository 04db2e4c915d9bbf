/**
 * One measured report build, in its own process so its peak memory is its own: runs
 * `wbx report <source> -o <out>` in-process and prints one JSON line with the time, the peak
 * resident set and the report's size.
 *
 * Usage: `deno run -A bench/report_case.ts SOURCE OUT.html`
 *
 * @module
 */
import { statSync } from 'node:fs'
import process from 'node:process'
import { main } from '../src/cli/main.ts'
import { runtimeName } from '../src/runtime.ts'
import { peakRssMb } from './local_common.ts'

const [source, out] = process.argv.slice(2)
if (!source || !out) {
  process.stderr.write('usage: deno run -A bench/report_case.ts SOURCE OUT.html\n')
  process.exit(2)
}
const t = performance.now()
const code = await main(['report', source, '-o', out, '--quiet'])
const ms = performance.now() - t
if (code !== 0) process.exit(code)
process.stdout.write(
  JSON.stringify({
    runtime: runtimeName,
    seconds: Number((ms / 1000).toFixed(2)),
    peakRssMb: Math.round(peakRssMb()),
    reportBytes: statSync(out).size,
  }) + '\n',
)
