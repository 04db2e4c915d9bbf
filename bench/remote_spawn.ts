/**
 * Child processes of the remote benchmark: the test server (started once per data set and
 * stopped by its own handle), each wbx case under Deno, Bun or Node, and each SDK case under
 * Python with its own empty wandb folders.
 *
 * @module
 */
import { sdkEnv } from '../tests/_python.ts'
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { runtimeName } from '../src/runtime.ts'
import type { RemoteResult, ServerReady } from './remote_common.ts'

/** The repository root. */
export const ROOT: string = fileURLToPath(new URL('..', import.meta.url))
const BENCH = join(ROOT, 'bench')

/** The executable of a runtime: this process for the current one, else `.tools`, else PATH. */
export function executable(runtime: string): string {
  if (runtime === runtimeName) return process.execPath
  for (const dir of ['.tools/node_modules/.bin', 'node_modules/.bin']) {
    const local = join(ROOT, dir, runtime)
    if (existsSync(local)) return local
  }
  return runtime
}

/** Node 20 cannot run TypeScript: bundles a bench script to JavaScript with `bun build` first. */
function nodeBundle(script: string, outDir: string): string {
  const out = join(outDir, script.replace(/\.ts$/, '.node.mjs'))
  const built = spawnSync(
    executable('bun'),
    ['build', join(BENCH, script), '--target=node', `--outfile=${out}`],
    { encoding: 'utf8' },
  )
  if (built.status !== 0) {
    throw new Error(`Cannot bundle bench/${script} for Node with bun build:\n${built.stderr}`)
  }
  return out
}

/** The command line that runs a bench script under a runtime (Node gets a bundle in `outDir`). */
export function scriptCommand(runtime: string, script: string, outDir: string): string[] {
  if (runtime === 'deno') return [executable('deno'), 'run', '-A', join(BENCH, script)]
  if (runtime === 'bun') return [executable('bun'), join(BENCH, script)]
  return [executable('node'), nodeBundle(script, outDir)]
}

/** A running benchmark server. */
export interface ServerHandle {
  /** What the server printed once ready. */
  ready: ServerReady
  /** Sends SIGTERM to this server process and waits for it to exit. */
  stop(): Promise<void>
}

/**
 * Starts `remote_server.ts` under Deno with the given run specs (and request latency) and waits
 * for its ready line.
 */
export function startServer(specs: string[], latencyMs = 0): Promise<ServerHandle> {
  const command = scriptCommand('deno', 'remote_server.ts', '')
  const args = [...command.slice(1), '--latency', String(latencyMs), ...specs]
  const child: ChildProcess = spawn(command[0], args, {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    child.once('exit', (code, signal) =>
      reject(
        new Error(
          `Cannot start the benchmark server (${specs.join(' ')}): it exited with ${
            code ?? signal
          }`,
        ),
      ))
    lines.once('line', (line) => {
      lines.close()
      child.stdout!.resume()
      resolve({
        ready: JSON.parse(line) as ServerReady,
        stop: () => {
          child.kill('SIGTERM')
          return exited
        },
      })
    })
  })
}

/** A case that did not finish: the reason instead of a result. */
export interface CaseFailure {
  /** Case name. */
  case: string
  /** Runtime it ran under. */
  runtime: string
  /** Exit status, signal or timeout, with the end of stderr. */
  error: string
}

/** Runs a child to completion and parses its last stdout line as a RemoteResult. */
function runJsonChild(
  name: string,
  runtime: string,
  command: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs: number },
): (RemoteResult & { wallMs: number }) | CaseFailure {
  const t = performance.now()
  const run = spawnSync(command[0], command.slice(1), {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    env: options.env,
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
  })
  const wallMs = performance.now() - t
  if (run.status !== 0) {
    const why = run.error?.message ?? `exit ${run.status ?? run.signal}`
    return { case: name, runtime, error: `${why}: ${run.stderr?.slice(-1500) ?? ''}` }
  }
  return { ...JSON.parse(run.stdout.trim().split('\n').pop()!), wallMs }
}

/** What every case is given: the server and the two runs of the data set. */
export interface CaseTarget {
  /** The server. */
  ready: ServerReady
  /** Path of the exported run. */
  exported: string
  /** Path of the unexported copy. */
  graphql: string
  /** Scratch folder parent (outputs are removed after each case). */
  scratch: string
  /** Longest a case may run, in milliseconds. */
  timeoutMs: number
}

/** Runs one wbx case in its own process. */
export function runWbxCase(
  name: string,
  command: string[],
  runtime: string,
  target: CaseTarget,
): (RemoteResult & { wallMs: number }) | CaseFailure {
  const { ready, exported, graphql, scratch, timeoutMs } = target
  const args = [name, ready.baseUrl, ready.apiKey, exported, graphql, scratch]
  return runJsonChild(name, runtime, [...command, ...args], { timeoutMs })
}

/** Runs one SDK case in its own Python process, with empty wandb folders (cold export cache). */
export function runSdkCase(
  name: string,
  python: string,
  target: CaseTarget,
): (RemoteResult & { wallMs: number }) | CaseFailure {
  const { ready, exported, graphql, scratch, timeoutMs } = target
  mkdirSync(scratch, { recursive: true })
  const dir = mkdtempSync(join(scratch, 'wbx-sdk-'))
  const env = sdkEnv(dir)
  const script = join(BENCH, 'remote_sdk.py')
  const args = [script, name, ready.baseUrl, ready.apiKey, exported, graphql, dir]
  try {
    return runJsonChild(name, 'python', [python, ...args], { env, timeoutMs })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
