/**
 * Measuring one client against the limited test server for `moonshot.bench.ts`: the request
 * counts the server logged while it ran, the floor a rate limit sets, and a child process's wall,
 * CPU and peak RSS (GNU `time`, so the figures are the child's own).
 *
 * @module
 */
import { spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import type { RequestLogEntry } from '../tests/server/request_log.ts'

/** What the server saw while one client ran. */
export interface RequestStats {
  /** API-origin requests, refused ones included. */
  api: number
  /** API-origin requests refused with 429 by the rate limit. */
  refused: number
  /** Storage-origin requests (signed URLs; not rate limited). */
  storage: number
  /** API requests by GraphQL operation (or `GET /files` for redirects). */
  byOperation: Record<string, number>
}

/** Counts the logged requests. */
export function requestStats(entries: readonly RequestLogEntry[]): RequestStats {
  const stats: RequestStats = { api: 0, refused: 0, storage: 0, byOperation: {} }
  for (const e of entries) {
    if (e.origin === 'files') {
      stats.storage++
      continue
    }
    stats.api++
    if (e.rateLimited) stats.refused++
    const name = e.operation || `${e.method} ${e.path.split('/').slice(0, 2).join('/')}`
    stats.byOperation[name] = (stats.byOperation[name] ?? 0) + 1
  }
  return stats
}

/** The rate limit a run is measured under. */
export interface Limit {
  /** Requests per second. */
  rate: number
  /** Burst. */
  burst: number
}

/**
 * The fewest rate-limited requests a bulk export of `runs` runs needs under today's contract,
 * as the SDK's queries allow it: the listing pages (`perPage` runs each, with keys and config
 * and summary on the page) plus one `parquetHistory` request per run for its signed export URLs
 * (downloads go to storage, which is not limited).
 */
export function minimumRequests(runs: number, perPage = 50): number {
  return Math.ceil(runs / perPage) + runs
}

/** Seconds the limit needs for `requests` requests: the burst is free, the rest come at `rate`. */
export function floorSeconds(requests: number, limit: Limit): number {
  return Math.max(0, requests - limit.burst) / limit.rate
}

/** Share of the limit used: allowed requests ÷ (rate × wall). */
export function utilisation(allowed: number, limit: Limit, wallMs: number): number {
  return allowed / (limit.rate * (wallMs / 1000))
}

/**
 * The wall a pool of `threads` workers would need for `runs` runs, from a sample of `sample`
 * runs that took `sampleMs`: the runs go in waves of `threads`, each as long as the sample's
 * waves were on average (a sample smaller than the pool is one wave).
 */
export function extrapolateWall(
  sampleMs: number,
  sample: number,
  runs: number,
  threads: number,
): number {
  return (sampleMs * Math.ceil(runs / threads)) / Math.ceil(sample / threads)
}

/** A finished child: exit code, wall, CPU and peak RSS, and the end of its stderr. */
export interface ChildMeasure {
  code: number | null
  wallMs: number
  cpuMs: number
  peakRssMb: number
  stdout: string
  stderr: string
}

/**
 * Runs a command under GNU `time` without blocking this process (the in-process server keeps
 * answering) and returns what it used.
 */
export function measureChild(
  command: string[],
  env: Record<string, string | undefined>,
  timeFile: string,
): Promise<ChildMeasure> {
  const t0 = performance.now()
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, ...command], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-1_000_000)))
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)))
  return new Promise((resolve, reject) => {
    child.once(
      'error',
      (err) => reject(new Error(`Cannot run ${command[0]} under /usr/bin/time: ${err.message}`)),
    )
    child.once('exit', (code) => {
      const wallMs = performance.now() - t0
      let fields: number[] = [NaN, NaN, NaN]
      try {
        fields = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number)
        rmSync(timeFile, { force: true })
      } catch { /* reported as NaN */ }
      resolve({
        code,
        wallMs,
        cpuMs: (fields[0] + fields[1]) * 1000,
        peakRssMb: fields[2] / 1024,
        stdout,
        stderr,
      })
    })
  })
}
