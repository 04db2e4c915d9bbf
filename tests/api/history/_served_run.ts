/** A generated run on the test server, the transport and run reference the history readers take. */
import type { HistoryRunRef, HistoryTransport } from '../../../src/api/history/history_target.ts'
import type { Row } from '../../../src/row.ts'
import { generateRun, type GenerateRunOptions } from '../../server/generate_run.ts'
import { startTestServer, type TestServer } from '../../server/test_server.ts'
import { apiFor } from '../_setup.ts'

/** A started server holding run `e/p/r1`, with its transport and reference. */
export interface ServedRun {
  server: TestServer
  transport: HistoryTransport
  run: HistoryRunRef
  /** The run's history rows as the server holds them. */
  rows: Row[]
}

/** Runs `fn` with `e/p/r1` (generated with `options`) served, and always stops the server. */
export async function withServedRun<T>(
  options: GenerateRunOptions,
  fn: (served: ServedRun) => Promise<T>,
): Promise<T> {
  const server = await startTestServer()
  try {
    const record = server.addRun(
      generateRun({ entity: 'e', project: 'p', id: 'r1', ...options }),
    )
    const rows: Row[] = []
    for (let i = 0; i < record.history.rowCount; i++) rows.push(record.history.rowAt(i))
    const run: HistoryRunRef = {
      entity: 'e',
      project: 'p',
      id: 'r1',
      historyLineCount: rows.length,
    }
    return await fn({ server, transport: apiFor(server).transport, run, rows })
  } finally {
    await server.stop()
  }
}

/** Every row of a stream of batches. */
export async function rowsOf(stream: ReadableStream<Row[]>): Promise<Row[]> {
  const rows: Row[] = []
  for await (const batch of stream) rows.push(...batch)
  return rows
}
