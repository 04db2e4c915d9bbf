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
import { REMOTE_SYSTEM_SAMPLES } from '../api/history/sampled_history.ts'

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

/** The report source of a local run opened with the full metadata pass. */
export function localReportSource(run: LocalRun): ReportSource {
  return {
    facts: {
      id: run.id,
      name: run.name,
      path: run.folder,
      url: null,
      state: run.state,
      createdAt: run.createdAt,
      durationSeconds: run.metadataPass === 'full' ? run.runtime : null,
      tags: [...run.tags],
      notes: run.notes,
      group: run.group,
      jobType: run.jobType,
      config: withoutWandb(run.config),
      summary: run.metadataPass === 'full' ? withoutWandb(run.summary) : {},
    },
    history: (signal) => run.scanHistory({ signal }),
    systemMetrics: (signal) => Promise.resolve(run.scanSystemMetrics({ signal })),
    warnings: () =>
      run.damaged
        ? [`the log of run ${run.id} is damaged; every intact record was read (wbx verify)`]
        : [],
  }
}

/** The report source of a remote run (loaded with config and summary). */
export function remoteReportSource(run: Run): ReportSource {
  const notes: string[] = []
  const summary = { ...run.summary } as Row
  const runtime = typeof summary._runtime === 'number'
    ? summary._runtime
    : (summary._wandb as { runtime?: unknown } | undefined)?.runtime
  return {
    facts: {
      id: run.id,
      name: run.displayName ?? run.name ?? run.id,
      path: run.runPath,
      url: run.url,
      state: run.state,
      createdAt: run.createdAt ?? null,
      durationSeconds: typeof runtime === 'number' ? runtime : null,
      tags: [...run.tags],
      notes: run.notes ?? null,
      group: run.group ?? null,
      jobType: run.jobType ?? null,
      config: withoutWandb(run.config as Row),
      summary: withoutWandb(summary),
    },
    history: (signal) => run.scanHistory({ signal }),
    systemMetrics: async (signal) => {
      const sample = await run.history({
        stream: 'system',
        samples: REMOTE_SYSTEM_SAMPLES,
        signal,
      })
      notes.push(
        `system metrics of run ${run.id} are the server's sample (${sample.rows.length} rows); a local run folder has every sample`,
      )
      return oneBatch(sample.rows)
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
