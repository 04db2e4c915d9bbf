/** A RunReader over rows held in memory: the smallest third source, for tests. */
import type { Row } from '../../src/row.ts'
import { KeySelection } from '../../src/history/key_selection.ts'
import type {
  HistoryKeys,
  RunArtifactFileEntry,
  RunHistoryOptions,
  RunReader,
} from '../../src/source/run_reader.ts'

/** What else an in-memory run holds: files by name, console text, one logged artifact. */
export interface MemoryContents {
  /** File contents by name. */
  files?: Record<string, string>
  /** The console output. */
  console?: string
  /** One logged artifact with its manifest entries. */
  artifact?: {
    name: string
    type: string
    version: string
    entries: { path: string; body: string }[]
  }
}

/** Bytes of a text, as one chunk of a stream. */
function textStream(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text)
  return new ReadableStream({
    start(c) {
      if (bytes.length) c.enqueue(bytes)
      c.close()
    },
  })
}

/** A finished run with the given history rows and summary, read through RunReader. */
export function memoryReader(
  id: string,
  rows: Row[],
  summary: Row,
  contents: MemoryContents = {},
): RunReader {
  const files = contents.files ?? {}
  const artifact = contents.artifact
  const size = (text: string) => new TextEncoder().encode(text).length
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
    consoleText: () => Promise.resolve(textStream(contents.console ?? '')),
    listFiles: () =>
      Promise.resolve(
        Object.entries(files).map(([name, body]) => ({
          name,
          sizeBytes: size(body),
          mimetype: 'text/plain',
          updatedAt: null,
        })),
      ),
    openFile: (name) =>
      name in files
        ? Promise.resolve(textStream(files[name]))
        : Promise.reject(new Error(`memory run ${id} has no file ${name}`)),
    listArtifacts: (direction) =>
      Promise.resolve(
        artifact && direction === 'logged'
          ? [{
            name: artifact.name,
            type: artifact.type,
            version: artifact.version,
            fileCount: artifact.entries.length,
          }]
          : [],
      ),
    listArtifactEntries: (direction) =>
      Promise.resolve(
        artifact && direction === 'logged'
          ? artifact.entries.map((e): RunArtifactFileEntry => ({
            artifact: artifact.name,
            type: artifact.type,
            path: e.path,
            size: size(e.body),
          }))
          : [],
      ),
  }
}
