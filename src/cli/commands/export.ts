/**
 * `wbx export <entity/project | wandb dir> --out DIR`: a whole project into a dataset folder
 * (runs table, history partitioned by run, manifest), concurrently, resumably, incrementally.
 *
 * @module
 */
import type { Command, CommandContext } from '../command.ts'
import { BulkProgressLine } from '../bulk_progress_line.ts'
import { writeText } from '../cli_io.ts'
import { choiceOption, intOption, listOption } from '../parse_values.ts'
import { formatBytes } from '../progress.ts'
import { textTable } from '../text_table.ts'
import { UsageError } from '../usage_error.ts'
import { parseByteSize } from '../byte_size.ts'
import { EXPORT_FORMATS, type ExportFormat } from '../../export/mod.ts'
import { type BulkExportResult, exportProject } from '../../bulk/bulk_export.ts'
import type { Include } from '../../bulk/manifest.ts'
import type { ExportPlan } from '../../bulk/plan.ts'
import { parseRunIds, type RunQuery } from '../../bulk/run_query.ts'
import { parseShard } from '../../bulk/shard.ts'
import { parseSince } from '../../bulk/since.ts'

/** The `export` command. */
export const exportCommand: Command = {
  name: 'export',
  summary:
    'Export a whole W&B project or local wandb/ folder into a dataset folder (resumable, incremental)',
  usage: '<entity/project | wandb dir> --out DIR [options]',
  details: [
    'Writes DIR/runs.parquet (one row per run), DIR/history/run_id=<id>/part-NNNNN.parquet and',
    'DIR/wbx-manifest.json. Run the same command again to resume an interrupted export or to sync',
    'new runs and new steps. Without --history/--system/--config-summary/--files/--artifacts/--logs',
    'it exports history and config/summary. Exit code 1 when some runs failed (rerun to retry them).',
    "Query it: SELECT * FROM read_parquet('DIR/history/*/*.parquet', hive_partitioning=true)",
  ].join('\n'),
  options: {
    out: { type: 'string', short: 'o', valueName: 'DIR', description: 'Export folder (required)' },
    filters: { type: 'string', valueName: 'JSON', description: 'Remote: Mongo-style run filters' },
    order: {
      type: 'string',
      valueName: '±field',
      description: 'Listing order (default +created_at)',
    },
    since: {
      type: 'string',
      valueName: '[created:|updated:]TIME',
      description: 'Only runs created (or updated) since a date or an age such as 7d',
    },
    runs: { type: 'string', valueName: 'ID,ID', description: 'Only these run ids' },
    shard: { type: 'string', valueName: 'i/n', description: 'Only slice i of n (by run id hash)' },
    history: { type: 'boolean', description: 'Export history rows' },
    system: { type: 'boolean', description: 'Export system metrics (sampled for remote runs)' },
    'config-summary': {
      type: 'boolean',
      description: 'Config and summary columns in the runs table',
    },
    files: { type: 'boolean', description: 'Download run files to DIR/files/<id>/' },
    pattern: {
      type: 'string',
      valueName: 'LIKE',
      description: 'Only files matching (SQL LIKE: %.json)',
    },
    artifacts: { type: 'boolean', description: 'Export the logged and used artifacts table' },
    logs: { type: 'boolean', description: 'Export console output to DIR/logs/<id>/output.log' },
    all: { type: 'boolean', description: 'Everything above' },
    keys: {
      type: 'string',
      multiple: true,
      valueName: 'KEY,KEY',
      description: 'Only these history keys',
    },
    format: {
      type: 'string',
      short: 'f',
      valueName: 'parquet|csv|ndjson',
      description: 'Table format (default parquet)',
    },
    codec: {
      type: 'string',
      valueName: 'zstd|gzip|snappy|uncompressed',
      description:
        'Parquet codec (default zstd: the same rows give the same bytes on every runtime)',
    },
    'part-rows': {
      type: 'string',
      valueName: 'N',
      description: 'Most rows per history part (default 1000000)',
    },
    concurrency: {
      type: 'string',
      short: 'j',
      valueName: 'N',
      description:
        'Most runs at once; remote: a ceiling for the adaptive count (default 64 remote, 8 local)',
    },
    memory: {
      type: 'string',
      valueName: 'SIZE',
      description:
        'Memory budget of the runs in flight, e.g. 500MB, 2GiB (default 150MiB, 96MiB on Node, + 64MiB per worker past one)',
    },
    'rss-limit': {
      type: 'string',
      valueName: 'SIZE',
      description:
        'Collect garbage once the process is this big (Deno on Linux trims malloc first); 0: never (default: its size at start + --memory + 128MiB)',
    },
    workers: {
      type: 'string',
      valueName: 'N',
      description:
        'Threads encoding Parquet history beside the main one; 0: none (default: cores - 1)',
    },
    'decode-on-workers': {
      type: 'boolean',
      description:
        "Decode remote runs' history exports on the --workers threads too (default: with 3 or more workers)",
    },
    'decode-on-main': {
      type: 'boolean',
      description: "Decode remote runs' history exports on the main thread, whatever --workers is",
    },
    'max-rps': {
      type: 'string',
      valueName: 'N',
      description: 'Most requests per second to each host (default: adaptive only)',
    },
    attempts: {
      type: 'string',
      valueName: 'N',
      description: 'Attempts per run before quarantine (default 3)',
    },
    'max-wait': {
      type: 'string',
      valueName: 'SECONDS',
      description: 'Most time Retry-After pauses may hold the export (default 600)',
    },
    'max-wait-per-run': {
      type: 'string',
      valueName: 'SECONDS',
      description: 'Most time one run waits on the server before it is set aside (default 120)',
    },
    'per-page': {
      type: 'string',
      valueName: 'N',
      description: 'Remote: runs per listing request (default 50)',
    },
    'dry-run': {
      type: 'boolean',
      description: 'Print the plan (runs, rows, bytes, requests); write nothing',
    },
    json: { type: 'boolean', description: 'Print the plan or the result as JSON on stdout' },
    progress: {
      type: 'boolean',
      description: 'Progress lines on stderr even when it is not a terminal',
    },
    quiet: { type: 'boolean', short: 'q', description: 'No progress on stderr' },
  },
  /** Parses the options, runs the export (or the plan) and prints the summary. */
  async run(ctx) {
    const source = ctx.positionals[0]
    if (source === undefined || ctx.positionals.length > 1) {
      throw new UsageError('Expected one <entity/project | wandb dir>', 'export')
    }
    const dryRun = ctx.values['dry-run'] === true
    const out = ctx.values.out
    if (typeof out !== 'string' && !dryRun) {
      throw new UsageError('Missing --out DIR: the folder to export into', 'export')
    }
    const format = (choiceOption(ctx.values, 'format', EXPORT_FORMATS) ?? 'parquet') as ExportFormat
    const maxRps = numberOption(ctx, 'max-rps')
    const showProgress = ctx.values.quiet !== true &&
      (ctx.io.stderrIsTTY || ctx.values.progress === true)
    const line = showProgress
      ? new BulkProgressLine({ write: ctx.io.stderr, tty: ctx.io.stderrIsTTY })
      : undefined
    let result: BulkExportResult
    try {
      result = await exportProject({
        source,
        out: typeof out === 'string' ? out : '.',
        query: readQuery(ctx),
        include: readInclude(ctx),
        keys: listOption(ctx.values, 'keys'),
        format,
        codec: typeof ctx.values.codec === 'string' ? ctx.values.codec : undefined,
        partRows: positive(ctx, 'part-rows'),
        filePattern: typeof ctx.values.pattern === 'string' ? ctx.values.pattern : undefined,
        concurrency: positive(ctx, 'concurrency'),
        memoryBytes: byteOption(ctx, 'memory'),
        residentBytes: byteOption(ctx, 'rss-limit', true),
        workers: workersOption(ctx),
        decodeOnWorkers: decodeOn(ctx.values),
        attempts: positive(ctx, 'attempts'),
        perPage: positive(ctx, 'per-page'),
        maxWaitMs: secondsOption(ctx, 'max-wait'),
        maxWaitPerRunMs: secondsOption(ctx, 'max-wait-per-run'),
        onNote: line?.note ??
          (ctx.values.quiet === true ? undefined : (text) => ctx.io.stderr(`${text}\n`)),
        governor: maxRps === undefined ? undefined : { maxRequestsPerSecond: maxRps },
        dryRun,
        onProgress: line?.onProgress,
        signal: ctx.signal,
      })
    } catch (err) {
      if (ctx.signal.aborted && !dryRun) {
        ctx.io.stderr('wbx: export interrupted; run the same command again to continue it\n')
        return 130
      }
      throw err
    }
    if (dryRun) {
      await writeText(
        ctx.io,
        ctx.values.json ? JSON.stringify(result.plan) + '\n' : planText(result.plan),
      )
      return 0
    }
    if (ctx.values.json) await writeText(ctx.io, JSON.stringify(resultJson(result)) + '\n')
    ctx.io.stderr(summaryText(result))
    return result.failures.length > 0 ? 1 : 0
  },
}

