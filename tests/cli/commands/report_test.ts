import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { reportCommand } from '../../../src/cli/commands/report.ts'
import { tempDir } from '../../bulk/_project.ts'
import { runInProcess, SAMPLE_RUN } from './_in_process.ts'

test('wbx report writes one self-contained HTML page with the run and its charts', async () => {
  const { dir, cleanup } = tempDir('report')
  try {
    const output = join(dir, 'report.html')
    const { code, err } = await runInProcess(reportCommand, {
      output,
      keys: ['val/'],
      title: 'sample report',
    })
    assert.equal(code, 0, err)
    const html = await readFile(output, 'utf8')
    assert.match(html, /^<!doctype html>/i)
    assert.match(html, /sample report/)
    assert.match(html, /"id":"wbxdemo1","name":"demo-sgd-300"/)
    assert.match(html, /"title":"val\/loss"/)
    assert.doesNotMatch(html, /<script[^>]+src="http/, 'no script from the network')
    assert.match(err, /report\.html/)
  } finally {
    cleanup()
  }
})

test('wbx report refuses two sources and a missing output', async () => {
  const { dir, cleanup } = tempDir('report-refuse')
  try {
    await assert.rejects(
      runInProcess(reportCommand, { output: join(dir, 'r.html'), quiet: true }, [
        SAMPLE_RUN,
        SAMPLE_RUN,
      ]),
      /Expected one <source>, got 2/,
    )
    await assert.rejects(runInProcess(reportCommand, { quiet: true }))
  } finally {
    cleanup()
  }
})
