/**
 * Runs a Python script that uses the official SDK against a test server in this process, and says
 * what the SDK was doing when it fails: a watchdog (Python's faulthandler) prints every thread's
 * stack before the time limit, and the error adds the server's last requests and the tail of
 * wandb-core's debug log. An SDK that hangs is run once more (said on stderr), since a hung
 * referee says nothing about wbx; a wrong answer is never retried. Scripts read through the public
 * API only (no `wandb.init`, so nothing is left for exit handlers to finish): once one returns, its
 * output is flushed and Python exits at once, skipping the SDK's exit-time wait for wandb-core,
 * which hung in CI twice in a row after a script had served its answer.
 */
import { execFile } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import process from 'node:process'
import { sdkEnv, wandbPython } from './_python.ts'
import type { TestServer } from './server/test_server.ts'

/** Options of {@linkcode runSdkScript}. */
export interface SdkScriptOptions {
  /** The folder the SDK keeps its run, cache and config in (see `sdkEnv`). */
  dir: string
  /** The server the script talks to, for its request log in errors. */
  server?: TestServer
  /** Time the script may take before the watchdog stops it, in ms. @default 75000 */
  timeoutMs?: number
  /** Largest stdout kept, in bytes. @default 64 MiB */
  maxBuffer?: number
  /** Extra environment. */
  env?: Record<string, string>
}

/** How faulthandler's `dump_traceback_later` output begins (`Timeout (0:01:10)!`). */
const WATCHDOG_MARK = 'Timeout ('

/** The script's stdout; rejects naming the script with its stderr, the server's requests and wandb-core's log. */
export async function runSdkScript(
  script: string,
  args: string[],
  options: SdkScriptOptions,
): Promise<string> {
  const first = await runOnce(script, args, options)
  if (first.ok) return first.stdout
  if (!first.hung) throw new Error(await describeFailure(script, first, options))
  process.stderr.write(
    `note: ${script} hung (watchdog fired); running it once more. First attempt:\n${await describeFailure(
      script,
      first,
      options,
    )}\n`,
  )
  const second = await runOnce(script, args, options)
  if (second.ok) return second.stdout
  throw new Error(await describeFailure(script, second, options))
}

interface Attempt {
  ok: boolean
  hung: boolean
  stdout: string
  stderr: string
  message: string
}

/** One run of the script under the watchdog. */
function runOnce(script: string, args: string[], options: SdkScriptOptions): Promise<Attempt> {
  const timeoutMs = options.timeoutMs ?? 75_000
  const watchdog = Math.max(1, Math.floor(timeoutMs / 1000) - 5)
  const boot = [
    'import faulthandler, os, runpy, sys',
    `faulthandler.dump_traceback_later(${watchdog}, exit=True)`,
    'sys.argv = sys.argv[1:]',
    "runpy.run_path(sys.argv[0], run_name='__main__')",
    'sys.stdout.flush()',
    'sys.stderr.flush()',
    'os._exit(0)',
  ].join('; ')
  return new Promise((resolve) => {
    execFile(
      wandbPython!,
      ['-c', boot, script, ...args],
      {
        env: sdkEnv(options.dir, options.env),
        maxBuffer: options.maxBuffer ?? 64 * 1024 * 1024,
        timeout: timeoutMs,
      },
      (err, stdout, stderr) => {
        resolve({
          ok: !err,
          hung: Boolean(err) && (stderr.includes(WATCHDOG_MARK) || err?.killed === true),
          stdout,
          stderr,
          message: err?.message ?? '',
        })
      },
    )
  })
}

/** The failure with its stderr tail, the server's last requests and wandb-core's debug log tail. */
async function describeFailure(
  script: string,
  attempt: Attempt,
  options: SdkScriptOptions,
): Promise<string> {
  const parts = [`${script} failed: ${attempt.message}`, `stderr:\n${attempt.stderr.slice(-4000)}`]
  if (options.server) {
    const last = options.server.requests.slice(-15).map((r) =>
      `${r.seq} ${r.origin} ${r.method} ${r.operation ?? r.path} → ${r.status} at ${
        new Date(r.receivedAt).toISOString()
      }`
    )
    parts.push(`last requests the server saw:\n${last.join('\n') || '(none)'}`)
  }
  parts.push(`wandb-core log:\n${await coreLogTail(options.dir)}`)
  return parts.join('\n')
}

/** The last lines of the newest wandb-core debug log under the SDK's cache folder. */
async function coreLogTail(dir: string): Promise<string> {
  const logs = join(dir, 'cache', 'wandb', 'logs')
  const names = await readdir(logs).catch(() => [] as string[])
  const newest = names.filter((n) => n.startsWith('core-debug')).sort().at(-1)
  if (newest === undefined) return `(no core-debug log in ${logs})`
  const text = await readFile(join(logs, newest), 'utf8')
  return text.split('\n').slice(-25).join('\n')
}
