/**
 * The progress journal beside the manifest: one JSON line per finished step (a history part
 * written, a run completed, a run failed), appended and flushed to disk before the export goes
 * on. Rewriting the whole manifest after every part would cost O(runs) per part; the journal
 * costs one short line, and the manifest is rewritten from time to time and at the end. After a
 * crash, the manifest plus the journal's complete lines give the exact progress; a line cut off by
 * the crash is ignored.
 *
 * @module
 */
import type { FileHandle } from 'node:fs/promises'
import { readFile, unlink } from 'node:fs/promises'
import { openAppendInside } from '../fs/safe_write.ts'
import type { FailureRecord, Manifest, PartRecord, RunEntry } from './manifest.ts'

/** One journal line. */
export type JournalOp =
  /** Sets a run's whole entry (a run started, was reset or completed). */
  | { op: 'run'; entry: RunEntry }
  /** Appends a history part to a run and moves its watermark. */
  | { op: 'part'; runId: string; part: PartRecord }
  /** Records a quarantined run. */
  | { op: 'failure'; failure: FailureRecord }
  /** Removes a run's failure record. */
  | { op: 'clear-failure'; runId: string }

/** Applies one journal operation to a manifest in memory. */
export function applyOp(manifest: Manifest, op: JournalOp): void {
  switch (op.op) {
    case 'run':
      manifest.runs[op.entry.id] = op.entry
      return
    case 'part': {
      const entry = manifest.runs[op.runId]
      if (!entry) return
      const history = entry.history ??= { lastStep: -1, rows: 0, parts: [] }
      if (history.parts.some((p) => p.file === op.part.file)) return
      history.parts.push(op.part)
      history.rows += op.part.rows
      if (op.part.maxStep !== null && op.part.maxStep > history.lastStep) {
        history.lastStep = op.part.maxStep
      }
      return
    }
    case 'failure':
      manifest.failures = manifest.failures.filter((f) => f.runId !== op.failure.runId)
      manifest.failures.push(op.failure)
      return
    case 'clear-failure':
      manifest.failures = manifest.failures.filter((f) => f.runId !== op.runId)
      return
  }
}

/** Reads a journal's complete lines; a missing file gives none, and reading stops at a torn line. */
export async function readJournal(path: string): Promise<JournalOp[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw err
  }
  const ops: JournalOp[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    try {
      ops.push(JSON.parse(line) as JournalOp)
    } catch {
      break // the last line was being written when the process died
    }
  }
  return ops
}

/** An open journal: appends are queued, each written and flushed before the next. */
export class Journal {
  readonly path: string
  #handle: FileHandle
  #queue: Promise<void> = Promise.resolve()

  /** Use {@linkcode Journal.open}. */
  private constructor(path: string, handle: FileHandle) {
    this.path = path
    this.#handle = handle
  }

  /** Opens (creating) a journal in the export folder `root` for appending, never through a link. */
  static async open(root: string, path: string): Promise<Journal> {
    return new Journal(path, await openAppendInside(root, path))
  }

  /** Appends one operation and resolves once it is on disk. */
  append(op: JournalOp): Promise<void> {
    return this.#enqueue(async () => {
      await this.#handle.write(JSON.stringify(op) + '\n')
      await this.#handle.datasync()
    })
  }

  /** Empties the journal (after the manifest took in everything), in queue order. */
  truncate(): Promise<void> {
    return this.#enqueue(async () => {
      await this.#handle.truncate(0)
      await this.#handle.datasync()
    })
  }

  /** Runs `task` after every queued write, in queue order. */
  #enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.#queue.then(task)
    this.#queue = next.catch(() => {})
    return next
  }

  /** Closes the journal, optionally deleting the file. */
  async close(remove = false): Promise<void> {
    await this.#queue
    await this.#handle.close().catch(() => {})
    if (remove) await unlink(this.path).catch(() => {})
  }
}
