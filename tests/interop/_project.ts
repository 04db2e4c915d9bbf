/**
 * The interop project: runs logged offline by the released `wandb` package (see
 * `make_project.py`), exported with the `wbx` CLI, then a run added and the same command run
 * again (an incremental rerun). Readers are driven through `readers.py`.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import type { Manifest } from '../../src/bulk/manifest.ts'
import { flattenRow } from '../../src/export/flatten.ts'
import type { Row } from '../../src/row.ts'
import { sdkEnv, wandbPython } from '../_python.ts'
import { runCli } from '../cli/_run_cli.ts'

const HERE = fileURLToPath(new URL('.', import.meta.url))

/** What the generator logged for one run. */
export interface LoggedRun {
  /** History rows by step, flattened like the export's columns. */
  history: Row[]
  /** Config as given to `wandb.init`. */
  config: Row
  /** Tags. */
  tags: string[]
}

/** Python modules each reader needs, probed once. */
function probe(modules: string): boolean {
  if (!wandbPython) return false
  return spawnSync(wandbPython, ['-c', `import ${modules}`], { encoding: 'utf8' }).status === 0
}

/**
 * A node:test `skip` value for tests that need `modules` (and the wandb SDK); with
 * `WBX_REQUIRE_READERS=1` (CI) nothing is skipped, so a missing reader fails the test.
 */
export function skipWithout(modules: string): string | false {
  if (process.env.WBX_REQUIRE_READERS === '1') return false
  if (!wandbPython) {
    return 'Python with the wandb package not found (set WBX_PYTHON); CI installs it'
  }
  return probe(modules)
    ? false
    : `Python modules ${modules} not found (pip install -r tests/requirements.txt); CI installs them`
}

/** A temporary folder and its cleanup. */
export function tempFolder(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-interop-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Logs phase 1 or 2 of the project into `dir/wandb` and returns what was logged per run. */
export function logPhase(dir: string, phase: 1 | 2): Record<string, LoggedRun> {
  const r = spawnSync(wandbPython!, [join(HERE, 'make_project.py'), dir, String(phase)], {
    encoding: 'utf8',
    env: { ...sdkEnv(dir), WANDB_DISABLE_GIT: 'true', WANDB_MODE: 'offline' },
    timeout: 120_000,
  })
  if (r.status !== 0) throw new Error(`make_project.py phase ${phase} failed: ${r.stderr}`)
  const line = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!
  const logged = JSON.parse(line) as Record<string, LoggedRun>
  for (const run of Object.values(logged)) {
    run.history = run.history.map((row) => ({ ...flattenRow(row) }))
  }
  return logged
}

/** The project exported with `wbx export`, then grown by one run and exported again. */
export async function buildDataset(
  dir: string,
): Promise<{ out: string; logged: Record<string, LoggedRun> }> {
  const logged = logPhase(dir, 1)
  const out = join(dir, 'ds')
  const first = await runCli(['export', join(dir, 'wandb'), '--out', out])
  if (first.code !== 0) throw new Error(`wbx export failed: ${first.stderr}`)
  Object.assign(logged, logPhase(dir, 2))
  const second = await runCli(['export', join(dir, 'wandb'), '--out', out])
  if (second.code !== 0) throw new Error(`wbx export (rerun) failed: ${second.stderr}`)
  return { out, logged }
}

/** What one reader saw. */
export interface ReaderView {
  /** Column types as the reader names them. */
  types: Record<string, string>
  /** Rows, values made JSON-safe. */
  rows: Row[]
}

/** Opens `path` with a reader of `readers.py`; `jsonColumns` are decoded from their JSON text. */
export function readWith(reader: string, path: string, jsonColumns: string[] = []): ReaderView {
  const r = spawnSync(
    wandbPython!,
    [join(HERE, 'readers.py'), reader, path, jsonColumns.join(',')],
    {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      timeout: 300_000,
    },
  )
  if (r.status !== 0) throw new Error(`${reader} could not read ${path}: ${r.stderr.slice(-2000)}`)
  return JSON.parse(r.stdout)
}

/** Reads an export folder with Spark (`spark_reader.py`: one Spark start for both tables). */
export function readWithSpark(
  path: string,
  jsonColumns: string[],
): { history: ReaderView; runs: ReaderView } {
  const r = spawnSync(wandbPython!, [join(HERE, 'spark_reader.py'), path, jsonColumns.join(',')], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: 600_000,
  })
  if (r.status !== 0) throw new Error(`Spark could not read ${path}: ${r.stderr.slice(-3000)}`)
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!)
}

/** The JSON-typed history columns of an export, from its manifest. */
export function jsonColumnsOf(out: string): string[] {
  const manifest = JSON.parse(readFileSync(join(out, 'wbx-manifest.json'), 'utf8')) as Manifest
  const types = manifest.historySchema!.types
  return Object.keys(types).filter((k) => types[k] === 'json')
}

/** JSON text with object keys sorted, so values compare regardless of key order. */
export function canon(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
        : v,
  )
}

/**
 * Every logged key of every run's step, compared with what a reader saw (rows matched by
 * `run_id` and `_step`): returns the differences as `run/step/key: expected != seen` lines.
 * `textColumns` compare as text (a CSV column mixing numbers and strings reads as strings).
 */
export function differences(
  logged: Record<string, LoggedRun>,
  view: ReaderView,
  textColumns: string[] = [],
): string[] {
  const seen = new Map<string, Row>()
  for (const row of view.rows) seen.set(`${row.run_id}/${row._step}`, row)
  const out: string[] = []
  for (const [id, run] of Object.entries(logged)) {
    run.history.forEach((row, step) => {
      const got = seen.get(`${id}/${step}`)
      if (!got) {
        out.push(`${id}/${step}: row missing`)
        return
      }
      for (const [key, value] of Object.entries(row)) {
        if (!(key in got)) out.push(`${id}/${step}/${key}: column missing`)
        else if (
          textColumns.includes(key)
            ? String(got[key]) !== String(value)
            : canon(got[key]) !== canon(value)
        ) {
          out.push(`${id}/${step}/${key}: ${JSON.stringify(value)} != ${JSON.stringify(got[key])}`)
        }
      }
    })
  }
  return out
}
