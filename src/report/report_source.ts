/**
 * What a report reads from one run, local or remote: its context (state, tags, notes, config,
 * summary, duration) and its history and system-metric rows as streams.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { LocalRun } from '../local/local_run.ts'
import type { Run } from '../api/run.ts'
import { oneBatch } from '../streams/one_batch.ts'
import { collect } from '../streams/paged_stream.ts'
import type { RunReader } from '../source/run_reader.ts'

/** The context of a run the report shows beside its charts. */
export interface RunFacts {
  /** The run id. */
  id: string
  /** Display name, else the id. */
  name: string
  /** `entity/project/id`, or the folder of a local run. */
  path: string
  /** The run page on a W&B server, or null for a local run. */
  url: string | null
  /** finished, crashed, failed, killed, running... */
  state: string
  /** Start time, ISO 8601, or null. */
  createdAt: string | null
  /** Seconds the run ran, or null when unknown. */
  durationSeconds: number | null
  /** Tags. */
  tags: string[]
  /** Notes, or null. */
  notes: string | null
  /** Group, or null. */
  group: string | null
  /** Job type, or null. */
  jobType: string | null
  /** Config without `_wandb`. */
  config: Row
  /** Summary without `_wandb`. */
  summary: Row
}

/** One run as the report reads it. */
export interface ReportSource {
  /** The run context shown beside the charts. */
  facts: RunFacts
  /** Every history row, unsampled. */
  history(signal?: AbortSignal): ReadableStream<Row[]>
  /** System-metric rows. */
  systemMetrics(signal?: AbortSignal): Promise<ReadableStream<Row[]>>
  /** Notes to show with the run (damaged log, sampled system metrics). */
  warnings(): string[]
}

/**
 * The report source of any RunReader: its attributes as the facts (`facts` replaces any of
 * them, read only when not given), its two streams.
 */
export function readerReportSource(
  reader: RunReader,
  facts: Partial<RunFacts> = {},
): ReportSource {
  const summary = facts.summary ?? withoutWandb({ ...reader.summary } as Row)
  const wandb = (facts.summary ? undefined : reader.summary._wandb) as
    | { runtime?: unknown }
    | undefined
  const runtime = typeof summary._runtime === 'number' ? summary._runtime : wandb?.runtime
  return {
    facts: {
      id: reader.id,
      name: reader.name ?? reader.id,
      path: reader.path.join('/'),
      url: null,
      state: reader.state,
      createdAt: reader.createdAt ?? null,
      durationSeconds: typeof runtime === 'number' ? runtime : null,
      tags: [...reader.tags],
      notes: reader.notes ?? null,
      group: reader.group ?? null,
      jobType: reader.jobType ?? null,
      config: withoutWandb(reader.config),
      summary,
      ...facts,
    },
    history: (signal) => reader.scanHistory({ signal }),
    systemMetrics: (signal) => Promise.resolve(reader.scanSystemMetrics({ signal })),
    warnings: () => [],
  }
}

/** The report source of a local run opened with either metadata pass. */
export function localReportSource(run: LocalRun): ReportSource {
  const full = run.metadataPass === 'full'
  return {
    ...readerReportSource(run, {
      path: run.folder,
      durationSeconds: full ? run.runtime : null,
      ...(full ? {} : { summary: {} }),
    }),
    warnings: () =>
      run.damaged
        ? [`the log of run ${run.id} is damaged; every intact record was read (wbx verify)`]
        : [],
  }
}

/** The report source of a remote run (loaded with config and summary). */
export function remoteReportSource(run: Run): ReportSource {
  const notes: string[] = []
  return {
    ...readerReportSource(run, {
      name: run.displayName ?? run.name ?? run.id,
      path: run.runPath,
      url: run.url,
    }),
    systemMetrics: async (signal) => {
      const rows = await collect(run.scanSystemMetrics({ signal }))
      notes.push(
        `system metrics of run ${run.id} are the server's sample (${rows.length} rows); a local run folder has every sample`,
      )
      return oneBatch(rows)
    },
    warnings: () => notes,
  }
}

/** A copy of a document without the SDK's internal `_wandb` key. */
function withoutWandb(doc: Row): Row {
  const out: Row = {}
  for (const [k, v] of Object.entries(doc)) if (k !== '_wandb') out[k] = v
  return out
}
