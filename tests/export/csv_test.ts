import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { toCsv } from '../../src/export/csv.ts'
import { csvField } from '../../src/export/csv_text.ts'
import {
  batches,
  duckQuery,
  exportText,
  fixtureRows,
  listFolder,
  skipWithoutDuckdb,
  sqlPath,
  syntheticRows,
  tempFolder,
} from './_helpers.ts'

test('csvField quotes per RFC 4180 and spells special values', () => {
  assert.equal(csvField('plain'), 'plain')
  assert.equal(csvField('a,b'), '"a,b"')
  assert.equal(csvField('say "hi"'), '"say ""hi"""')
  assert.equal(csvField('two\nlines'), '"two\nlines"')
  assert.equal(csvField('cr\r'), '"cr\r"')
  assert.equal(csvField(''), '""')
  assert.equal(csvField(NaN), 'NaN')
  assert.equal(csvField(-Infinity), '-Infinity')
  assert.equal(csvField(Infinity, 'inf'), 'inf')
  assert.equal(csvField(-0), '-0')
  assert.equal(csvField(1e21), '1e+21')
  assert.equal(csvField(false), 'false')
  assert.equal(csvField(null), '')
  assert.equal(csvField([1, NaN]), '"[1,""NaN""]"')
})

test('toCsv golden: header from first-seen keys, sparse cells empty, NaN/Infinity spelled out', async () => {
  const rows = fixtureRows('nan_inf').slice(0, 4)
  assert.equal(
    await exportText(toCsv(), [rows]),
    '_step,edge/flat,edge/nan_inf,edge/single_point\n0,1.5,0,42\n1,1.5,NaN,\n2,1.5,Infinity,\n3,1.5,-Infinity,\n',
  )
})

test('toCsv pads earlier records when a key first appears in a later batch', async () => {
  const input = [
    [{ _step: 0, loss: 1 }, { _step: 1, loss: 0.5, note: 'a,b' }],
    [{ _step: 2, val: 9, loss: 0.25 }],
    [{ _step: 3, note: 'multi\nline "q"', extra: true }],
  ]
  const expected =
    '_step,loss,note,val,extra\n0,1,,,\n1,0.5,"a,b",,\n2,0.25,,9,\n3,,"multi\nline ""q""",,true\n'
  assert.equal(await exportText(toCsv(), input), expected)
  // The same through the temporary file (memoryBytes 0), with CRLF: embedded LF stays inside quotes.
  const { dir, cleanup } = tempFolder()
  try {
    const crlf = await exportText(
      toCsv({ memoryBytes: 0, tempDir: dir, lineEnding: 'crlf' }),
      input,
    )
    assert.equal(
      crlf,
      '_step,loss,note,val,extra\r\n0,1,,,\r\n1,0.5,"a,b",,\r\n2,0.25,,9,\r\n3,,"multi\nline ""q""",,true\r\n',
    )
    assert.deepEqual(await listFolder(dir), [])
  } finally {
    cleanup()
  }
})

test('toCsv with columns streams the header first and drops other keys', async () => {
  const rows = fixtureRows('unicode').slice(0, 2)
  const text = await exportText(toCsv({ columns: ['损失/loss', '_step', 'absent'], bom: true }), [
    rows,
  ])
  assert.equal(text, '\ufeff损失/loss,_step,absent\n1,0,\n0.92,1,\n')
})

test('toCsv writes media dicts and arrays as quoted JSON text and flattens plain nesting', async () => {
  const media = fixtureRows('media')[0]
  const text = await exportText(toCsv(), [[{ ...media, opt: { lr: 0.1, betas: [0.9, 0.99] } }]])
  const [header, record] = text.split('\n')
  assert.equal(header, '_step,samples,gallery,train/loss,opt.lr,opt.betas')
  assert.ok(record.startsWith('0,"{""_type"":""image-file"",""caption"":""sample at step 0"",'))
  assert.ok(record.endsWith(',0.9,0.1,"[0.9,0.99]"'))
})

