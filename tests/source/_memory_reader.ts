/** A RunReader over rows held in memory: the smallest third source, for tests. */
import type { Row } from '../../src/row.ts'
import { KeySelection } from '../../src/history/key_selection.ts'
import type { HistoryKeys, RunHistoryOptions, RunReader } from '../../src/source/run_reader.ts'

/** A finished run with the given history rows and summary, read through RunReader. */
export function memoryReader(id: string, rows: Row[], summary: Row): RunReader {
  const keys: HistoryKeys['keys'] = {}
  for (const row of rows) for (const key of Object.keys(row)) keys[key] = { typeCounts: [] }
  const lastStep = rows.reduce((n, r) => Math.max(n, Number(r._step ?? -1)), -1)
  return {
    id,
    name: id,
    entity: '',
    project: 'memory',
    path: ['', 'memory', id],
    state: 'finished',
    tags: [],
    createdAt: null,
    heartbeatAt: null,
    notes: null,
    group: null,
    jobType: null,
    config: {},
    rawconfig: {},
    summary,
    historyKeys: { keys, lastStep },
    historyLineCount: rows.length,
    readLastHistoryStep: () => Promise.resolve(lastStep),
    scanHistory: (options: RunHistoryOptions = {}) => {
      const inRange = rows.filter((r) =>
        (options.minStep === undefined || Number(r._step) >= options.minStep) &&
        (options.maxStep === undefined || Number(r._step) < options.maxStep)
      )
      return new ReadableStream({
        start(controller) {
          const selection = new KeySelection(options.keys, options.keysMode)
          const selected = selection.select(inRange)
          if (selected.length) controller.enqueue(selected)
          selection.report(options.onMissingKeys)
          controller.close()
        },
      })
    },
    scanSystemMetrics: () => new ReadableStream({ start: (c) => c.close() }),
    consoleText: () => Promise.resolve(new ReadableStream({ start: (c) => c.close() })),
    listFiles: () => Promise.resolve([]),
    listArtifacts: () => Promise.resolve([]),
  }
}
