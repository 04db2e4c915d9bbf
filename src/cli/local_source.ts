/**
 * The RunSource of a local run folder or `.wandb` file.
 *
 * @module
 */
import type { Row } from '../row.ts'
import type { LocalRun } from '../local/local_run.ts'
import type { ConsoleLine } from '../local/console_output.ts'
import { formatDamageReport, isDamaged } from '../local/damage_report.ts'
import type { HistorySelection, LogSelection, RunSource } from './run_source.ts'
import { runInfo } from './run_info.ts'

/** Wraps a LocalRun for the CLI. */
export function localSource(run: LocalRun): RunSource {
  return {
    history: (s: HistorySelection) => {
      if (s.source !== undefined) {
        throw new TypeError('--source applies to runs on a W&B server, not local runs')
      }
      return run.scanHistory({
        keys: s.keys,
        keysMode: s.keysMode,
        minStep: s.minStep,
        maxStep: s.maxStep,
        signal: s.signal,
      })
    },
    historyKeyNames: () => Promise.resolve(Object.keys(run.historyKeys.keys)),
    systemMetrics: (signal) => Promise.resolve(run.scanSystemMetrics({ signal })),
    summary: () => Promise.resolve(run.summary),
    config: (raw) => Promise.resolve(raw ? run.rawconfig : run.config),
    info: () => Promise.resolve(runInfo(run)),
    logs: (s: LogSelection) => {
      const encoder = new TextEncoder()
      const lines = run.consoleLines({
        stream: s.stream,
        ansi: s.ansi ? 'keep' : 'strip',
        errorPrefix: s.errorPrefix,
        signal: s.signal,
      })
      return Promise.resolve(lines.pipeThrough(
        new TransformStream<ConsoleLine[], Uint8Array>({
          transform(batch, controller) {
            if (batch.length) {
              controller.enqueue(encoder.encode(batch.map((l) => l.text).join('\n') + '\n'))
            }
          },
        }),
      ))
    },
    files: async ({ md5 }) => {
      const rows: Row[] = []
      for (const f of await run.files()) {
        rows.push({
          name: f.name,
          sizeBytes: f.sizeBytes,
          mimetype: f.mimetype,
          updatedAt: f.updatedAt,
          policy: f.policy,
          present: f.path !== null,
          path: f.path,
          ...(md5 ? { md5: f.path !== null ? await f.md5() : null } : {}),
        })
      }
      return rows
    },
    downloadFiles: () => {
      throw new TypeError(
        "--download applies to runs on a W&B server; a local run's files are already on disk",
      )
    },
    artifacts: async ({ direction, entries, signal }) => {
      const rows: Row[] = []
      if (entries) {
        for (const a of await run.loggedArtifacts({ signal })) {
          for (const e of a.manifest?.entries ?? []) {
            rows.push({
              artifact: a.name,
              type: a.type,
              path: e.path,
              digest: e.digest,
              size: e.size,
              ref: e.ref || null,
            })
          }
        }
        return rows
      }
      if (direction !== 'used') {
        for (const a of await run.loggedArtifacts({ signal })) {
          rows.push({
            direction: 'logged',
            name: a.name,
            type: a.type,
            version: a.version,
            aliases: a.aliases,
            tags: a.tags,
            digest: a.digest,
            size: a.size,
            fileCount: a.fileCount,
            description: a.description,
            metadata: a.metadata,
            id: null,
          })
        }
      }
      if (direction !== 'logged') {
        for (const a of await run.usedArtifacts({ signal })) {
          rows.push({ direction: 'used', name: a.name, type: a.type, version: a.version, id: a.id })
        }
      }
      return rows
    },
    warnings: () =>
      run.damage.filter(isDamaged).map((report) =>
        `warning: damaged log, every intact record was read\n${formatDamageReport(report)}`
      ),
  }
}
