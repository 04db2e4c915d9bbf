/** An in-memory BulkRun for the bulk-export tests: `loss` every step, `acc` on even steps. */
import type { BulkHistoryOptions, BulkRun, BulkSource } from '../../src/bulk/bulk_source.ts'
import type { Row } from '../../src/row.ts'

/** A run of `steps` rows (`loss` every step, `acc` on even steps), served in batches of 3. */
export function memoryRun(
  steps: number,
  change?: (row: Row) => Row,
  id = 'mem1',
): BulkRun {
  const rows: Row[] = []
  for (let s = 0; s < steps; s++) {
    const row: Row = { _step: s, loss: 1 / (s + 1) }
    if (s % 2 === 0) row.acc = s * 10
    rows.push(change ? change(row) : row)
  }
  return {
    id,
    name: 'memory',
    state: 'finished',
    tags: [],
    group: null,
    jobType: null,
    createdAt: null,
    updatedAt: null,
    historyLineCount: steps,
    lastHistoryStep: steps - 1,
    historyKeys: {
      _step: { typeCounts: [{ type: 'number', count: steps }] },
      loss: { typeCounts: [{ type: 'number', count: steps }] },
      acc: { typeCounts: [{ type: 'number', count: Math.ceil(steps / 2) }] },
    },
    config: {},
    summary: {},
    systemSampled: false,
    history(options: BulkHistoryOptions): ReadableStream<Row[]> {
      const picked = rows.filter((r) =>
        (r._step as number) >= options.minStep && (r._step as number) < options.maxStep
      )
      return new ReadableStream<Row[]>({
        pull(controller) {
          const batch = picked.splice(0, 3)
          if (batch.length) controller.enqueue(batch)
          else controller.close()
        },
      })
    },
    systemMetrics: () => Promise.resolve(new ReadableStream<Row[]>({ start: (c) => c.close() })),
    consoleLog: () => Promise.resolve(null),
    files: () => Promise.resolve([]),
    artifacts: () => Promise.resolve([]),
  }
}

/** A bulk source holding the given runs (ids in order), each opened as given. */
export function memorySource(runs: BulkRun[]): BulkSource {
  return {
    description: { kind: 'local', path: '/memory' },
    remote: false,
    list: (query) =>
      Promise.resolve(
        runs.filter((r) => !query.runs || query.runs.includes(r.id)).map((run) => ({
          id: run.id,
          createdAt: run.createdAt,
          updatedAt: run.updatedAt,
          open: () => Promise.resolve(run),
        })),
      ),
  }
}
