/**
 * The RunSource of a run on a W&B server (wandb.ai or self-hosted), through the API client.
 *
 * @module
 */
import { claimTarget } from '../fs/safe_path.ts'
import type { Row } from '../row.ts'
import type { Run } from '../api/run.ts'
import type { FollowSelection, HistorySelection, LogSelection, RunSource } from './run_source.ts'
import { followOptions, historyOptions, readerInfo, readerSource } from './reader_source.ts'
import { infoRow } from '../source/rows.ts'
import { FollowIdleError } from '../follow_idle_error.ts'
import { oneBatch } from '../streams/one_batch.ts'
import { collect } from '../streams/paged_stream.ts'

/** Wraps a remote Run (loaded with the full fragment) for the CLI. */
export function remoteSource(run: Run): RunSource {
  const notes: string[] = []
  const base = readerSource(run)
  return {
    ...base,
    history: (s: HistorySelection) =>
      run.scanHistory({
        ...historyOptions(s),
        source: s.source,
        onShortfall: s.onShortfall,
        onProblem: (problem) => notes.push(`warning: ${problem}`),
      }),
    systemMetrics: async (signal, follow) => {
      if (follow) {
        notes.push(
          'note: the W&B API serves system metrics sampled; following polls the sample and emits the newer rows',
        )
        return run.scanSystemMetrics({ signal, ...followOptions(follow) })
      }
      const rows = await collect(run.scanSystemMetrics({ signal }))
      notes.push(
        `note: the W&B API serves system metrics sampled (${rows.length} rows); read the run's local folder for every sample`,
      )
      return oneBatch(rows)
    },
    info: async (signal) =>
      infoRow({
        ...await readerInfo(run, signal),
        displayName: run.displayName,
        url: run.url,
        commit: run.commit,
        sweepName: run.sweepName,
        user: run.user?.username ?? null,
        readOnly: run.readOnly,
        storageId: run.storageId,
        historyLineCount: run.historyLineCount,
        historyKeys: historyKeyNames(run),
        metadata: await metadataOrNull(run, signal),
      }),
    logs: async (s: LogSelection) => {
      if (s.stream !== undefined || s.errorPrefix) {
        throw new TypeError(
          '--stream and --error-prefix apply to local runs; a W&B server keeps output.log as one text',
        )
      }
      if (s.follow) await waitForEnd(run, s.follow, s.signal)
      return await run.consoleText({ signal: s.signal }) // the bounded download, one URL refresh
    },
    downloadFiles: async (dir, { replace, signal, progress }) => {
      // The listing comes first (names and sizes only), so progress has totals to count against.
      const files = []
      for await (const page of run.files({ signal })) files.push(...page)
      const status = {
        files: 0,
        totalFiles: files.length,
        bytes: 0,
        totalBytes: files.reduce((n, f) => n + f.sizeBytes, 0),
      }
      progress?.({ ...status })
      // Two names for one file are refused before anything is written, even with --replace.
      const claims = new Map<string, string>()
      for (const f of files) claimTarget(claims, dir, f.name)
      const rows: Row[] = []
      for (const f of files) {
        const result = await f.download(dir, { replace, signal })
        rows.push({
          name: f.name,
          size_bytes: f.sizeBytes,
          md5: f.md5 ?? null,
          path: result.path,
          skipped: result.skipped,
        })
        status.files++
        status.bytes += f.sizeBytes
        progress?.({ ...status })
      }
      return rows
    },
    warnings: () => notes,
  }
}

/**
 * Waits until the run reaches a terminal state: a W&B server keeps a live run's console output
 * out of the public API until the run uploads output.log, so `wbx logs -f` prints it then.
 */
async function waitForEnd(run: Run, follow: FollowSelection, signal: AbortSignal): Promise<void> {
  try {
    const state = await run.waitUntilFinished({
      signal,
      pollIntervalMs: 2000,
      maxPollIntervalMs: 15_000,
      timeoutMs: follow.idleTimeoutMs,
    })
    follow.onEnd(`the run is ${state}; its output.log follows`)
  } catch (err) {
    if (!(err instanceof DOMException && err.name === 'TimeoutError')) throw err
    const ms = follow.idleTimeoutMs ?? 0
    throw new FollowIdleError(
      `Run ${run.entity}/${run.project}/${run.id} looks stalled: still '${run.state}' after ${
        Math.round(ms / 1000)
      } s of waiting for it to end (a live run's console output is served once the run uploads output.log)`,
      ms,
      `state ${run.state}`,
    )
  }
}

/** The history key names the server reported (none when it sent no `historyKeys`). */
function historyKeyNames(run: Run): string[] {
  const keys = run.historyKeys?.keys
  return keys ? Object.keys(keys) : []
}

async function metadataOrNull(run: Run, _signal: AbortSignal): Promise<unknown> {
  try {
    return (await run.metadata) ?? null
  } catch {
    return null
  }
}