/** The run selection from the options. */
function readQuery(ctx: CommandContext): RunQuery {
  const v = ctx.values
  const query: RunQuery = {}
  if (typeof v.filters === 'string') {
    let filters: unknown
    try {
      filters = JSON.parse(v.filters)
    } catch (err) {
      throw new UsageError(`--filters must be JSON: ${(err as Error).message}`, 'export')
    }
    if (filters === null || typeof filters !== 'object' || Array.isArray(filters)) {
      throw new UsageError(
        '--filters must be a JSON object such as {"state": "finished"}',
        'export',
      )
    }
    query.filters = filters as Record<string, unknown>
  }
  if (typeof v.order === 'string') query.order = v.order
  try {
    if (typeof v.since === 'string') query.since = parseSince(v.since)
    if (typeof v.runs === 'string') query.runs = parseRunIds(v.runs)
    if (typeof v.shard === 'string') query.shard = parseShard(v.shard)
  } catch (err) {
    throw new UsageError((err as Error).message, 'export')
  }
  return query
}

/** What to include from the flags (`--all` is everything). */
function readInclude(ctx: CommandContext): Partial<Include> {
  const v = ctx.values
  const all = v.all === true
  if (typeof v.pattern === 'string' && v.files !== true && !all) {
    throw new UsageError('--pattern selects run files; add --files', 'export')
  }
  return {
    history: all || v.history === true,
    system: all || v.system === true,
    configSummary: all || v['config-summary'] === true,
    files: all || v.files === true,
    artifacts: all || v.artifacts === true,
    logs: all || v.logs === true,
  }
}

