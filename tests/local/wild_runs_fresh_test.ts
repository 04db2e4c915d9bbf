/**
 * The fresh half of the wild-runs conformance: runs logged now with the released SDK (wandb 0.31,
 * wandb-core; and the legacy Python writer of SDK 0.20 when `WBX_LEGACY_PYTHON` has it) into the
 * wbx test server, online, so the SDK writes `files/config.yaml`, `files/wandb-summary.json` and
 * `files/output.log` beside the log. wbx's reading of the log must equal those files: summary
 * with `_wandb.runtime` (item 1), config with the `_wandb` the SDK composes (item 2) and console
 * lines (item 4, wandb-core's line model: the example, padding spaces, `\r`, `ESC[A`).
 * Item 3 (legacy `output` records) needs SDK 0.10–0.12, which only the wild-runs corpus has.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { LocalRun } from '../../src/local/local_run.ts'
import { consoleText } from '../../src/local/console_stream.ts'
import { parseJson } from '../../src/json/parse_json.ts'
import type { Row } from '../../src/row.ts'
import { metricOrderFree } from './_metric_order.ts'
import { sdkEnv, skipWithoutWandbPython, wandbPython } from '../_python.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'

const SCRIPT = fileURLToPath(new URL('./fresh_runs.py', import.meta.url))
const legacyPython = process.env.WBX_LEGACY_PYTHON ??
  fileURLToPath(new URL('../../.venv-legacy/bin/python', import.meta.url))
const skipLegacy: string | false = existsSync(legacyPython)
  ? false
  : `legacy SDK Python not found at ${legacyPython} (set WBX_LEGACY_PYTHON to a Python with wandb 0.20); CI installs it`

let server: TestServer | undefined
const dirs: string[] = []

/** Logs the fresh runs with one Python; returns {run id: run folder}. */
async function logRuns(python: string, legacy: boolean): Promise<Record<string, string>> {
  server ??= await startTestServer()
  const dir = mkdtempSync(join(tmpdir(), 'wbx-fresh-'))
  dirs.push(dir)
  const env = sdkEnv(dir, {
    WANDB_BASE_URL: server.baseUrl,
    WANDB_API_KEY: server.apiKey,
    WANDB_ERROR_REPORTING: 'false',
    WANDB_DISABLE_GIT: 'true',
  })
  delete (env as Record<string, unknown>).WANDB_MODE
  const args = [SCRIPT, dir, 'test-entity', legacy ? 'fresh-legacy' : 'fresh']
  if (legacy) args.push('legacy')
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(python, args, { env, cwd: dir, timeout: 180_000 }, (err, out, stderr) => {
      if (err) reject(new Error(`fresh_runs.py failed: ${err.message}\n${stderr.slice(-3000)}`))
      else resolve(out)
    })
  })
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1])
}

after(async () => {
  await server?.stop()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** config.yaml unwrapped as the API's rawconfig. */
function yamlConfig(text: string): Row {
  // deno-lint-ignore no-explicit-any
  const doc = (parseYaml(text) ?? {}) as Record<string, any>
  const out: Row = {}
  for (const [key, entry] of Object.entries(doc)) {
    if (key === 'wandb_version') continue // the file format's marker, not a config key
    out[key] = entry !== null && typeof entry === 'object' && 'value' in entry ? entry.value : entry
  }
  return out
}

/** Asserts that wbx reads a fresh run folder exactly as the SDK's files say. */
async function assertReadsAsWritten(folder: string, exitCode: number, legacy: boolean) {
  const run = await LocalRun.open(folder)
  const files = join(folder, 'files')
  assert.equal(run.exitCode, exitCode)
  assert.equal(run.state, exitCode === 0 ? 'finished' : 'failed')
  const summary = parseJson(readFileSync(join(files, 'wandb-summary.json'), 'utf8')) as Row
  assert.deepEqual((summary._wandb as Row).runtime, run.runtime)
  if (legacy) {
    // Offline, the legacy writer's wandb-summary.json holds only what its sender adds at exit
    // (`_wandb.runtime`, item 1), and it writes no config.yaml or output.log: its config and
    // console are checked against the wild-runs corpus.
    assert.deepEqual(summary, { _wandb: run.summary._wandb })
    return
  }
  assert.deepEqual(run.summary, summary)
  const config = yamlConfig(readFileSync(join(files, 'config.yaml'), 'utf8'))
  assert.deepEqual(metricOrderFree(run.rawconfig), metricOrderFree(config))
  let text = ''
  for await (const batch of run.consoleLines()) text += consoleText(batch)
  assert.equal(text, readFileSync(join(files, 'output.log'), 'utf8'))
}

describe('fresh runs of wandb 0.31 (wandb-core) read as the SDK wrote them', {
  skip: skipWithoutWandbPython,
  timeout: 240_000,
}, () => {
  let folders: Record<string, string>
  before(async () => {
    folders = await logRuns(wandbPython!, false)
  }, { timeout: 200_000 })

  it('a finished run: summary, config _wandb and output.log', async () => {
    await assertReadsAsWritten(folders['fresh-ok'], 0, false)
  })

  it('a failed run (exit code 1)', async () => {
    await assertReadsAsWritten(folders['fresh-fail'], 1, false)
  })

  it("the issue's example reads as wandb-core wrote it", () => {
    const text = readFileSync(join(folders['fresh-ok'], 'files', 'output.log'), 'utf8')
    assert.ok(text.startsWith('A\nB\n\nC\nab\n\n'), JSON.stringify(text.slice(0, 40)))
  })
})

describe('fresh runs of the legacy Python writer (SDK 0.20, legacy-service, offline)', {
  skip: skipWithoutWandbPython || skipLegacy,
  timeout: 240_000,
}, () => {
  let folders: Record<string, string>
  before(async () => {
    folders = await logRuns(legacyPython, true)
  }, { timeout: 200_000 })

  it('a finished run: summary _wandb.runtime from the exit record', async () => {
    await assertReadsAsWritten(folders['fresh-ok'], 0, true)
  })

  it('a failed run (exit code 1)', async () => {
    await assertReadsAsWritten(folders['fresh-fail'], 1, true)
  })
})
