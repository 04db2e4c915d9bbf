/**
 * Records of a pre-0.10 run folder (SDK 0.8/0.9, and `dryrun-*` folders): those SDKs wrote no
 * transaction log but plain files at the folder top, which this source turns into the records
 * a `.wandb` log would hold, so every reader of records (metadata pass, history and system
 * scans, console lines, listings) reads such a run unchanged:
 *
 * - a `header` record marking the layout, then a `run` record from `wandb-metadata.json`
 *   (project, host, git, job type, `startedAt` as the start) and the folder name (the id), with
 *   the SDK and Python versions from `config.yaml`'s `_wandb`;
 * - a `config` record from `config.yaml` (`{desc, value}` entries unwrapped, `wandb_version`
 *   left out, `_wandb` kept as written);
 * - one `history` record per line of `wandb-history.jsonl`, one `stats` record per line of
 *   `wandb-events.jsonl` (`system.` prefix dropped from keys, `_timestamp` as the sample time,
 *   `_runtime` kept as written);
 * - a `summary` record from `wandb-summary.json`;
 * - `output_raw` chunks of `output.log` (the raw terminal text those SDKs saved);
 * - an `exit` record when `wandb-metadata.json` has an `exitcode` (runtime from `heartbeatAt`).
 *
 * A line that is not valid JSON is skipped and recorded in the damage report with its byte range.
 * Files are read only for the record types asked for, line by line.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { existsSync, statSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { RecordType } from './decode_record.ts'
import type { DamageReport } from './damage_report.ts'
import type {
  Item,
  RecordBody,
  RunRecord,
  StatsRecord,
  Timestamp,
  WandbRecord,
} from './record_types.ts'
import { stringifyJson } from '../json/stringify_json.ts'
import { jsonLines, readConfigYaml, readJsonObject, textChunks } from './pre010_files.ts'

/** The files that make a folder a pre-0.10 run folder. */
export const PRE010_FILES: readonly string[] = [
  'wandb-history.jsonl',
  'wandb-events.jsonl',
  'wandb-summary.json',
  'wandb-metadata.json',
]

/** The producer mark of the synthetic header record. */
export const PRE010_LAYOUT = 'pre-0.10'

/** Whether a path is a pre-0.10 run folder (a folder holding one of PRE010_FILES), not a `.wandb` file. */
export function isPre010Source(path: string): boolean {
  try {
    return statSync(path).isDirectory() && PRE010_FILES.some((f) => existsSync(join(path, f)))
  } catch {
    return false
  }
}

/** Total size and newest modification time of a pre-0.10 folder's run files. */
export async function pre010Stats(folder: string): Promise<{ size: number; mtimeMs: number }> {
  let size = 0
  let mtimeMs = 0
  for (const name of [...PRE010_FILES, 'config.yaml', 'output.log']) {
    try {
      const info = await stat(join(folder, name))
      size += info.size
      mtimeMs = Math.max(mtimeMs, info.mtimeMs)
    } catch {
      // absent
    }
  }
  return { size, mtimeMs }
}

/** Options of pre010Records. */
export interface Pre010Options {
  types?: ReadonlySet<RecordType>
  report?: DamageReport
  signal?: AbortSignal
  batchSize?: number
}

/** Streams the synthetic records of a pre-0.10 run folder as batches. */
export function pre010Records(
  folder: string,
  options: Pre010Options = {},
): ReadableStream<WandbRecord[]> {
  const batchSize = options.batchSize ?? 512
  const records = generate(folder, options)
  return new ReadableStream<WandbRecord[]>({
    async pull(controller) {
      options.signal?.throwIfAborted()
      const batch: WandbRecord[] = []
      while (batch.length < batchSize) {
        const next = await records.next()
        if (next.done) break
        batch.push(next.value)
      }
      if (batch.length > 0) controller.enqueue(batch)
      if (batch.length < batchSize) controller.close()
    },
    async cancel() {
      await records.return(undefined)
    },
  }, { highWaterMark: 0 })
}

