import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type ParquetOptions, toParquet } from '../../src/export/parquet.ts'
import type { Row } from '../../src/row.ts'
import { setFloatKeys } from '../../src/row_floats.ts'
import {
  batches,
  duckQuery,
  exportBytes,
  fixtureRows,
  listFolder,
  parquetColumns,
  parquetRowGroups,
  readParquet,
  skipWithoutDuckdb,
  sqlPath,
  syntheticRows,
  tempFolder,
} from './_helpers.ts'

/** Exports to a .parquet file in a fresh folder (also the temp folder), checks no temp file is left, runs `check`. */
async function withParquet(
  input: Row[][],
  options: ParquetOptions,
  check: (path: string) => Promise<void>,
): Promise<void> {
  const { dir, cleanup } = tempFolder()
  try {
    const path = join(dir, 'out.parquet')
    writeFileSync(path, await exportBytes(toParquet({ tempDir: dir, ...options }), input))
    assert.deepEqual(await listFolder(dir), ['out.parquet'], 'no temporary file is left behind')
    await check(path)
  } finally {
    cleanup()
  }
}

const media = fixtureRows('media')

test('toParquet maps kinds to INT64, DOUBLE, BOOLEAN, STRING and JSON and reads back in hyparquet', async () => {
  const input = media.map((row, i) => ({
    ...row,
    ok: i % 2 === 0,
    tag: `t${i}`,
    cfg: { lr: 0.1, depth: i },
  }))
  await withParquet([input.slice(0, 2), input.slice(2)], {}, async (path) => {
    assert.deepEqual(await parquetColumns(path), [
      { name: '_step', type: 'INT64', logical: undefined },
      { name: 'samples', type: 'BYTE_ARRAY', logical: 'JSON' },
      { name: 'gallery', type: 'BYTE_ARRAY', logical: 'JSON' },
      { name: 'train/loss', type: 'DOUBLE', logical: undefined },
      { name: 'ok', type: 'BOOLEAN', logical: undefined },
      { name: 'tag', type: 'BYTE_ARRAY', logical: 'STRING' },
      { name: 'cfg.lr', type: 'DOUBLE', logical: undefined },
      { name: 'cfg.depth', type: 'INT64', logical: undefined },
    ])
    const rows = await readParquet(path)
    assert.equal(rows.length, 5)
    assert.equal(rows[4]._step, 4n)
    assert.equal(rows[4]['train/loss'], media[4]['train/loss'])
    assert.deepEqual(rows[3].samples, media[3].samples)
    assert.deepEqual(rows[1].gallery, media[1].gallery)
    assert.equal(rows[2].ok, true)
    assert.equal(rows[3].tag, 't3')
    assert.equal(rows[3]['cfg.depth'], 3n)
  })
})

test(
  'toParquet output reads in DuckDB with the same types and values',
  { skip: skipWithoutDuckdb },
  async () => {
    await withParquet([media], {}, async (path) => {
      const described = await duckQuery(`describe select * from read_parquet(${sqlPath(path)})`)
      assert.deepEqual(described.rows.map((r) => r.column_type), [
        'BIGINT',
        'JSON',
        'JSON',
        'DOUBLE',
      ])
      const { rows } = await duckQuery(
        `select _step, samples, samples->>'$.path' as path, "train/loss" as loss from read_parquet(${
          sqlPath(path)
        }) order by _step`,
      )
      assert.equal(rows[2].path, 'media/images/samples_2_48a943f8.png')
      assert.equal(rows[4].loss, media[4]['train/loss'])
      assert.deepEqual(JSON.parse(rows[0].samples as string), media[0].samples)
    })
  },
)

