import { test } from 'node:test'
import assert from 'node:assert/strict'
import { compactEntries, compactView, oneLine } from '../../src/cli/compact_view.ts'
import { runCli } from './_run_cli.ts'

const MEDIA_RUN = 'tests/fixtures/runs/wandb/offline-run-20261128_072632-wbxmedia'

test('histograms, media, tables and long arrays collapse to one line each', () => {
  assert.equal(
    oneLine({ _type: 'histogram', values: [1, 2, 3], bins: [0, 1, 2, 3] }),
    'histogram: 3 bins over [0, 3], 6 values',
  )
  assert.equal(
    oneLine({ _type: 'histogram', values: [5, 5], packedBins: { min: -1, size: 0.5, count: 2 } }),
    'histogram: 2 bins over [-1, 0], 10 values',
  )
  assert.equal(
    oneLine({ _type: 'image-file', width: 4, height: 4, size: 85, path: 'media/images/a.png' }),
    'image-file 4×4 85 bytes media/images/a.png',
  )
  assert.equal(oneLine({ _type: 'table-file', nrows: 3, ncols: 2 }), 'table-file 3 rows × 2 cols')
  assert.equal(oneLine(Array.from({ length: 500 }, (_, i) => i)), '[500 items] 0, 1, 2, …')
  assert.equal(oneLine([1, 'a']), '[1, a]')
  assert.equal(oneLine(NaN), 'NaN')
  assert.equal(oneLine(-Infinity), '-Infinity')
  assert.equal(oneLine(1795850793.9875817), '1795850793.988')
  assert.equal(oneLine(0.1234567891), '0.123457')
  assert.equal(oneLine('two\nlines'), 'two⏎lines')
  assert.equal(oneLine(''), '""')
})

test('nested objects become dotted keys; an extra column sits between key and value', () => {
  const doc = { a: { b: 1, c: { d: 'x' } }, h: { _type: 'histogram', values: [1], bins: [0, 1] } }
  assert.deepEqual(compactEntries(doc).map((e) => e.key), ['a.b', 'a.c.d', 'h'])
  const view = compactView(doc, { extraColumn: (key) => (key === 'a.b' ? '▁▃▇' : undefined) })
  assert.equal(
    view,
    'a.b    ▁▃▇  1\na.c.d       x\nh           histogram: 1 bins over [0, 1], 1 values\n',
  )
})

test('values are cut to the width with an ellipsis', () => {
  const view = compactView({ k: 'x'.repeat(200) }, { width: 50 })
  assert.equal(view.trimEnd().length, 50)
  assert.ok(view.trimEnd().endsWith('…'))
})

test('wbx summary on a terminal is compact; --json and a pipe give the whole document', async () => {
  const tty = await runCli(['summary', MEDIA_RUN], { stdoutIsTTY: true })
  assert.equal(tty.code, 0, tty.stderr)
  const lines = tty.stdout.trim().split('\n')
  assert.ok(
    lines.some((l) => /^hist +histogram: 3 bins over \[0, 3\], 6 values$/.test(l)),
    tty.stdout,
  )
  assert.ok(lines.some((l) => /^img +image-file 4×4 85 bytes media\/images\//.test(l)))
  assert.ok(lines.some((l) => /^tab +table-file 3 rows × 3 cols/.test(l)))
  assert.ok(lines.some((l) => /^_wandb\.runtime +\d+$/.test(l)))
  assert.ok(!tty.stdout.includes('{'), 'no JSON on the terminal view')
  const json = await runCli(['summary', MEDIA_RUN, '--json'], { stdoutIsTTY: true })
  const doc = JSON.parse(json.stdout)
  assert.deepEqual(doc.hist, { _type: 'histogram', values: [1, 2, 3], bins: [0, 1, 2, 3] })
  const piped = await runCli(['summary', MEDIA_RUN])
  assert.deepEqual(JSON.parse(piped.stdout), doc)
})

test('wbx info on a terminal is compact, one line per attribute', async () => {
  const r = await runCli(['info', 'samples/wandb/latest-run'], { stdoutIsTTY: true })
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^id +wbxdemo1$/m)
  assert.match(r.stdout, /^state +finished$/m)
  assert.match(r.stdout, /^tags +\[demo, sgd\]$/m)
  assert.match(r.stdout, /^history_keys +\[7 items\] /m)
  const json = JSON.parse((await runCli(['info', 'samples/wandb/latest-run', '--json'])).stdout)
  assert.equal(json.history_line_count, 300)
})