/** Yields the records in log-like order, reading only the files the wanted types need. */
async function* generate(folder: string, options: Pre010Options): AsyncGenerator<WandbRecord> {
  const want = (t: RecordType) => !options.types || options.types.has(t)
  const report = options.report
  let num = 0
  const rec = (body: RecordBody, offset = 0): WandbRecord => {
    if (report) report.records++
    return { ...body, num: ++num, offset } as WandbRecord
  }
  if (report) report.file = folder
  const needsMeta = want('run') || want('exit')
  const meta = needsMeta ? await readJsonObject(join(folder, 'wandb-metadata.json')) : undefined
  const needsConfig = want('run') || want('config')
  const config = needsConfig ? await readConfigYaml(join(folder, 'config.yaml')) : undefined
  if (want('header')) {
    yield rec({ type: 'header', header: { producer: '', minConsumer: '', layout: PRE010_LAYOUT } })
  }
  const start = isoTimestamp(meta?.startedAt)
  if (want('run')) yield rec({ type: 'run', run: runRecord(folder, meta, config, start) })
  if (want('config') && config) {
    yield rec({ type: 'config', config: { update: items(config), remove: [] } })
  }
  if (want('history')) {
    for await (const { value, offset } of jsonLines(join(folder, 'wandb-history.jsonl'), report)) {
      yield rec({ type: 'history', history: { items: items(value) } }, offset)
    }
  }
  if (want('stats')) {
    for await (const { value, offset } of jsonLines(join(folder, 'wandb-events.jsonl'), report)) {
      const stats: StatsRecord = {
        timestamp: secondsTimestamp(value._timestamp),
        items: statItems(value),
      }
      if (typeof value._runtime === 'number') stats.runtime = value._runtime
      yield rec({ type: 'stats', stats }, offset)
    }
  }
  if (want('summary')) {
    const summary = await readJsonObject(join(folder, 'wandb-summary.json'))
    if (summary) yield rec({ type: 'summary', summary: { update: items(summary), remove: [] } })
  }
  if (want('output_raw')) {
    let offset = 0
    for await (const chunk of textChunks(join(folder, 'output.log'))) {
      yield rec({ type: 'output_raw', output: { stream: 'stdout', line: chunk } }, offset)
      offset += Buffer.byteLength(chunk, 'utf8')
    }
  }
  if (want('exit') && typeof meta?.exitcode === 'number') {
    const end = isoTimestamp(meta.heartbeatAt)
    const runtime = start && end ? Math.max(0, Math.floor(end.seconds - start.seconds)) : 0
    yield rec({ type: 'exit', exit: { exitCode: meta.exitcode, runtime, notComplete: false } })
  }
}

/** The run record: id from the folder name, the rest from the metadata and config files. */
function runRecord(
  folder: string,
  meta: Record<string, unknown> | undefined,
  config: Record<string, unknown> | undefined,
  start: Timestamp | undefined,
): RunRecord {
  const str = (v: unknown) => (typeof v === 'string' ? v : '')
  const git = meta?.git as { remote?: unknown; commit?: unknown } | undefined
  const internal = (config?._wandb ?? {}) as Record<string, unknown>
  return {
    runId: pre010RunId(folder),
    entity: '',
    project: str(meta?.project),
    runGroup: str(meta?.group),
    jobType: str(meta?.jobType),
    displayName: str(meta?.name),
    notes: str(meta?.notes),
    tags: Array.isArray(meta?.tags) ? meta.tags.filter((t) => typeof t === 'string') : [],
    sweepId: str(meta?.sweep_id),
    host: str(meta?.host),
    storageId: '',
    startTime: start,
    resumed: false,
    forked: false,
    git: git ? { remoteUrl: str(git.remote), commit: str(git.commit) } : undefined,
    telemetry: {
      cliVersion: str(internal.cli_version),
      pythonVersion: str(internal.python_version),
      coreVersion: '',
    },
  }
}

/** The run id of a `run-<date>_<time>-<id>` or `dryrun-…` folder (ids may hold `-`). */
export function pre010RunId(folder: string): string {
  const name = basename(folder)
  return /^(?:dry)?run-\d{8}_\d{6}-(.+)$/.exec(name)?.[1] ?? name.replace(/^(?:dry)?run-/, '')
}

/** One item per top-level key, the value as JSON text. */
function items(obj: Record<string, unknown>): Item[] {
  return Object.keys(obj).map((key) => ({
    path: [key],
    valueJson: stringifyJson(obj[key], { nan: 'literal' }),
  }))
}

/** A system-metrics line's `system.*` values as stats items (prefix dropped). */
function statItems(obj: Record<string, unknown>): { key: string; valueJson: string }[] {
  const out: { key: string; valueJson: string }[] = []
  for (const key of Object.keys(obj)) {
    if (key.startsWith('_')) continue
    const name = key.startsWith('system.') ? key.slice(7) : key
    out.push({ key: name, valueJson: stringifyJson(obj[key], { nan: 'literal' }) })
  }
  return out
}

/** `startedAt`/`heartbeatAt` (UTC without a zone in those SDKs) as a Timestamp. */
function isoTimestamp(value: unknown): Timestamp | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : value + 'Z'
  const ms = Date.parse(zoned)
  if (!Number.isFinite(ms)) return undefined
  const micros = /\.(\d+)/.exec(value)?.[1]?.padEnd(6, '0').slice(0, 6)
  const seconds = Math.floor(ms / 1000)
  return { seconds, nanos: micros ? Number(micros) * 1000 : (ms - seconds * 1000) * 1e6 }
}

/** Unix seconds as a Timestamp, or undefined for a non-number. */
function secondsTimestamp(value: unknown): Timestamp | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined
  const seconds = Math.floor(value)
  return { seconds, nanos: Math.round((value - seconds) * 1e9) }
}
