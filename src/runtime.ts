/**
 * Every difference between Deno, Bun and Node lives here; the rest of wbx imports from this module.
 *
 * @module
 */
import process from 'node:process'
import * as zlib from 'node:zlib'
import { Buffer } from 'node:buffer'
import { type ClientRequest, request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { Readable, Writable } from 'node:stream'
import { isMainThread, parentPort, Worker } from 'node:worker_threads'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

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

/**
 * Shows `prompt` on stderr and reads one line from the terminal without echoing it (for API
 * keys): raw mode is on before the prompt shows, Enter ends the line, Backspace edits, Ctrl-C or
 * Ctrl-D gives undefined. Needs stdin to be a terminal.
 */
export function readSecretLine(prompt: string): Promise<string | undefined> {
  const stdin = process.stdin
  return new Promise((resolve, reject) => {
    let text = ''
    const done = (value: string | undefined, err?: unknown): void => {
      stdin.off('data', onData)
      stdin.setRawMode?.(false)
      stdin.pause()
      process.stderr.write('\n')
      if (err) reject(err)
      else resolve(value)
    }
    const onData = (chunk: string | Uint8Array): void => {
      const chars = typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk)
      for (const ch of chars) {
        if (ch === '\r' || ch === '\n') return done(text)
        if (ch === '\x03' || ch === '\x04') return done(undefined)
        if (ch === '\x7f' || ch === '\b') text = text.slice(0, -1)
        else if (ch >= ' ') text += ch
      }
    }
    try {
      stdin.setRawMode?.(true)
    } catch (err) {
      return reject(err)
    }
    stdin.on('data', onData)
    stdin.resume()
    process.stderr.write(prompt)
  })
}

/** Whether standard output is an interactive terminal. */
export function isStdoutTTY(): boolean {
  return Boolean(process.stdout.isTTY)
}

/** Columns of the terminal standard output is, or undefined when it is not one. */
export function stdoutColumns(): number | undefined {
  const columns = process.stdout.columns
  return typeof columns === 'number' && columns > 0 ? columns : undefined
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

/**
 * Whether an error (or its cause) is a write to a closed pipe: Deno's `BrokenPipe`, Node's and
 * Bun's `EPIPE`. `wbx … | head -1` ends that way and is not a failure.
 */
export function isBrokenPipe(err: unknown): boolean {
  let current: unknown = err
  for (let depth = 0; current !== null && typeof current === 'object' && depth < 4; depth++) {
    const e = current as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown }
    if (e.name === 'BrokenPipe' || e.code === 'EPIPE') return true
    if (typeof e.message === 'string' && /broken pipe|EPIPE/i.test(e.message)) return true
    current = e.cause
  }
  return false
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

/**
 * A fetch for streamed uploads that keeps the `content-length` header. Deno's fetch drops it for a
 * stream body and sends the bytes chunked, which S3 presigned PUTs refuse (411
 * MissingContentLength), so under Deno requests go through `node:http`/`node:https`; elsewhere
 * this is the global fetch.
 */
export const uploadFetch: typeof fetch = g.Deno
  ? nodeHttpFetch
  : (input, init) => fetch(input, init)

/** A minimal fetch over node:http(s): streams a ReadableStream body with the caller's headers. */
function nodeHttpFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : String(input))
  const headers: Record<string, string> = {}
  new Headers(init.headers).forEach((value, key) => (headers[key] = value))
  return new Promise<Response>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const req = send(url, {
      method: init.method ?? 'GET',
      headers,
      signal: init.signal ?? undefined,
    }, (res) => {
      const responseHeaders = new Headers()
      for (const [key, value] of Object.entries(res.headers)) {
        if (value !== undefined) {
          responseHeaders.set(key, Array.isArray(value) ? value.join(', ') : value)
        }
      }
      const status = res.statusCode ?? 0
      const nullBody = status === 204 || status === 304 || init.method === 'HEAD'
      if (nullBody) res.resume()
      resolve(
        new Response(
          nullBody ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>),
          {
            status,
            statusText: res.statusMessage,
            headers: responseHeaders,
          },
        ),
      )
    })
    req.on('error', reject)
    const body = init.body
    if (body instanceof ReadableStream) void pumpBody(body, req)
    else if (body === undefined || body === null) req.end()
    else if (body instanceof Uint8Array || typeof body === 'string') req.end(body)
    else {
      req.destroy()
      reject(new TypeError('uploadFetch sends only ReadableStream, Uint8Array or string bodies'))
    }
  })
}