test('toParquet stores NaN/±Infinity as IEEE doubles and as "NaN" strings inside JSON', {
  skip: skipWithoutDuckdb,
}, async () => {
  const rows = fixtureRows('nan_inf')
  rows[0].hist = { _type: 'histogram', values: [1, NaN, Infinity] }
  await withParquet([rows], {}, async (path) => {
    const back = await readParquet(path)
    assert.ok(Number.isNaN(back[1]['edge/nan_inf']))
    assert.equal(back[2]['edge/nan_inf'], Infinity)
    assert.equal(back[3]['edge/nan_inf'], -Infinity)
    assert.equal(back[0]['edge/nan_inf'], 0)
    assert.equal(back[0]['edge/single_point'], 42n)
    assert.equal(back[5]['edge/single_point'], null)
    assert.deepEqual(back[0].hist, { _type: 'histogram', values: [1, 'NaN', 'Infinity'] })
    const duck = await duckQuery(
      `select count(*) filter (where isnan("edge/nan_inf"))::INT as nans, count(*) filter (where isinf("edge/nan_inf"))::INT as infs, ` +
        `max(_step)::INT as last from read_parquet(${sqlPath(path)})`,
    )
    assert.deepEqual(duck.rows[0], { nans: 4, infs: 8, last: 19 })
    const described = await duckQuery(`describe select * from read_parquet(${sqlPath(path)})`)
    assert.deepEqual(described.rows.map((r) => r.column_type), [
      'BIGINT',
      'DOUBLE',
      'DOUBLE',
      'BIGINT',
      'JSON',
    ])
  })
})

test('toParquet widens int to double in the first row group without a temporary file', async () => {
  const system = fixtureRows('system')
  await withParquet([system], {}, async (path) => {
    const columns = await parquetColumns(path)
    assert.equal(columns.find((c) => c.name === 'system.disk.in')?.type, 'DOUBLE')
    assert.equal(columns.find((c) => c.name === 'system.network.recv')?.type, 'INT64')
    const back = await readParquet(path)
    assert.equal(back[0]['system.disk.in'], 0)
    assert.equal(back[1]['system.disk.in'], 12.5)
    assert.equal(
      back[59]['system.network.sent'],
      BigInt(system[59]['system.network.sent'] as number),
    )
  })
})

test(
  'toParquet widens after the first row group (new columns, int→double, mixes→JSON) losslessly',
  { skip: skipWithoutDuckdb },
  async () => {
    const rows: Row[] = [
      { _step: 0, loss: 1, flag: true, name: 'a' },
      { _step: 1, loss: 2, flag: false, name: 'b' },
      { _step: 2, loss: 0.5, flag: true, name: 'c', late: 7 },
      { _step: 3, loss: 3, flag: 1, name: 'd', late: 8 },
      { _step: 4, loss: NaN, flag: null, name: ['x', 1], late: 9, later: 'z' },
      { _step: 5, loss: 4, flag: false, name: 'e' },
    ]
    for (const codec of ['snappy', 'gzip', 'uncompressed'] as const) {
      await withParquet(batches(rows, 1), { rowGroupSize: 2, codec }, async (path) => {
        assert.equal(await parquetRowGroups(path), 3)
        const types = Object.fromEntries(
          (await parquetColumns(path)).map((c) => [c.name, `${c.type}/${c.logical}`]),
        )
        assert.deepEqual(types, {
          _step: 'INT64/undefined',
          loss: 'DOUBLE/undefined',
          flag: 'BYTE_ARRAY/JSON',
          name: 'BYTE_ARRAY/JSON',
          late: 'INT64/undefined',
          later: 'BYTE_ARRAY/STRING',
        })
        const duck = await duckQuery(
          `select _step, loss, flag::VARCHAR as flag, name::VARCHAR as name, late, later from read_parquet(${
            sqlPath(path)
          }) order by _step`,
        )
        assert.deepEqual(duck.rows.map((r) => r.flag), [
          'true',
          'false',
          'true',
          '1',
          null,
          'false',
        ])
        assert.deepEqual(duck.rows.map((r) => r.name), [
          '"a"',
          '"b"',
          '"c"',
          '"d"',
          '["x",1]',
          '"e"',
        ])
        assert.deepEqual(duck.rows.map((r) => r.late), [null, null, 7n, 8n, 9n, null])
        assert.deepEqual(duck.rows.map((r) => r.later), [null, null, null, null, 'z', null])
        assert.deepEqual(duck.rows.map((r) => r.loss).slice(0, 4), [1, 2, 0.5, 3])
        assert.ok(Number.isNaN(duck.rows[4].loss))
      })
    }
  },
)

