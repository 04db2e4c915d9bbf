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

/** An append waiting for the write that takes it. */
interface Waiter {
  line: string
  resolve: () => void
  reject: (err: unknown) => void
}

/**
 * An open journal. Appends are written in order; those that arrive while a write is queued or on
 * its way join the next one, so many runs finishing at once share one write and one flush (group
 * commit) instead of each waiting for its own.
 */
export class Journal {
  readonly path: string
  /** Flushes to disk so far (one per write of one or more lines). */
  syncs = 0
  #handle: FileHandle
  #queue: Promise<void> = Promise.resolve()
  /** Lines for the write queued next, not yet started. */
  #batch: Waiter[] | undefined

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
    const line = JSON.stringify(op) + '\n'
    return new Promise((resolve, reject) => {
      if (!this.#batch) {
        const batch: Waiter[] = this.#batch = []
        this.#enqueue(() => this.#write(batch)).catch(() => {}) // each waiter hears the error
      }
      this.#batch.push({ line, resolve, reject })
    })
  }

  /** Empties the journal (after the manifest took in everything), in queue order. */
  truncate(): Promise<void> {
    this.#batch = undefined // later appends are written after the truncation
    return this.#enqueue(async () => {
      await this.#handle.truncate(0)
      await this.#handle.datasync()
    })
  }

  /** Writes a batch's lines with one write and one flush, then settles their appends. */
  async #write(batch: Waiter[]): Promise<void> {
    if (this.#batch === batch) this.#batch = undefined
    try {
      await this.#handle.write(batch.map((w) => w.line).join(''))
      await this.#handle.datasync()
      this.syncs++
    } catch (err) {
      for (const waiter of batch) waiter.reject(err)
      throw err
    }
    for (const waiter of batch) waiter.resolve()
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
