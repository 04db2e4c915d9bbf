/**
 * Pre-0.10 run folders (SDK 0.8/0.9 files, `dryrun-*` folders) as a record source: read by
 * LocalRun, listed by LocalRuns and `wbx runs`, exported by the bulk exporter. The wild-runs
 * conformance test compares real ones with their files value for value.
 */
import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalRun } from '../../src/local/local_run.ts'
import { LocalRuns } from '../../src/local/local_runs.ts'
import { consoleText } from '../../src/local/console_stream.ts'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { pre010RunId } from '../../src/local/pre010_records.ts'
import { runCli } from '../cli/_run_cli.ts'
import type { Row } from '../../src/row.ts'

const temps: string[] = []
after(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

/** Writes a pre-0.10 `wandb/` folder with one finished dry run and one folder with no run files. */
async function legacyWandbDir(): Promise<{ root: string; run: string }> {
  const root = await mkdtemp(join(tmpdir(), 'wbx-pre010-'))
  temps.push(root)
  const run = join(root, 'wandb', 'dryrun-20200102_100709-ab-c12')
  await mkdir(run, { recursive: true })
  await mkdir(join(root, 'wandb', 'run-20200103_000000-empty1'))
  await writeFile(
    join(run, 'wandb-history.jsonl'),
    '{"loss": 1.5, "_step": 0, "_runtime": 1.2, "_timestamp": 1577959630.5}\n' +
      'not json\n' +
      '{"loss": NaN, "acc": 0.5, "_step": 1, "_runtime": 2.2, "_timestamp": 1577959631.5}\n',
  )
  await writeFile(
    join(run, 'wandb-events.jsonl'),
    '{"system.cpu": 12.5, "system.gpu.0.temp": 40, "_wandb": true, "_runtime": 3, "_timestamp": 1577959632}\n',
  )
  await writeFile(join(run, 'wandb-summary.json'), '{"loss": NaN, "acc": 0.5, "_step": 1}')
  await writeFile(
    join(run, 'config.yaml'),
    'wandb_version: 1\n\n_wandb:\n  desc: null\n  value:\n    cli_version: 0.8.19\n    python_version: 3.6.7\nlr:\n  desc: null\n  value: 1.0e-06\nn:\n  desc: null\n  value: 3\n',
  )
  await writeFile(
    join(run, 'wandb-metadata.json'),
    JSON.stringify({
      startedAt: '2020-01-02T10:07:09.408988',
      heartbeatAt: '2020-01-02T10:07:39.000000',
      host: 'box',
      project: 'proj',
      name: 'silvery-gorge-3',
      exitcode: 0,
      git: { remote: 'https://example.invalid/r.git', commit: 'abc' },
    }),
  )
  await writeFile(join(run, 'output.log'), 'start\n\r 50%\r100%\ndone')
  return { root, run }
}

describe('pre-0.10 run folders', () => {
  it('take the id after the timestamp of run-/dryrun- folder names', () => {
    assert.equal(pre010RunId('/x/run-20200402_165916-1l49ncc6'), '1l49ncc6')
    assert.equal(pre010RunId('/x/dryrun-20200102_100709-ab-c12'), 'ab-c12')
  })

  it('read as a run: identity, state, config, summary, history, system, console, files', async () => {
    const { run: folder } = await legacyWandbDir()
    const run = await LocalRun.open(folder)
    assert.equal(run.id, 'ab-c12')
    assert.equal(run.name, 'silvery-gorge-3')
    assert.equal(run.project, 'proj')
    assert.equal(run.host, 'box')
    assert.equal(run.state, 'finished')
    assert.equal(run.exitCode, 0)
    assert.equal(run.runtime, 30)
    assert.equal(run.createdAt, '2020-01-02T10:07:09Z')
    assert.equal(run.cliVersion, '0.8.19')
    assert.deepEqual(run.git, { remoteUrl: 'https://example.invalid/r.git', commit: 'abc' })
    assert.deepEqual(run.rawconfig, {
      _wandb: { cli_version: '0.8.19', python_version: '3.6.7' },
      lr: 1e-6,
      n: 3,
    })
    assert.deepEqual(run.config, { lr: 1e-6, n: 3 })
    assert.deepEqual(run.summary, {
      loss: NaN,
      acc: 0.5,
      _step: 1,
      _runtime: 2.2,
      _timestamp: 1577959631.5,
    })
    const history: Row[] = []
    for await (const batch of run.scanHistory()) history.push(...batch)
    assert.deepEqual(history, [
      { loss: 1.5, _step: 0, _runtime: 1.2, _timestamp: 1577959630.5 },
      { loss: NaN, acc: 0.5, _step: 1, _runtime: 2.2, _timestamp: 1577959631.5 },
    ])
    // The line that is not JSON is reported with its byte range, not lost silently.
    assert.equal(run.damaged, true)
    assert.deepEqual(run.damage[0].lostRanges, [
      { start: 71, end: 80, reason: 'wandb-history.jsonl line is not a JSON object' },
    ])
    const system: Row[] = []
    for await (const batch of run.scanSystemMetrics()) system.push(...batch)
    assert.equal(system.length, 1)
    assert.equal(system[0]['system.cpu'], 12.5)
    assert.equal(system[0]['system.gpu.0.temp'], 40)
    assert.equal(system[0]._timestamp, 1577959632)
    assert.equal(system[0]._runtime, 3) // as the SDK wrote it, not recomputed from startedAt
    let text = ''
    for await (const batch of run.consoleLines()) text += consoleText(batch)
    assert.equal(text, await readFile(join(folder, 'output.log'), 'utf8'))
    const names = (await run.files()).map((f) => f.name).sort()
    assert.deepEqual(names, [
      'config.yaml',
      'output.log',
      'wandb-events.jsonl',
      'wandb-history.jsonl',
      'wandb-metadata.json',
      'wandb-summary.json',
    ])
  })

  it('are listed by LocalRuns and wbx runs; a folder with no run files is skipped with the reason', async () => {
    const { root } = await legacyWandbDir()
    const runs = await LocalRuns.open(root)
    const list = await runs.list()
    assert.deepEqual(list.map((e) => [e.id, e.state, e.project]), [['ab-c12', 'finished', 'proj']])
    assert.equal(runs.skipped.length, 1)
    assert.match(runs.skipped[0].reason, /no run-<id>\.wandb file .*pre-0\.10/)
    const cli = await runCli(['runs', root, '-f', 'ndjson'])
    assert.equal(cli.code, 0, cli.stderr)
    assert.equal(JSON.parse(cli.stdout.trim()).run_id, 'ab-c12')
    assert.match(
      cli.stderr,
      /wbx: skipped .*run-20200103_000000-empty1: it holds no run-<id>\.wandb file/,
    )
    const summary = await runCli(['summary', join(root, 'wandb', 'dryrun-20200102_100709-ab-c12')])
    assert.equal(summary.code, 0, summary.stderr)
    assert.equal(JSON.parse(summary.stdout).acc, 0.5)
  })

  it('export with the bulk exporter like any other run', async () => {
    const { root } = await legacyWandbDir()
    const out = join(root, 'out')
    const result = await exportProject({
      source: join(root, 'wandb'),
      out,
      include: { history: true, system: true, configSummary: true, logs: true },
    })
    assert.deepEqual(result.failures, [])
    assert.equal(result.complete, true)
    const manifest = JSON.parse(await readFile(join(out, 'wbx-manifest.json'), 'utf8'))
    assert.deepEqual(manifest.selection, ['ab-c12'])
    assert.equal(manifest.runs['ab-c12'].history.rows, 2)
  })
})
