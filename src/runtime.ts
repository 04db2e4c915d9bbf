/**
 * Every difference between Deno, Bun and Node lives here; the rest of wbx imports from this module.
 *
 * @module
 */
import process from 'node:process'
import { Writable } from 'node:stream'

/** The JavaScript runtime wbx is running on. */
export type RuntimeName = 'deno' | 'bun' | 'node'

// deno-lint-ignore no-explicit-any
const g = globalThis as any

/** Name of the current runtime. */
export const runtimeName: RuntimeName = g.Deno ? 'deno' : g.Bun ? 'bun' : 'node'

/** Reads an environment variable, returning undefined when unset or not permitted. */
export function env(name: string): string | undefined {
  try {
    return process.env[name]
  } catch {
    return undefined
  }
}

/** Command-line arguments after the script name. */
export function args(): string[] {
  return process.argv.slice(2)
}

/** Ends the process with the given exit code. */
export function exit(code: number): never {
  process.exit(code)
}

/** Whether standard error is an interactive terminal. */
export function isStderrTTY(): boolean {
  return Boolean(process.stderr.isTTY)
}

/** Whether standard input is an interactive terminal (confirmation prompts need one). */
export function isStdinTTY(): boolean {
  return Boolean(process.stdin.isTTY)
}

let stdinText = ''
let stdinEnded = false

/** Reads one line from standard input, without its line break; undefined when input ends first. */
export function readStdinLine(): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin
    const take = (): boolean => {
      const end = stdinText.indexOf('\n')
      if (end < 0 && !stdinEnded) return false
      const line = end < 0 ? stdinText : stdinText.slice(0, end)
      stdinText = end < 0 ? '' : stdinText.slice(end + 1)
      resolve(end < 0 && line === '' ? undefined : line.replace(/\r$/, ''))
      return true
    }
    if (take()) return
    const finish = (err?: unknown): void => {
      stdin.off('data', onData)
      stdin.off('end', onEnd)
      stdin.off('error', onError)
      stdin.pause()
      if (err) reject(err)
    }
    const onData = (chunk: string | Uint8Array): void => {
      stdinText += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)
      if (stdinText.includes('\n')) {
        finish()
        take()
      }
    }
    const onEnd = (): void => {
      stdinEnded = true
      finish()
      take()
    }
    const onError = (err: unknown): void => finish(err)
    stdin.on('data', onData)
    stdin.on('end', onEnd)
    stdin.on('error', onError)
    stdin.resume()
  })
}

/** Whether standard output is an interactive terminal. */
export function isStdoutTTY(): boolean {
  return Boolean(process.stdout.isTTY)
}

/** Standard output as a web WritableStream of bytes; closing it does not close the process's stdout. */
export function stdoutWritable(): WritableStream<Uint8Array> {
  if (g.Deno) {
    const w: WritableStream<Uint8Array> = g.Deno.stdout.writable
    const writer = w.getWriter()
    return new WritableStream<Uint8Array>({
      write: (chunk) => writer.write(chunk),
      close: () => writer.releaseLock(),
      abort: () => writer.releaseLock(),
    })
  }
  return nodeWritableToWeb(process.stdout)
}

/** Standard error as a web WritableStream of bytes. */
export function stderrWritable(): WritableStream<Uint8Array> {
  return nodeWritableToWeb(process.stderr)
}

/** Writes text to standard error without waiting. */
export function writeStderr(text: string): void {
  process.stderr.write(text)
}

function nodeWritableToWeb(stream: NodeJS.WriteStream): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    write(chunk) {
      return new Promise<void>((resolve, reject) => {
        stream.write(chunk, (err) => (err ? reject(err) : resolve()))
      })
    },
  })
}

/** Wraps a node Writable so code outside this module never touches node streams. */
export function toWebWritable(stream: Writable): WritableStream<Uint8Array> {
  return Writable.toWeb(stream) as WritableStream<Uint8Array>
}

/** Stops the process from exiting with an unhandled-rejection crash for an EPIPE on stdout. */
export function ignoreBrokenPipe(): void {
  process.stdout.on?.('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0)
  })
}

/** Calls `handler` on Ctrl-C (SIGINT); a second Ctrl-C exits at once with code 130. */
export function onInterrupt(handler: () => void): void {
  let interrupted = false
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130)
    interrupted = true
    handler()
  })
}