test('toParquet rewrites the real system-metrics run split into 60 one-row groups exactly', async () => {
  const system = fixtureRows('system')
  await withParquet(batches(system, 1), { rowGroupSize: 1 }, async (path) => {
    assert.equal(await parquetRowGroups(path), 60)
    const back = await readParquet(path)
    for (let i = 0; i < 60; i++) {
      for (const [key, value] of Object.entries(system[i])) {
        const got = back[i][key]
        assert.equal(typeof got === 'bigint' ? Number(got) : got, value, `row ${i} ${key}`)
      }
    }
  })
})

test('toParquet keeps bad _step values as JSON text (flattening splits the object one)', async () => {
  await withParquet([fixtureRows('bad_steps')], { flatten: false }, async (path) => {
    assert.deepEqual(await parquetColumns(path), [{
      name: '_step',
      type: 'BYTE_ARRAY',
      logical: 'JSON',
    }])
    assert.deepEqual((await readParquet(path)).map((r) => r._step), [
      '5',
      5.5,
      null,
      true,
      { a: 1 },
      [1],
    ])
  })
  await withParquet([fixtureRows('bad_steps')], {}, async (path) => {
    assert.deepEqual((await parquetColumns(path)).map((c) => c.name), ['_step', '_step.a'])
    assert.deepEqual((await readParquet(path)).map((r) => r['_step.a']), [
      null,
      null,
      null,
      null,
      1n,
      null,
    ])
  })
})

test('toParquet writes unicode column names', { skip: skipWithoutDuckdb }, async () => {
  await withParquet([fixtureRows('unicode')], {}, async (path) => {
    const { rows } = await duckQuery(
      `select "emoji/🚀speed" as s, "损失/loss" as l from read_parquet(${sqlPath(path)})`,
    )
    assert.equal(rows.length, 10)
    assert.equal(rows[1].s, 105n)
    assert.equal(rows[1].l, 0.92)
  })
})

test('toParquet: an empty stream still makes a file every reader opens', {
  skip: skipWithoutDuckdb,
}, async () => {
  await withParquet([], {}, async (path) => {
    assert.deepEqual(await parquetColumns(path), [{
      name: '_step',
      type: 'INT64',
      logical: undefined,
    }])
    assert.deepEqual(await readParquet(path), [])
    assert.deepEqual(
      (await duckQuery(`select count(*)::INT as n from read_parquet(${sqlPath(path)})`)).rows,
      [{ n: 0 }],
    )
  })
  await withParquet(
    [],
    { columns: ['_step', 'loss', 'img'], types: { img: 'json' } },
    async (path) => {
      assert.deepEqual((await parquetColumns(path)).map((c) => c.type), [
        'DOUBLE',
        'DOUBLE',
        'BYTE_ARRAY',
      ])
    },
  )
})

test('toParquet: a single row', async () => {
  await withParquet([[{ _step: 9, loss: 0.125 }]], {}, async (path) => {
    assert.deepEqual(await readParquet(path), [{ _step: 9n, loss: 0.125 }])
  })
})

test('toParquet with every column declared streams with those types and rejects values outside them', async () => {
  const options: ParquetOptions = {
    columns: ['_step', 'loss', 'samples', 'note'],
    types: { _step: 'int', loss: 'double', samples: 'json', note: 'string' },
    jsonColumns: 'string',
    metadata: { run: 'media001' },
  }
  await withParquet(
    [media.map((r) => ({ ...r, loss: r['train/loss'] }))],
    options,
    async (path) => {
      assert.deepEqual((await parquetColumns(path)).map((c) => `${c.type}/${c.logical}`), [
        'INT64/undefined',
        'DOUBLE/undefined',
        'BYTE_ARRAY/STRING',
        'BYTE_ARRAY/STRING',
      ])
      const back = await readParquet(path)
      assert.equal(back[1].loss, 0.78)
      assert.equal(
        JSON.parse(back[0].samples as string).path,
        'media/images/samples_0_65998250.png',
      )
      assert.equal(back[0].note, null)
    },
  )
  const failing = batchOf([{ _step: 0, loss: 'high' }])
  await assert.rejects(
    exportBytes(
      toParquet({ columns: ['_step', 'loss'], types: { _step: 'int', loss: 'double' } }),
      failing,
    ),
    (err: Error) =>
      err instanceof TypeError && err.message.includes('"loss" declared as double') &&
      err.message.includes('"high"'),
  )
})