/** A positive integer option. */
function positive(ctx: CommandContext, name: string): number | undefined {
  const n = intOption(ctx.values, name)
  if (n !== undefined && n < 1) {
    throw new UsageError(`--${name} must be at least 1, got ${n}`, 'export')
  }
  return n
}

/** `--decode-on-workers` or `--decode-on-main`: where to decode, or undefined for the default. */
function decodeOn(values: Record<string, unknown>): boolean | undefined {
  const onWorkers = values['decode-on-workers'] === true
  const onMain = values['decode-on-main'] === true
  if (onWorkers && onMain) {
    throw new UsageError(
      'Cannot decode both on the workers and on the main thread: give --decode-on-workers or --decode-on-main, not both',
      'export',
    )
  }
  return onWorkers ? true : onMain ? false : undefined
}

/** `--workers N`: a whole number, 0 allowed. */
function workersOption(ctx: CommandContext): number | undefined {
  const n = intOption(ctx.values, 'workers')
  if (n !== undefined && n < 0) {
    throw new UsageError(`--workers must be 0 or more, got ${n}`, 'export')
  }
  return n
}

/** A size option (`--memory`, `--rss-limit`) in bytes; with `zero`, `0` is allowed too. */
function byteOption(ctx: CommandContext, name: string, zero = false): number | undefined {
  const raw = ctx.values[name]
  if (typeof raw !== 'string') return undefined
  if (zero && /^\s*0+\s*$/.test(raw)) return 0
  try {
    return parseByteSize(raw)
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}${zero ? ', or 0' : ''}`, 'export')
  }
}

/** A positive number option (fractions allowed). */
function numberOption(ctx: CommandContext, name: string): number | undefined {
  const raw = ctx.values[name]
  if (raw === undefined) return undefined
  const n = Number(raw)
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive number, got "${raw}"`, 'export')
  }
  return n
}

/** A positive number of seconds option, in ms. */
function secondsOption(ctx: CommandContext, name: string): number | undefined {
  const n = numberOption(ctx, name)
  return n === undefined ? undefined : n * 1000
}

/** The dry-run plan as a table and totals. */
function planText(plan: ExportPlan): string {
  const rows = plan.runs.map((r) => ({ ...r, bytes: formatBytes(r.bytes) }))
  const t = plan.totals
  return textTable(rows, ['id', 'action', 'rows', 'bytes', 'requests']) +
    `\n${t.runs} runs: ${t.toExport} to export, ${t.unchanged} unchanged; about ${
      t.rows.toLocaleString('en-US')
    } rows, ${
      formatBytes(t.bytes)
    } (uncompressed), ${t.requests} requests (${t.listingRequests} for the listing)\n`
}

/** The export result without the governor object. */
function resultJson(result: BulkExportResult): Record<string, unknown> {
  return {
    out: result.out,
    complete: result.complete,
    failures: result.failures,
    progress: result.progress,
    actions: countActions(result.plan),
    memory: {
      budgetBytes: result.budget.total,
      highWaterBytes: result.budget.highWater,
      peakResidentBytes: result.memory.peakBytes,
      collections: result.memory.collections,
      trims: result.memory.trims,
    },
    peakRuns: result.governor?.runs.peak ?? null,
    encoding: result.encoding,
  }
}

/** How many runs each action applied to. */
function countActions(plan: ExportPlan): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const r of plan.runs) counts[r.action] = (counts[r.action] ?? 0) + 1
  return counts
}

/** The closing summary on stderr. */
function summaryText(result: BulkExportResult): string {
  const p = result.progress
  const actions = Object.entries(countActions(result.plan)).map(([a, n]) => `${n} ${a}`).join(', ')
  let text = `wbx: exported ${p.runsDone}/${p.runsTotal} runs (${actions || 'none'}), ${
    p.rows.toLocaleString('en-US')
  } rows, ${formatBytes(p.bytes)} into ${result.out} in ${p.elapsedSeconds.toFixed(1)} s`
  if (result.governor) text += `; ${p.requests} requests, ${p.retries} retried`
  text += '\n'
  for (const f of result.failures) {
    text += `wbx: run ${f.runId} failed after ${f.attempts} attempts: ${f.error}\n`
  }
  if (result.failures.length > 0) {
    text += `wbx: ${result.failures.length} runs failed; run the same command again to retry them\n`
  }
  return text
}
