/**
 * The legacy Python writer's `output.log` for `output` records (SDK 0.10 to 0.12, "wrap" console
 * mode): the SDK wrote every captured chunk of both streams, in order, through its
 * carriage-return de-duplicating file (`CRDedupedFile`), which
 *
 * - splits each chunk at `\r\n` and `\n`, keeps of each piece only the text after its last `\r`,
 *   and drops empty pieces;
 * - lets a piece that starts with `\r` replace the line before it (a progress bar's previous
 *   state), even when that line came from the previous chunk;
 * - holds the last piece back, and writes the others followed by a line break; a chunk that
 *   completes no line writes an empty line;
 * - writes the held-back piece, without a line break, when the file is closed.
 *
 * Replaying that over the records reproduces the file byte for byte.
 *
 * @module
 */
import type { ConsoleLine, ConsoleStream } from './console_output.ts'

interface Piece {
  stream: ConsoleStream
  text: string
  timestamp: number | undefined
}

/** Replays the carriage-return de-duplicating `output.log` writer over `output` records. */
export class DedupedOutput {
  #held: Piece | undefined

  /** Feeds one `output` record's chunk; returns the lines it wrote. */
  write(stream: 'stdout' | 'stderr', data: string, timestamp?: number): ConsoleLine[] {
    const ret: Piece[] = []
    for (const part of data.split(/\r\n|\n/)) {
      if (part.startsWith('\r')) {
        if (ret.length > 0) ret.pop()
        else this.#held = undefined
      }
      const text = part.slice(part.lastIndexOf('\r') + 1)
      if (text) ret.push({ stream, text, timestamp })
    }
    if (this.#held) ret.unshift(this.#held)
    this.#held = ret.pop()
    if (ret.length === 0) return [line({ stream, text: '', timestamp })]
    return ret.map(line)
  }

  /** Writes the held-back piece (which the file ends without a line break). */
  end(): ConsoleLine[] {
    const held = this.#held
    this.#held = undefined
    if (!held) return []
    const last = line(held)
    last.unterminated = true
    return [last]
  }
}

/** A piece as a console line. */
function line(piece: Piece): ConsoleLine {
  const out: ConsoleLine = { stream: piece.stream, text: piece.text }
  if (piece.timestamp !== undefined) out.timestamp = piece.timestamp
  return out
}
