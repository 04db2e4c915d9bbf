/**
 * Summarizes a `.cpuprofile` (from `local_case.ts` with `WBX_CPU_PROFILE` under Deno or Node,
 * or `bun --cpu-prof`) for the local bench write-up: the functions with the most self time, and the inclusive time of the wbx
 * functions that mark each stage of the history path.
 *
 * Usage: `deno run -A bench/local_profile.ts <file.cpuprofile> [--top 25]`
 *
 * @module
 */
import { readFileSync } from 'node:fs'
import process from 'node:process'
import { parseArgs } from 'node:util'

/** The parts of a `.cpuprofile` node this summary reads. */
interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

/** The parts of a `.cpuprofile` this summary reads. */
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Functions (`name file`) whose inclusive time stands for a stage of the history path. */
const STAGE_MARKERS: [string, string][] = [
  ['next log_framer.ts', 'framing (LogFramer.next)'],
  ['crc32 crc32.ts', '  of which CRC-32'],
  ['scanRecordHead decode_record.ts', 'record head scan'],
  ['decodeRecordAt decode_record.ts', 'protobuf decode'],
  ['readItem decode_items.ts', '  of which items (readItem)'],
  ['decodeUtf8 protobuf_reader.ts', '  of which UTF-8 text (decodeUtf8)'],
  ['buildHistoryRow history_record_row.ts', 'row building (buildHistoryRow)'],
  ['parseValueJson history_record_row.ts', '  of which value parsing (parseValueJson)'],
  ['jsonText json_text.ts', 'NDJSON text (jsonText)'],
  ['write parquet.ts', 'Parquet encoding (ParquetEncoder.write)'],
  ['close parquet.ts', 'Parquet finishing (ParquetEncoder.close)'],
  ['writeAll temp_file.ts', 'file writes (writeAll)'],
]

/** A short label for a call frame: `name file`, with `:line` when `line` is set. */
function label(node: ProfileNode, line: boolean): string {
  const { functionName, url, lineNumber } = node.callFrame
  const file = url.split('/').pop() || '(native)'
  return `${functionName || '(anonymous)'} ${file}${line ? `:${lineNumber + 1}` : ''}`
}

/** Summarizes a profile as markdown: top self time, and stage markers' inclusive time. */
export function summarizeProfile(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const selfMs = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let total = 0
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000
    total += ms
    const leaf = byId.get(profile.samples[i])
    if (!leaf) continue
    const key = label(leaf, true)
    selfMs.set(key, (selfMs.get(key) ?? 0) + ms)
    // Each function name counts once per sample, however deep it recurses.
    const seen = new Set<string>()
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const name = label(byId.get(id)!, false)
      if (seen.has(name)) continue
      seen.add(name)
      inclusive.set(name, (inclusive.get(name) ?? 0) + ms)
    }
  }
  const pct = (ms: number): string => `${((100 * ms) / total).toFixed(1)}%`
  const lines = [
    `Profile: ${(total / 1000).toFixed(2)} s sampled.`,
    '',
    '| stage marker | inclusive ms | share |',
    '|---|---:|---:|',
  ]
  for (const [name, what] of STAGE_MARKERS) {
    const ms = inclusive.get(name) ?? 0
    lines.push(`| ${what} | ${ms.toFixed(0)} | ${pct(ms)} |`)
  }
  lines.push('', '| function (self time) | self ms | share |', '|---|---:|---:|')
  const sorted = [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, top)
  for (const [key, ms] of sorted) lines.push(`| ${key} | ${ms.toFixed(0)} | ${pct(ms)} |`)
  return lines.join('\n') + '\n'
}

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' } },
})
if (positionals.length !== 1) {
  console.error('usage: deno run -A bench/local_profile.ts <file.cpuprofile> [--top 25]')
  process.exit(2)
}
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile
console.log(summarizeProfile(profile, Number(values.top)))