/** Writes a web stream into a node request, honouring its backpressure. */
async function pumpBody(body: ReadableStream<Uint8Array>, req: ClientRequest): Promise<void> {
  const reader = body.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (!req.write(value)) await new Promise<void>((resolve) => req.once('drain', resolve))
    }
    req.end()
  } catch (err) {
    req.destroy(err as Error)
  }
}

/**
 * zlib's CRC-32 (`zlib.crc32(data, seed)`) where the runtime has it (Deno, Bun, Node ≥ 22.2; 6–10×
 * the JavaScript tables on 32 KiB blocks), else undefined.
 */
export const nativeCrc32: ((data: Uint8Array, seed?: number) => number) | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function'
    ? (zlib as unknown as { crc32(data: Uint8Array, seed?: number): number }).crc32
    : undefined

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string
const latin1Slice = (Buffer.prototype as unknown as { latin1Slice?: Latin1Slice }).latin1Slice

/**
 * Text of bytes `buf[start, end)` with one character per byte (Latin-1; callers check that the
 * bytes are ASCII), through the runtime's native Buffer code (about twice `String.fromCharCode` on
 * Deno, Bun and Node 22+), else undefined.
 */
export const latin1Text: ((buf: Uint8Array, start: number, end: number) => string) | undefined =
  typeof latin1Slice === 'function'
    ? (buf, start, end) => latin1Slice.call(buf, start, end)
    : undefined

/**
 * `size` bytes that are not zero-filled, in an ArrayBuffer of their own at offset 0 (so typed
 * views of any element size fit), through `Buffer.allocUnsafeSlow` (Deno's may zero-fill them
 * anyway). Callers write every byte before reading it.
 */
export function allocUnsafe(size: number): Uint8Array {
  return Buffer.allocUnsafeSlow(size)
}

/** `size` float64 slots that are not zero-filled, over {@linkcode allocUnsafe}'s own buffer. */
export function allocUnsafeFloats(size: number): Float64Array {
  const bytes = allocUnsafe(size * 8)
  return new Float64Array(bytes.buffer, bytes.byteOffset, size)
}

/** The resident set size of the process, in bytes (about 10 µs on Deno, Bun and Node). */
export function residentBytes(): number {
  return process.memoryUsage.rss()
}

let v8Gc: ((options?: { type: string; flavor: string }) => void) | null | undefined

/**
 * Runs a full garbage collection that gives freed memory back to the system now, and says whether
 * it could: `Bun.gc(true)` on Bun; on Deno and Node, V8's `gc` in its last-resort flavor, taken
 * from a fresh context once `--expose-gc` is set (only that context sees it, not the program's
 * global scope).
 */
export function collectGarbage(): boolean {
  if (g.Bun) {
    g.Bun.gc(true)
    return true
  }
  if (v8Gc === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      const found = runInNewContext('gc')
      v8Gc = typeof found === 'function' ? found : null
    } catch {
      v8Gc = null
    }
  }
  if (!v8Gc) return false
  // The last-resort flavor also compacts and gives the freed pages back to the system (Node's
  // plain `gc()` frees them for the heap's reuse only, so the resident size stays); Deno's `gc`
  // does this whatever it is asked.
  v8Gc({ type: 'major', flavor: 'last-resort' })
  return true
}

let mallocTrim: (() => void) | null | undefined

/**
 * Asks glibc to give the free memory in its arenas back to the system (`malloc_trim(0)`), and says
 * whether it could: on Deno on Linux, through FFI, when `--allow-ffi` (or `-A`) is granted. The
 * runtime's ArrayBuffers live in malloc's memory, and glibc keeps what they free inside its heaps
 * (it returns only a free top); in the middle of a 5,000-run export, one trim took the process from
 * 509 to 414 MB (`bench/README.md`, "Decoded columns given back"). Bun allocates with mimalloc, and
 * Node offers no FFI: there it does nothing.
 */
export function trimNativeHeap(): boolean {
  const trim = mallocTrimmer()
  if (!trim) return false
  trim()
  return true
}

/**
 * Whether the memory this process frees stays in its resident size until it is reused: on Node,
 * and on Deno where it cannot trim ({@linkcode trimNativeHeap}), ArrayBuffers live in glibc's
 * heaps, which keep what was freed; Bun's mimalloc gives it back by itself.
 */
export function keepsFreedMemory(): boolean {
  return !g.Bun && mallocTrimmer() === null
}

/** `malloc_trim(0)` of this process, opened on first use (null where it is not to be had). */
function mallocTrimmer(): (() => void) | null {
  if (mallocTrim === undefined) mallocTrim = openMallocTrim()
  return mallocTrim
}

