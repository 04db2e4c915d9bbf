import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile } from 'node:fs/promises'
import { join } from 'node:path'
import { exportProject } from '../../../src/bulk/bulk_export.ts'
import { verifyCommand } from '../../../src/cli/commands/verify.ts'
import { ownFixturesDir } from '../../_fixtures.ts'
import { tempDir } from '../../bulk/_project.ts'
import { runInProcess } from './_in_process.ts'

test('wbx verify passes an intact export, fails a changed file, and reports as text or JSON', async () => {
  const { dir, cleanup } = tempDir('verify-cmd')
  try {
    await exportProject({
      source: join(ownFixturesDir, 'runs', 'wandb'),
      out: dir,
      query: { runs: ['wbxscalars'] },
      format: 'ndjson',
    })
    const ok = await runInProcess(verifyCommand, {}, [dir])
    assert.equal(ok.code, 0)
    assert.match(ok.out, /^ok: 1 runs, \d+ files, [\d,]+ rows, .*; 0 problems\n$/)
    await appendFile(
      join(dir, 'history', 'run_id=wbxscalars', 'part-00000.ndjson'),
      '{"_step":99}\n',
    )
    const bad = await runInProcess(verifyCommand, { json: true }, [dir])
    assert.equal(bad.code, 1)
    const report = JSON.parse(bad.out)
    assert.equal(report.ok, false)
    assert.ok(
      report.problems.some((p: { message: string }) => /part-00000\.ndjson/.test(p.message)),
    )
    const quick = await runInProcess(verifyCommand, { checksums: false }, [dir])
    assert.equal(quick.code, 1, 'the size no longer matches, checksums or not')
    assert.match(quick.out, /\nFAILED: 1 runs/)
    await assert.rejects(runInProcess(verifyCommand, {}, []), /Expected one <DIR>/)
  } finally {
    cleanup()
  }
})
