/**
 * Starts the official SDK logging a run slowly in a subprocess (`follow_writer.py`), offline into
 * a folder or online into the test server, for the follow tests and bench.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { sdkEnv, wandbPython } from '../_python.ts'

/** What the writer is asked to log. */
export interface WriterOptions {
  mode: 'offline' | 'online'
  id: string
  steps: number
  sleepS: number
  /** Bytes of the `pad` string each step logs. @default 10 */
  pad?: number
  /** SIGKILL the writer's process group right after this step. */
  killAt?: number
  /** Resume `id` (`resume="must"`), continuing after its last step. */
  resume?: boolean
  /** WANDB_DIR (and cwd) of the writer. */
  dir: string
  /** Test server to log into (online). */
  server?: { baseUrl: string; apiKey: string }
  /** wandb-core's `.wandb` flush interval in seconds. @default 0.2 */
  flushS?: number
}

/** A running writer. */
export interface Writer {
  proc: ChildProcess
  /** The run folder (`.../wandb/offline-run-…` or `run-…`), once wandb.init returned. */
  folder: Promise<string>
  /** `[step, unix seconds]` for every `run.log` that returned. */
  logged: [number, number][]
  /** Called with each step as it is logged. */
  onLogged?: (step: number, time: number) => void
  /** Resolves when the process ended, with its exit code (null when killed) and output. */
  done: Promise<{ code: number | null; signal: string | null; stderr: string }>
}

const script = fileURLToPath(new URL('./follow_writer.py', import.meta.url))

/** Spawns the writer in its own process group (a SIGKILL at `killAt` takes wandb-core with it). */
export function startWriter(options: WriterOptions): Writer {
  const extra: Record<string, string> = {
    WANDB_ERROR_REPORTING: 'false',
    WANDB_DISABLE_GIT: 'true',
    FOLLOW_FLUSH_S: String(options.flushS ?? 0.2),
  }
  if (options.server) {
    extra.WANDB_BASE_URL = options.server.baseUrl
    extra.WANDB_API_KEY = options.server.apiKey
    extra.WANDB_ENTITY = 'test-entity'
  }
  const env = sdkEnv(options.dir, extra)
  delete env.WANDB_MODE
  delete env.WANDB_PROJECT
  const proc = spawn(wandbPython!, [
    script,
    options.mode,
    options.id,
    String(options.steps),
    String(options.sleepS),
    String(options.pad ?? 10),
    options.killAt === undefined ? '-' : String(options.killAt),
    options.resume ? '1' : '0',
  ], { env, cwd: options.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  const writer: Writer = {
    proc,
    logged: [],
    folder: undefined as unknown as Promise<string>,
    done: undefined as unknown as Writer['done'],
  }
  let stderr = ''
  let setFolder: (f: string) => void = () => {}
  let failFolder: (e: Error) => void = () => {}
  writer.folder = new Promise<string>((resolve, reject) => {
    setFolder = resolve
    failFolder = reject
  })
  writer.folder.catch(() => {})
  let pending = ''
  proc.stdout!.setEncoding('utf8')
  proc.stdout!.on('data', (text: string) => {
    pending += text
    let nl
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl)
      pending = pending.slice(nl + 1)
      const [tag, a, b] = line.split(' ')
      if (tag === 'FOLDER') setFolder(a)
      else if (tag === 'LOGGED') {
        writer.logged.push([Number(a), Number(b)])
        writer.onLogged?.(Number(a), Number(b))
      }
    }
  })
  proc.stderr!.setEncoding('utf8')
  proc.stderr!.on('data', (t: string) => (stderr = (stderr + t).slice(-8000)))
  writer.done = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      failFolder(
        new Error(`the SDK writer exited (${code ?? signal}) before wandb.init:\n${stderr}`),
      )
      resolve({ code, signal, stderr })
    })
  })
  return writer
}

/** Kills a writer's process group if it is still running (test clean-up). */
export function stopWriter(writer: Writer): void {
  try {
    if (writer.proc.exitCode === null && writer.proc.pid) process.kill(-writer.proc.pid, 'SIGKILL')
  } catch {
    // already gone
  }
}
