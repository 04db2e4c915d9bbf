/**
 * The CLI's view of the outside world, so tests can run commands without a process.
 *
 * @module
 */
import {
  isStderrTTY,
  isStdinTTY,
  isStdoutTTY,
  readSecretLine,
  readStdinLine,
  stdoutColumns,
  stdoutWritable,
  writeStderr,
} from '../runtime.ts'

/** Where the CLI reads and writes. */
export interface CliIo {
  /** Opens standard output as a byte stream (called at most once per command). */
  stdout(): WritableStream<Uint8Array>
  /** Writes diagnostics or progress text to standard error. */
  stderr(text: string): void
  /** Whether standard output is a terminal (tables instead of NDJSON for listings). */
  stdoutIsTTY: boolean
  /** Whether standard error is a terminal (progress lines only then). */
  stderrIsTTY: boolean
  /** Width of the stdout terminal in columns, when known. */
  columns?: number
  /** Whether standard input is a terminal a confirmation can be asked on. @default false */
  stdinIsTTY?: boolean
  /** Reads one answer line from standard input (undefined at end of input). */
  readLine?: () => Promise<string | undefined>
  /** Shows a prompt and reads one line from the terminal without echo (undefined when cancelled). */
  readSecret?: (prompt: string) => Promise<string | undefined>
}

/** The real process's standard streams. */
export function processIo(): CliIo {
  return {
    stdout: stdoutWritable,
    stderr: writeStderr,
    stdoutIsTTY: isStdoutTTY(),
    stderrIsTTY: isStderrTTY(),
    columns: stdoutColumns(),
    stdinIsTTY: isStdinTTY(),
    readLine: readStdinLine,
    readSecret: readSecretLine,
  }
}

/** Writes a whole text to a CliIo's stdout and closes the stream. */
export async function writeText(io: CliIo, text: string): Promise<void> {
  const writer = io.stdout().getWriter()
  await writer.write(new TextEncoder().encode(text))
  await writer.close()
}
