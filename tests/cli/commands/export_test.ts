import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { exportCommand } from '../../../src/cli/commands/export.ts'
import { ownFixturesDir } from '../../_fixtures.ts'
import { tempDir } from '../../bulk/_project.ts'
import { runInProcess } from './_in_process.ts'

const WANDB = join(ownFixturesDir, 'runs', 'wandb')

test('wbx export writes the chosen runs of a wandb/ folder and prints the result as JSON', async () => {
  const { dir, cleanup } = tempDir('export-cmd')
  try {
    const { code, out, err } = await runInProcess(exportCommand, {
      out: dir,
      runs: 'wbxscalars,wbxnested',
      format: 'ndjson',
      logs: true,
      history: true,
      json: true,
    }, [WANDB])
    assert.equal(code, 0, err)
    const result = JSON.parse(out)
    assert.equal(result.complete, true)
    assert.deepEqual(result.failures, [])
    const manifest = JSON.parse(await readFile(join(dir, 'wbx-manifest.json'), 'utf8'))
    assert.deepEqual(manifest.selection, ['wbxnested', 'wbxscalars'])
    assert.equal(manifest.query.format, 'ndjson')
    assert.ok(existsSync(join(dir, 'history', 'run_id=wbxscalars', 'part-00000.ndjson')))
    assert.equal(manifest.query.include.logs, true)
    assert.match(err, /2 runs/, 'a summary line on stderr')
  } finally {
    cleanup()
  }
})

test('wbx export --dry-run prints the plan and writes nothing; usage errors name the problem', async () => {
  const { dir, cleanup } = tempDir('export-dry')
  try {
    const out = join(dir, 'never')
    const { code, out: text } = await runInProcess(exportCommand, {
      out,
      'dry-run': true,
      json: true,
      runs: 'wbxscalars',
    }, [WANDB])
    assert.equal(code, 0)
    const plan = JSON.parse(text)
    assert.deepEqual(plan.runs.map((r: { id: string; action: string }) => [r.id, r.action]), [
      ['wbxscalars', 'new'],
    ])
    assert.equal(existsSync(out), false)
    await assert.rejects(runInProcess(exportCommand, {}, [WANDB]), /Missing --out DIR/)
    await assert.rejects(
      runInProcess(exportCommand, { out }, []),
      /Expected one <entity\/project \| wandb dir>/,
    )
    await assert.rejects(
      runInProcess(exportCommand, { out, filters: '{nope' }, [WANDB]),
      /--filters must be JSON/,
    )
  } finally {
    cleanup()
  }
})
