/**
 * Console output as a terminal shows it, from a small terminal emulator. `LocalRun.consoleLines`
 * uses it for the legacy Python writer's `output_raw` records (SDK 0.13–0.20), whose
 * `output.log` the SDK wrote from timed reads of its own emulator; wandb-core's logs go through
 * its own line model (console_core.ts) and `output` records through the SDK's de-duplicating file
 * (console_dedup.ts), both exact. The emulator:
 *
 * - `\r` returns to the line start and later characters overwrite, `\n` ends the line,
 *   `\b` steps back one character;
 * - CSI sequences: cursor up/down (`ESC[nA`/`ESC[nB`), left/right (`ESC[nD`/`ESC[nC`), column
 *   (`ESC[nG`), erase in line (`ESC[K`, `ESC[1K`, `ESC[2K`); colour/style (`ESC[…m`) is kept
 *   or stripped (option `ansi`); every other escape sequence is dropped;
 * - stdout and stderr are emulated separately; lines come out in the order they were started
 *   (option `errorPrefix` adds the `ERROR ` prefix of the legacy Python writer's uploaded log);
 * - unfinished last lines are emitted at the end, as `output.log` ends them with a line break;
 * - `output_logger` lines (`run.write_logs`) are appended as plain lines with stream `logger`.
 *
 * Memory is bounded: only the last `window` lines of each stream stay editable (cursor-up
 * cannot reach further back), lines are emitted as soon as they leave that window, and a line
 * is cut at `maxLineLength` characters.
 *
 * @module
 */

/** Which stream a console line came from. */
export type ConsoleStream = 'stdout' | 'stderr' | 'logger'

/** One finished console line. */
export interface ConsoleLine {
  /** The stream the line was written to (`logger` for `run.write_logs` lines). */
  stream: ConsoleStream
  /** The line text after emulation, without the line break. */
  text: string
  /** Unix seconds of the record that started the line, when it had a timestamp. */
  timestamp?: number
  /** Set on a last line that `output.log` ends without a line break (the legacy writer's held-back text). */
  unterminated?: true
}

/** Options for console emulation. */
export interface ConsoleOptions {
  /** Keep colour/style escape sequences in the text, or strip them. @default 'keep' */
  ansi?: 'keep' | 'strip'
  /** Prefix stderr lines with `ERROR `, as the legacy Python writer's uploaded log did. @default false */
  errorPrefix?: boolean
  /** Lines per stream that stay editable by cursor movement before they are emitted. @default 32 */
  window?: number
  /** Characters kept per line; later characters on the same line are dropped. @default 65536 */
  maxLineLength?: number
  /** Only emit lines of these streams. @default all streams */
  streams?: ConsoleStream[]
}

interface Line {
  stream: ConsoleStream
  cells: string[]
  tail: string
  timestamp: number | undefined
  done: boolean
}

interface TermState {
  window: Line[]
  row: number
  col: number
  sgr: string
  esc: string
}

/** A two-stream terminal emulator that turns console chunks into finished lines. */
export class ConsoleEmulator {
  #pending: Line[] = []
  #head = 0
  #terms: Record<'stdout' | 'stderr', TermState> = { stdout: newTerm(), stderr: newTerm() }
  #keepAnsi: boolean
  #prefix: boolean
  #window: number
  #maxLen: number

  /** Creates an emulator. */
  constructor(options: ConsoleOptions = {}) {
    this.#keepAnsi = (options.ansi ?? 'keep') === 'keep'
    this.#prefix = options.errorPrefix ?? false
    this.#window = Math.max(1, options.window ?? 32)
    this.#maxLen = Math.max(1, options.maxLineLength ?? 65536)
    if (options.ansi !== undefined && options.ansi !== 'keep' && options.ansi !== 'strip') {
      throw new TypeError(
        `Cannot emulate console: ansi must be 'keep' or 'strip', got ${
          JSON.stringify(options.ansi)
        }`,
      )
    }
  }

  /** Feeds a chunk of raw terminal text from stdout or stderr; returns the lines it finished. */
  write(stream: 'stdout' | 'stderr', text: string, timestamp?: number): ConsoleLine[] {
    const t = this.#terms[stream]
    for (const ch of text) {
      if (t.esc) this.#escape(t, ch)
      else if (ch === '\x1b') t.esc = ch
      else if (ch === '\n') this.#newline(t, stream, timestamp)
      else if (ch === '\r') t.col = 0
      else if (ch === '\b') t.col = Math.max(0, t.col - 1)
      else if (ch < ' ' && ch !== '\t') continue
      else this.#put(t, stream, ch, timestamp)
    }
    return this.#drain(false)
  }