/** `malloc_trim(0)` of this process's glibc through Deno's FFI, or null where it is not to be had. */
function openMallocTrim(): (() => void) | null {
  const deno = g.Deno
  if (!deno?.dlopen || deno.build?.os !== 'linux' || deno.build?.env !== 'gnu') return null
  try {
    if (deno.permissions.querySync({ name: 'ffi' }).state !== 'granted') return null
    const lib = deno.dlopen('libc.so.6', { malloc_trim: { parameters: ['usize'], result: 'i32' } })
    return () => void lib.symbols.malloc_trim(0)
  } catch {
    return null
  }
}

/** The growth factor last set by {@linkcode capYoungGeneration} (V8's default is 2). */
let youngGrowth = 2

/**
 * Keeps V8's young generation (its new space) within about `bytes` on Node, and says whether it
 * could. Node 24 lets it grow to two 64 MiB semi-spaces on a 23 GiB machine, and a busy export
 * keeps both resident (`bench/README.md`, "Node's young generation capped"). V8 reads
 * `--max-semi-space-size` only when it makes a heap, but `--semi-space-growth-factor` at every
 * growth: this sets that so the next growth lands within `bytes`, and to 1 (no growth) once
 * there; call it again as the heap changes (the memory watch does, at every check). The flag is
 * the process's, so the encoder workers' young generations stop growing too. Deno's V8 did not
 * follow the flag (its young generation stayed at 64 MiB, half Node's), and Bun is not V8: both
 * are left as they are.
 */
export function capYoungGeneration(bytes: number): boolean {
  if (runtimeName !== 'node') return false
  const size = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size
  if (!size) return false
  setYoungGrowth(size >= bytes ? 1 : Math.max(1, Math.floor(bytes / size)))
  return true
}

/** Lets V8's young generation grow as it would have (V8's factor, 2) after {@linkcode capYoungGeneration}. */
export function uncapYoungGeneration(): void {
  if (runtimeName === 'node') setYoungGrowth(2)
}

/** Sets `--semi-space-growth-factor` when it changes. */
function setYoungGrowth(growth: number): void {
  if (growth === youngGrowth) return
  setFlagsFromString(`--semi-space-growth-factor=${growth}`)
  youngGrowth = growth
}

/**
 * Whether this is a `bun build --compile` binary, whose bundle holds no worker module to start
 * (`startWorker` callers then stay on the main thread).
 */
export const isCompiledBinary: boolean = import.meta.url.includes('/$bunfs/')

/** A worker thread as wbx uses it: messages both ways, and whether it keeps the process alive. */
export interface WorkerThread {
  /** Sends a message, moving the `transfer` buffers instead of copying them. */
  post(message: unknown, transfer?: ArrayBuffer[]): void
  /** Called with each message from the worker. */
  onMessage(handler: (message: unknown) => void): void
  /** Called once if the worker fails or exits. */
  onExit(handler: (error: Error) => void): void
  /** Whether the worker keeps the process alive (while work is pending). */
  keepAlive(on: boolean): void
  /** Stops the worker. */
  terminate(): Promise<void>
}

/**
 * Starts the module at `url` in a worker thread. Deno, Bun and Node all provide
 * `node:worker_threads`, so this is one code path; the worker starts without keeping the
 * process alive.
 */
export function startWorker(url: URL): WorkerThread {
  const worker = new Worker(url)
  worker.unref()
  let exited: ((error: Error) => void) | undefined
  let reported = false
  const report = (error: Error): void => {
    if (reported) return
    reported = true
    exited?.(error)
  }
  worker.on('error', (err: unknown) => report(err instanceof Error ? err : new Error(String(err))))
  worker.on('exit', (code: number) => report(new Error(`the worker exited with code ${code}`)))
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (handler) => void worker.on('message', handler),
    onExit: (handler) => void (exited = handler),
    keepAlive: (on) => void (on ? worker.ref() : worker.unref()),
    terminate: async () => {
      reported = true
      await worker.terminate()
    },
  }
}

/** The parent of this worker thread (post to it, hear from it), or undefined on the main thread. */
export function parentThread():
  | {
    post(message: unknown, transfer?: ArrayBuffer[]): void
    onMessage(handler: (message: unknown) => void): void
  }
  | undefined {
  if (isMainThread || !parentPort) return undefined
  const port = parentPort
  return {
    post: (message, transfer) => port.postMessage(message, transfer),
    onMessage: (handler) => void port.on('message', handler),
  }
}