test('toParquet splits wide rows into more row groups under rowGroupCells', async () => {
  const wide: Row[] = []
  for (let i = 0; i < 100; i++) {
    const row: Row = { _step: i }
    for (let k = 0; k < 50; k++) row[`m${k}`] = i + k / 100
    wide.push(row)
  }
  await withParquet(batches(wide, 30), { rowGroupCells: 51 * 20 }, async (path) => {
    assert.equal(await parquetRowGroups(path), 5)
    const back = await readParquet(path)
    assert.equal(back[99].m49, 99.49)
  })
})

test('toParquet rejects bad options with RangeErrors', () => {
  assert.throws(() => toParquet({ codec: 'lz4' as 'gzip' }), RangeError)
  assert.throws(() => toParquet({ rowGroupSize: 0 }), RangeError)
  assert.throws(() => toParquet({ types: { a: 'float' as 'double' } }), RangeError)
  assert.throws(() => toParquet({ jsonColumns: 'text' as 'json' }), RangeError)
})

test('toParquet zstd reads back in DuckDB', {
  skip: skipWithoutDuckdb,
}, async () => {
  await withParquet(
    batches(syntheticRows(5000), 500),
    { codec: 'zstd', rowGroupSize: 1000 },
    async (path) => {
      const { rows } = await duckQuery(
        `select count(*)::INT as n, sum(_step)::BIGINT as s from read_parquet(${sqlPath(path)})`,
      )
      assert.deepEqual(rows[0], { n: 5000, s: 12497500n })
    },
  )
})

test('toParquet writes 100k rows in several row groups; DuckDB and hyparquet agree', {
  skip: skipWithoutDuckdb,
}, async () => {
  const rows = syntheticRows(100_000)
  await withParquet(batches(rows, 1000), { rowGroupSize: 30_000 }, async (path) => {
    assert.equal(await parquetRowGroups(path), 4)
    const { rows: agg, types } = await duckQuery(
      `select count(*)::INT as n, sum(_step)::BIGINT as steps, count(phase)::INT as phases, max(epoch)::BIGINT as epoch, ` +
        `count(acc)::INT as accs, sum(case when isnan(acc) then 1 else 0 end)::INT as nans from read_parquet(${
          sqlPath(path)
        })`,
    )
    assert.deepEqual(agg[0], {
      n: 100_000,
      steps: 4999950000n,
      phases: 100,
      epoch: 99n,
      accs: 14286,
      nans: 2041,
    })
    const described = await duckQuery(`describe select * from read_parquet(${sqlPath(path)})`)
    assert.deepEqual(
      Object.fromEntries(described.rows.map((r) => [r.column_name, r.column_type])),
      {
        _step: 'BIGINT',
        _timestamp: 'DOUBLE',
        loss: 'DOUBLE',
        epoch: 'BIGINT',
        acc: 'DOUBLE',
        phase: 'VARCHAR',
      },
    )
    const back = await readParquet(path)
    assert.equal(back.length, 100_000)
    assert.equal(back[77_777].loss, rows[77_777].loss)
    assert.equal(back[77_000].phase, 'phase-77')
    void types
  })
})

function batchOf(rows: Row[]): Row[][] {
  return [rows]
}

test('a column whose values the source spelled as floats (1.0) is DOUBLE, not INT64', async () => {
  const rows: Row[] = [0, 1, 2].map((step) => {
    const row: Row = { _step: step, loss: 1 + step, count: step }
    setFloatKeys(row, ['loss'])
    return row
  })
  const { dir, cleanup } = tempFolder()
  try {
    const path = join(dir, 'floats.parquet')
    writeFileSync(path, await exportBytes(toParquet(), [rows]))
    const types = Object.fromEntries((await parquetColumns(path)).map((c) => [c.name, c.type]))
    assert.deepEqual(types, { _step: 'INT64', loss: 'DOUBLE', count: 'INT64' })
  } finally {
    cleanup()
  }
})