  /** Appends already-finished lines (e.g. `output_logger`), split at `\n`; returns finished lines. */
  writeLines(stream: ConsoleStream, text: string, timestamp?: number): ConsoleLine[] {
    const parts = text.split('\n')
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop()
    for (const part of parts) {
      const cells = [...part.slice(0, this.#maxLen)]
      this.#pending.push({ stream, cells, tail: '', timestamp, done: true })
    }
    return this.#drain(false)
  }

  /** Finishes every open line and returns all lines not yet emitted. */
  end(): ConsoleLine[] {
    for (const t of [this.#terms.stdout, this.#terms.stderr]) {
      const last = t.window[t.window.length - 1]
      if (last && t.sgr) last.tail += t.sgr
      for (const line of t.window) line.done = true
      t.window = []
      t.row = 0
      t.col = 0
      t.sgr = ''
      t.esc = ''
    }
    return this.#drain(true)
  }

  /** The line under the cursor, started (and queued for output) when the cursor is below the last one. */
  #line(t: TermState, stream: ConsoleStream, timestamp: number | undefined): Line {
    if (t.row < t.window.length) return t.window[t.row]
    const line: Line = { stream, cells: [], tail: '', timestamp, done: false }
    t.window.push(line)
    t.row = t.window.length - 1
    this.#pending.push(line)
    return line
  }

  /** Writes one character at the cursor, padding with spaces and attaching pending colour codes. */
  #put(t: TermState, stream: ConsoleStream, ch: string, timestamp: number | undefined): void {
    const line = this.#line(t, stream, timestamp)
    if (t.col >= this.#maxLen) return
    const cells = line.cells
    while (cells.length < t.col) cells.push(' ')
    cells[t.col++] = t.sgr ? t.sgr + ch : ch
    t.sgr = ''
  }

  /** Ends the cursor line and moves down, retiring lines that leave the editable window. */
  #newline(t: TermState, stream: ConsoleStream, timestamp: number | undefined): void {
    const line = this.#line(t, stream, timestamp)
    if (t.sgr) {
      line.tail += t.sgr
      t.sgr = ''
    }
    t.row++
    t.col = 0
    while (t.window.length > this.#window) {
      t.window.shift()!.done = true
      t.row--
    }
  }

  /** Adds a character to a pending escape sequence and runs it once complete. */
  #escape(t: TermState, ch: string): void {
    t.esc += ch
    const seq = t.esc
    if (seq.length === 2) {
      if (ch !== '[' && ch !== ']') t.esc = ''
      return
    }
    if (seq[1] === ']') {
      if (ch === '\x07' || seq.endsWith('\x1b\\') || seq.length > 4096) t.esc = ''
      return
    }
    const code = ch.charCodeAt(0)
    if (code >= 0x40 && code <= 0x7e) {
      t.esc = ''
      this.#csi(t, seq.slice(2, -1), ch)
    } else if (seq.length > 64) t.esc = ''
  }

  /** Runs one CSI sequence: cursor moves, erase in line, colour codes; others are dropped. */
  #csi(t: TermState, params: string, final: string): void {
    if (final === 'm') {
      if (this.#keepAnsi) t.sgr += `\x1b[${params}m`
      return
    }
    if (params.startsWith('?')) return
    const n = Math.max(1, parseInt(params, 10) || 1)
    if (final === 'A') t.row = Math.max(0, t.row - n)
    else if (final === 'B') t.row = Math.min(t.row + n, Math.max(t.window.length - 1, t.row))
    else if (final === 'C') t.col = Math.min(t.col + n, this.#maxLen)
    else if (final === 'D') t.col = Math.max(0, t.col - n)
    else if (final === 'G') t.col = Math.min(n - 1, this.#maxLen)
    else if (final === 'K') {
      const line = t.window[t.row]
      if (!line) return
      const mode = parseInt(params, 10) || 0
      if (mode === 0) line.cells.length = Math.min(line.cells.length, t.col)
      else if (mode === 1) line.cells.fill(' ', 0, Math.min(line.cells.length, t.col + 1))
      else if (mode === 2) line.cells = []
    }
  }

  /** Emits finished lines in start order, freezing the oldest open line when too many wait behind it. */
  #drain(all: boolean): ConsoleLine[] {
    const out: ConsoleLine[] = []
    const limit = 4 * this.#window + 64
    const pending = this.#pending
    while (this.#head < pending.length) {
      const line = pending[this.#head]
      if (!line.done) {
        if (!all && pending.length - this.#head <= limit) break
        this.#freeze(line)
      }
      out.push(this.#emit(line))
      this.#head++
    }
    if (this.#head > 1024 || this.#head === pending.length) {
      pending.splice(0, this.#head)
      this.#head = 0
    }
    return out
  }

  /** Marks a line finished and removes it from its stream's editable window. */
  #freeze(line: Line): void {
    line.done = true
    if (line.stream === 'logger') return
    const t = this.#terms[line.stream]
    const i = t.window.indexOf(line)
    if (i < 0) return
    t.window.splice(i, 1)
    if (t.row > i) t.row--
  }

  /** Renders a finished line. */
  #emit(line: Line): ConsoleLine {
    let text = line.cells.join('') + line.tail
    if (line.stream === 'stderr' && this.#prefix) text = 'ERROR ' + text
    const out: ConsoleLine = { stream: line.stream, text }
    if (line.timestamp !== undefined) out.timestamp = line.timestamp
    return out
  }
}

/** A fresh per-stream terminal state. */
function newTerm(): TermState {
  return { window: [], row: 0, col: 0, sgr: '', esc: '' }
}
