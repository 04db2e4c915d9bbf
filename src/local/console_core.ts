/**
 * wandb-core's console line model (`core/internal/terminalemulator` and `runconsolelogs`), which
 * writes `files/output.log` deterministically from `output_raw` records:
 *
 * - one terminal per stream, 32 rows high, that knows only `\r`, `\n`, `ESC[A` and `ESC[B`;
 *   every other character (tabs, backspaces, other escape sequences) is written as text;
 * - a line is created only when a character is written on it, so the empty lines between two
 *   writes appear when text next arrives on that stream (after lines the other stream wrote in
 *   between), and line feeds at the very end create nothing;
 * - a line is recorded as it was at its last change: writing a character equal to the one
 *   already there is no change, and the spaces that pad a line up to the cursor are not one
 *   either, so trailing spaces that only extend a line are never written;
 * - lines are numbered in creation order across both streams (and `output_logger` lines); a
 *   line more than 32 lines back can no longer change; lines are cut at 4096 characters.
 *
 * Memory is bounded by the 32-line window.
 *
 * @module
 */
import type { ConsoleLine, ConsoleStream } from './console_output.ts'

const MAX_LINES = 32
const MAX_LINE_LENGTH = 4096

interface CoreLine {
  stream: ConsoleStream
  cells: string[]
  /** Length of `cells` at the line's last change: what the file holds for it. */
  recordedLength: number
  timestamp: number | undefined
}

interface Term {
  /** Line numbers of the terminal's rows that hold a line. */
  view: number[]
  y: number
  x: number
  esc: string
}

/** wandb-core's two-terminal console model, emitting lines in creation order. */
export class CoreConsole {
  #lines: CoreLine[] = []
  #first = 0
  #out: ConsoleLine[] = []
  #terms: Record<'stdout' | 'stderr', Term> = { stdout: newTerm(), stderr: newTerm() }

  /** Feeds an `output_raw` chunk; returns the lines that can no longer change. */
  write(stream: 'stdout' | 'stderr', text: string, timestamp?: number): ConsoleLine[] {
    const t = this.#terms[stream]
    for (const ch of text) {
      if (t.esc === '') {
        if (ch === '\r') t.x = 0
        else if (ch === '\n') {
          t.x = 0
          this.#down(t)
        } else if (ch === '\x1b') t.esc = ch
        else this.#put(t, stream, ch, timestamp)
      } else if (t.esc === '\x1b') {
        if (ch === '[') t.esc = '\x1b['
        else {
          this.#flushEscape(t, stream, timestamp)
          this.#put(t, stream, ch, timestamp)
        }
      } else if (ch === 'A') {
        if (t.y > 0) t.y--
        t.esc = ''
      } else if (ch === 'B') {
        this.#down(t)
        t.esc = ''
      } else {
        this.#flushEscape(t, stream, timestamp)
        this.#put(t, stream, ch, timestamp)
      }
    }
    return this.#take()
  }

  /** Appends `output_logger` text as finished lines (a trailing line break ends the last one). */
  writeLines(text: string, timestamp?: number): ConsoleLine[] {
    const body = text.endsWith('\n') ? text.slice(0, -1) : text
    for (const part of body.split('\n')) this.#newLine('logger', timestamp, part)
    return this.#take()
  }

  /** Returns every line not yet emitted. */
  end(): ConsoleLine[] {
    while (this.#lines.length > 0) this.#emit(this.#lines.shift()!)
    this.#first = 0
    this.#terms = { stdout: newTerm(), stderr: newTerm() }
    return this.#take()
  }

  /** Moves the cursor one row down, scrolling the top row out at the terminal's height. */
  #down(t: Term): void {
    t.y++
    if (t.y >= MAX_LINES) {
      if (t.view.length > 0) t.view.shift()
      t.y--
    }
  }

  /** Writes the pending escape characters as text (an unsupported sequence). */
  #flushEscape(t: Term, stream: 'stdout' | 'stderr', timestamp: number | undefined): void {
    const esc = t.esc
    t.esc = ''
    for (const ch of esc) this.#put(t, stream, ch, timestamp)
  }

  /** Puts one character at the cursor, creating the rows up to it first. */
  #put(t: Term, stream: 'stdout' | 'stderr', ch: string, timestamp: number | undefined): void {
    while (t.y >= t.view.length) t.view.push(this.#newLine(stream, timestamp, ''))
    const line = this.#lines[t.view[t.y] - this.#first]
    const x = t.x++
    if (!line || x >= MAX_LINE_LENGTH) return
    const cells = line.cells
    while (cells.length <= x) cells.push(' ')
    if (cells[x] === ch) return
    cells[x] = ch
    line.recordedLength = cells.length
  }

  /** Creates a line (recorded empty at once), retiring the oldest beyond the window; returns its number. */
  #newLine(stream: ConsoleStream, timestamp: number | undefined, content: string): number {
    const cells = [...content].slice(0, MAX_LINE_LENGTH)
    this.#lines.push({ stream, cells, recordedLength: cells.length, timestamp })
    const num = this.#first + this.#lines.length - 1
    if (this.#lines.length > MAX_LINES) {
      this.#emit(this.#lines.shift()!)
      this.#first++
    }
    return num
  }

  /** Queues a retired line. */
  #emit(line: CoreLine): void {
    const text = line.cells.slice(0, line.recordedLength).join('')
    const out: ConsoleLine = { stream: line.stream, text }
    if (line.timestamp !== undefined) out.timestamp = line.timestamp
    this.#out.push(out)
  }

  /** Hands over the queued lines. */
  #take(): ConsoleLine[] {
    const out = this.#out
    this.#out = []
    return out
  }
}

/** A fresh terminal. */
function newTerm(): Term {
  return { view: [], y: 0, x: 0, esc: '' }
}
