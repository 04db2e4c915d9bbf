import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runsTableParquet } from '../../src/bulk/runs_parquet.ts'
import { duckRows, sqlPath, tempDir } from './_project.ts'

const rows = [
  {
    run_id: 'a1',
    name: 'first',
    state: 'finished',
    tags: ['x', 'ünï'],
    group: null,
    job_type: 'train',
    created_at: '2024-05-01T10:00:00',
    updated_at: '2024-05-01T11:30:00Z',
    history_line_count: 10,
    last_history_step: 9,
    config: { lr: 0.1, opt: { name: 'adam' } },
    summary: { loss: NaN, img: { _type: 'image-file', path: 'a.png' } },
  },
  {
    run_id: 'b2',
    name: null,
    state: 'running',
    tags: [],
    group: 'g',
    job_type: null,
    created_at: null,
    updated_at: null,
    history_line_count: 0,
    last_history_step: -1,
    config: { lr: 1, layers: 3 },
    summary: {},
  },
]

test('the runs table has STRING, TIMESTAMP(UTC), LIST<STRING>, INT64 and JSON columns', async () => {
  const { dir, cleanup } = tempDir('runs-parquet')
  try {
    const path = join(dir, 'runs.parquet')
    writeFileSync(path, await runsTableParquet(rows, { configSummary: true, codec: 'gzip' }))
    const types = Object.fromEntries(
      (await duckRows(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(path)})`)).map((
        c,
      ) => [c.column_name, c.column_type]),
    )
    assert.deepEqual(types, {
      run_id: 'VARCHAR',
      name: 'VARCHAR',
      state: 'VARCHAR',
      tags: 'VARCHAR[]',
      group: 'VARCHAR',
      job_type: 'VARCHAR',
      created_at: 'TIMESTAMP WITH TIME ZONE',
      updated_at: 'TIMESTAMP WITH TIME ZONE',
      history_line_count: 'BIGINT',
      last_history_step: 'BIGINT',
      config: 'JSON',
      'config.layers': 'BIGINT',
      'config.lr': 'DOUBLE',
      'config.opt.name': 'VARCHAR',
      summary: 'JSON',
      'summary.img': 'JSON',
      'summary.loss': 'DOUBLE',
    })
    const [a, b] = await duckRows(
      `SELECT run_id, tags::VARCHAR AS tags, epoch_ms(created_at) AS created, config::VARCHAR AS config, "config.lr" AS lr, isnan("summary.loss") AS nan FROM read_parquet(${
        sqlPath(path)
      }) ORDER BY run_id`,
    )
    assert.equal(a.tags, '[x, ünï]')
    assert.equal(Number(a.created), Date.UTC(2024, 4, 1, 10))
    assert.equal(a.config, '{"lr":0.1,"opt":{"name":"adam"}}')
    assert.equal(a.nan, true)
    assert.equal(b.tags, '[]')
    assert.equal(b.created, null)
    assert.equal(b.lr, 1)
  } finally {
    cleanup()
  }
})

test("other shards' config keys are columns too, so every shard writes the same schema", async () => {
  const { dir, cleanup } = tempDir('runs-parquet-shard')
  try {
    const path = join(dir, 'runs.parquet')
    const bytes = await runsTableParquet([rows[1]], {
      configSummary: true,
      columnsFrom: [{ config: { extra: 'yes', lr: 0.5 }, summary: { acc: 0.9 } }],
    })
    writeFileSync(path, bytes)
    const cols = await duckRows(`DESCRIBE SELECT * FROM read_parquet(${sqlPath(path)})`)
    const byName = Object.fromEntries(cols.map((c) => [c.column_name, c.column_type]))
    assert.equal(byName['config.extra'], 'VARCHAR')
    assert.equal(byName['config.lr'], 'DOUBLE', 'an int here and a float there is DOUBLE')
    assert.equal(byName['summary.acc'], 'DOUBLE')
  } finally {
    cleanup()
  }
})
