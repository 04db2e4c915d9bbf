/** Runs `main()` in-process with captured stdout and stderr, for CLI tests. */
import { main } from '../../src/cli/main.ts'
import type { CliIo } from '../../src/cli/cli_io.ts'

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number
  stdout: string
  stderr: string
  stdoutBytes: Uint8Array
}

/** Options for {@linkcode runCli}. */
export interface RunCliOptions {
  stdoutIsTTY?: boolean
  stderrIsTTY?: boolean
  /** Whether stdin is a terminal (prompts use `readSecret`, else `readLine`). */
  stdinIsTTY?: boolean
  /** Lines standard input answers with, one per read. */
  input?: string[]
  /** Cancels the command, as Ctrl-C does. */
  signal?: AbortSignal
}

/** Runs the CLI with argv and captures everything it writes. */
export async function runCli(argv: string[], options: RunCliOptions = {}): Promise<CliResult> {
  const chunks: Uint8Array[] = []
  const input = [...(options.input ?? [])]
  let stderr = ''
  const io: CliIo = {
    stdout: () =>
      new WritableStream<Uint8Array>({
        write(chunk) {
          chunks.push(chunk.slice())
        },
      }),
    stderr: (text) => {
      stderr += text
    },
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    stdinIsTTY: options.stdinIsTTY ?? false,
    readLine: () => Promise.resolve(input.shift()),
    readSecret: (prompt) => {
      stderr += prompt
      return Promise.resolve(input.shift())
    },
  }
  const code = await main(argv, { io, signal: options.signal })
  const total = chunks.reduce((n, c) => n + c.byteLength, 0)
  const stdoutBytes = new Uint8Array(total)
  let offset = 0
  for (const c of chunks) {
    stdoutBytes.set(c, offset)
    offset += c.byteLength
  }
  return { code, stdout: new TextDecoder().decode(stdoutBytes), stderr, stdoutBytes }
}
