/**
 * The RunSource of a run on a W&B server (wandb.ai or self-hosted), through the API client.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { Run } from '../run.ts'
import type { HistorySelection, LogSelection, RunSource } from './run_source.ts'

/** How many system rows `wbx system` asks the server for; the API only serves system metrics sampled. */
export const REMOTE_SYSTEM_SAMPLES = 100_000

/** Wraps a remote Run (loaded with the full fragment) for the CLI. */
export function remoteSource(run: Run): RunSource {
  const notes: string[] = []
  return {
    history: (s: HistorySelection) =>
      run.scanHistory({
        keys: s.keys,
        keysMode: s.keysMode,
        minStep: s.minStep,
        maxStep: s.maxStep,
        source: s.source,
        signal: s.signal,
        onShortfall: s.onShortfall,
        onProblem: (problem) => notes.push(`warning: ${problem}`),
      }),
    historyKeyNames: () => Promise.resolve(historyKeyNames(run.historyKeys)),
    systemMetrics: async (signal) => {
      const sample = await run.history({ stream: 'system', samples: REMOTE_SYSTEM_SAMPLES, signal })
      notes.push(
        `note: the W&B API serves system metrics sampled (${sample.rows.length} rows); read the run's local folder for every sample`,
      )
      return oneBatch(sample.rows)
    },
    summary: () => Promise.resolve(run.summary),
    config: (raw) => Promise.resolve(raw ? run.rawconfig : run.config),
    info: async (signal) => ({
      id: run.id,
      name: run.name,
      displayName: run.displayName,
      entity: run.entity,
      project: run.project,
      path: run.path,
      url: run.url,
      state: run.state,
      createdAt: run.createdAt,
      heartbeatAt: run.heartbeatAt,
      tags: run.tags,
      notes: run.notes,
      group: run.group,
      jobType: run.jobType,
      commit: run.commit,
      sweepName: run.sweepName,
      user: run.user?.username ?? null,
      readOnly: run.readOnly,
      storageId: run.storageId,
      lastHistoryStep: await run.lastHistoryStep,
      historyLineCount: run.historyLineCount,
      historyKeys: historyKeyNames(run.historyKeys),
      metadata: await metadataOrNull(run, signal),
    }),
    logs: async (s: LogSelection) => {
      if (s.stream !== undefined || s.errorPrefix) {
        throw new TypeError(
          '--stream and --error-prefix apply to local runs; a W&B server keeps output.log as one text',
        )
      }
      const file = await run.file('output.log', s.signal)
      return await file.stream({ signal: s.signal })
    },
    files: async ({ signal }) => {
      const rows: Row[] = []
      for await (const page of run.files({ signal })) {
        for (const f of page) rows.push(f.toJSON() as unknown as Row)
      }
      return rows
    },
    downloadFiles: async (dir, { replace, signal }) => {
      const rows: Row[] = []
      for await (const page of run.files({ signal })) {
        for (const f of page) {
          const result = await f.download(dir, { replace, signal })
          rows.push({
            name: f.name,
            sizeBytes: f.sizeBytes,
            md5: f.md5,
            path: result.path,
            skipped: result.skipped,
          })
        }
      }
      return rows
    },
    artifacts: async ({ direction, entries, signal }) => {
      const rows: Row[] = []
      const lists = direction === 'used'
        ? [['used', run.usedArtifacts({ signal })] as const]
        : direction === 'logged'
        ? [['logged', run.loggedArtifacts({ signal })] as const]
        : [
          ['logged', run.loggedArtifacts({ signal })] as const,
          ['used', run.usedArtifacts({ signal })] as const,
        ]
      for (const [dir, stream] of lists) {
        for await (const page of stream) {
          for (const a of page) {
            if (!entries) {
              rows.push({ direction: dir, ...(a.toJSON() as unknown as Row) })
              continue
            }
            if (dir !== 'logged') continue
            for (const e of await a.manifest(signal)) {
              rows.push({ artifact: a.name, type: a.type, ...(e as unknown as Row) })
            }
          }
        }
      }
      return rows
    },
    warnings: () => notes,
  }
}

function historyKeyNames(historyKeys: unknown): string[] {
  const keys = (historyKeys as { keys?: Record<string, unknown> } | undefined)?.keys
  return keys ? Object.keys(keys) : []
}

async function metadataOrNull(run: Run, _signal: AbortSignal): Promise<unknown> {
  try {
    return (await run.metadata) ?? null
  } catch {
    return null
  }
}

function oneBatch(rows: Row[]): ReadableStream<Row[]> {
  return new ReadableStream<Row[]>({
    start(controller) {
      if (rows.length) controller.enqueue(rows)
      controller.close()
    },
  })
}