test('toCsv: empty input gives no bytes, with columns just the header; one-column empty records stay visible', async () => {
  assert.equal(await exportText(toCsv(), []), '')
  assert.equal(await exportText(toCsv({ columns: ['_step', 'loss'] }), []), '_step,loss\n')
  assert.equal(await exportText(toCsv(), [[{ a: 1 }, { a: null }]]), 'a\n1\n""\n')
  assert.equal(await exportText(toCsv(), [[{ _step: 0 }]]), '_step\n0\n')
})

test('toCsv rejects bad options with RangeErrors', () => {
  assert.throws(() => toCsv({ lineEnding: 'cr' as 'lf' }), RangeError)
  assert.throws(() => toCsv({ infinity: 'INF' as 'inf' }), RangeError)
  assert.throws(() => toCsv({ memoryBytes: -1 }), RangeError)
})

test('toCsv output reads back in DuckDB read_csv without options: types and values', {
  skip: skipWithoutDuckdb,
}, async () => {
  const { dir, cleanup } = tempFolder()
  try {
    const system = fixtureRows('system')
    const path = join(dir, 'system.csv')
    writeFileSync(
      path,
      await exportText(toCsv({ memoryBytes: 1000, tempDir: dir }), batches(system, 7)),
    )
    const { rows, types } = await duckQuery(`select * from read_csv(${sqlPath(path)})`)
    assert.equal(rows.length, 60)
    assert.equal(types['system.disk.in'], 'DOUBLE')
    assert.equal(types['system.cpu.0.cpu_percent'], 'DOUBLE')
    assert.equal(types['system.network.recv'], 'BIGINT')
    assert.equal(rows[1]['system.disk.in'], 12.5)
    assert.equal(rows[59]['system.gpu.0.temp'], system[59]['system.gpu.0.temp'])
    assert.equal(rows[0]['system.disk./.usagePercent'], 60)

    const nan = join(dir, 'nan.csv')
    writeFileSync(nan, await exportText(toCsv(), [fixtureRows('nan_inf'), fixtureRows('unicode')]))
    const back = await duckQuery(`select * from read_csv(${sqlPath(nan)})`)
    assert.equal(back.types['edge/nan_inf'], 'DOUBLE')
    assert.ok(Number.isNaN(back.rows[1]['edge/nan_inf']))
    assert.equal(back.rows[2]['edge/nan_inf'], Infinity)
    assert.equal(back.rows[3]['edge/nan_inf'], -Infinity)
    assert.equal(back.rows[20]['损失/loss'], 1)
    assert.equal(back.rows[21]['emoji/🚀speed'], 105n)
    assert.equal(back.rows[0]['损失/loss'], null)
  } finally {
    cleanup()
  }
})

test('toCsv writes 100k rows through the temporary file and DuckDB reads them all', {
  skip: skipWithoutDuckdb,
}, async () => {
  const { dir, cleanup } = tempFolder()
  try {
    const rows = syntheticRows(100_000)
    const path = join(dir, 'big.csv')
    writeFileSync(
      path,
      await exportText(toCsv({ memoryBytes: 1 << 16, tempDir: dir }), batches(rows, 1000)),
    )
    assert.deepEqual(await listFolder(dir), ['big.csv'])
    const { rows: agg, types } = await duckQuery(
      `select count(*)::INT as n, sum(_step)::BIGINT as steps, count(phase)::INT as phases, ` +
        `count(acc)::INT as accs, sum(case when isnan(acc) then 1 else 0 end)::INT as nans from read_csv(${
          sqlPath(path)
        })`,
    )
    assert.deepEqual(agg[0], {
      n: 100_000,
      steps: 4999950000n,
      phases: 100,
      accs: 14286,
      nans: 2041,
    })
    assert.equal(types.n, 'INTEGER')
  } finally {
    cleanup()
  }
})
