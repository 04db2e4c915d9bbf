/**
 * Reads the exporters' output with pandas, pyarrow and polars (no reader options), when a Python
 * with those packages is available (WBX_PYTHON, ./.venv, or python3); skipped loudly otherwise.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { toCsv } from '../../src/export/csv.ts'
import { toNdjson } from '../../src/export/ndjson.ts'
import { toParquet } from '../../src/export/parquet.ts'
import { batches, exportBytes, fixtureRows, tempFolder } from './_helpers.ts'

const PROBE = 'import pandas, pyarrow, polars, sys; sys.stdout.write(polars.__version__)'

function findPython(): string | undefined {
  const venv = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url))
  for (const candidate of [process.env.WBX_PYTHON, venv, 'python3']) {
    if (!candidate || (candidate.includes('/') && !existsSync(candidate))) continue
    if (spawnSync(candidate, ['-c', PROBE], { encoding: 'utf8' }).status === 0) return candidate
  }
  return undefined
}

const python = findPython()
const skip = python
  ? false
  : 'Python with pandas, pyarrow and polars not found (set WBX_PYTHON to one); reader checks skipped'

const READ = `
import json, math, sys
import pandas as pd, polars as pl, pyarrow.parquet as pq, pyarrow.csv as pacsv, pyarrow.json as pajson
d = sys.argv[1]
def num(v):
    return v if v is None or not isinstance(v, float) or math.isfinite(v) else repr(v)
out = {}
t = pq.read_table(f'{d}/system.parquet')
out['pa_parquet'] = {'rows': t.num_rows, 'disk_in': str(t.schema.field('system.disk.in').type), 'recv': str(t.schema.field('system.network.recv').type), 'disk_in_1': t.column('system.disk.in')[1].as_py()}
m = pq.read_table(f'{d}/media.parquet')
out['pa_media'] = {'samples': str(m.schema.field('samples').type), 'loss': m.column('train/loss')[4].as_py()}
out['pd_parquet'] = {'dtypes': {k: str(v) for k, v in pd.read_parquet(f'{d}/nan.parquet').dtypes.items()}, 'nan_inf': [num(v) for v in pd.read_parquet(f'{d}/nan.parquet')['edge/nan_inf'][:4]]}
p = pl.read_parquet(f'{d}/nan.parquet')
out['pl_parquet'] = {'dtypes': {k: str(v) for k, v in p.schema.items()}, 'nan_inf': [num(v) for v in p['edge/nan_inf'][:4]]}
out['pl_media'] = {'samples': str(pl.read_parquet(f'{d}/media.parquet').schema['samples'])}
c = pd.read_csv(f'{d}/nan.csv')
out['pd_csv'] = {'dtype': str(c['edge/nan_inf'].dtype), 'nan_inf': [num(v) for v in c['edge/nan_inf'][:4]]}
out['pa_csv'] = {'type': str(pacsv.read_csv(f'{d}/nan.csv').schema.field('edge/nan_inf').type)}
out['pl_csv'] = {'dtype': str(pl.read_csv(f'{d}/nan.csv').schema['edge/nan_inf']), 'inf_dtype': str(pl.read_csv(f'{d}/nan_inf.csv').schema['edge/nan_inf'])}
u = pl.read_csv(f'{d}/unicode.csv')
out['pl_unicode'] = {'columns': u.columns, 'loss': u['损失/loss'][1]}
j = pd.read_json(f'{d}/nan_null.ndjson', lines=True)
out['pd_ndjson'] = {'dtype': str(j['edge/nan_inf'].dtype), 'rows': len(j)}
out['pl_ndjson'] = {'rows': pl.read_ndjson(f'{d}/media.ndjson').height, 'loss': pl.read_ndjson(f'{d}/media.ndjson')['train/loss'][4]}
# pyarrow.json infers one type per column, so NaN spelled as a string needs nan: 'null'
out['pa_ndjson'] = {'rows': pajson.read_json(f'{d}/nan_null.ndjson').num_rows}
out['py_json_literal'] = [num(json.loads(line)['edge/nan_inf']) for line in open(f'{d}/nan_literal.ndjson')][:4]
print(json.dumps(out))
`

test('pandas, pyarrow and polars read the exported files without options', { skip }, async () => {
  const { dir, cleanup } = tempFolder()
  try {
    const write = async (name: string, bytes: Promise<Uint8Array>) =>
      writeFileSync(join(dir, name), await bytes)
    const system = fixtureRows('system')
    const nan = fixtureRows('nan_inf')
    const media = fixtureRows('media')
    await write(
      'system.parquet',
      exportBytes(toParquet({ rowGroupSize: 1, tempDir: dir }), batches(system, 1)),
    )
    await write('media.parquet', exportBytes(toParquet(), [media]))
    await write('nan.parquet', exportBytes(toParquet(), [nan]))
    await write('nan.csv', exportBytes(toCsv(), [nan]))
    await write('nan_inf.csv', exportBytes(toCsv({ infinity: 'inf' }), [nan]))
    await write('unicode.csv', exportBytes(toCsv(), [fixtureRows('unicode')]))
    await write('nan.ndjson', exportBytes(toNdjson(), [nan]))
    await write('nan_null.ndjson', exportBytes(toNdjson({ nan: 'null' }), [nan]))
    await write('nan_literal.ndjson', exportBytes(toNdjson({ nan: 'literal' }), [nan]))
    await write('media.ndjson', exportBytes(toNdjson(), [media]))
    const run = spawnSync(python!, ['-c', READ, dir], { encoding: 'utf8' })
    assert.equal(run.status, 0, run.stderr)
    const out = JSON.parse(run.stdout)
    const head = [0, 'nan', 'inf', '-inf']
    assert.deepEqual(out.pa_parquet, {
      rows: 60,
      disk_in: 'double',
      recv: 'int64',
      disk_in_1: 12.5,
    })
    assert.equal(out.pa_media.loss, media[4]['train/loss'])
    assert.match(out.pa_media.samples, /json/)
    assert.deepEqual(out.pd_parquet.dtypes, {
      '_step': 'int64',
      'edge/flat': 'float64',
      'edge/nan_inf': 'float64',
      'edge/single_point': 'float64',
    })
    assert.deepEqual(out.pd_parquet.nan_inf, head)
    assert.equal(out.pl_parquet.dtypes['edge/nan_inf'], 'Float64')
    assert.equal(out.pl_parquet.dtypes['edge/single_point'], 'Int64')
    assert.deepEqual(out.pl_parquet.nan_inf, head)
    assert.equal(
      out.pl_media.samples,
      'String',
      'polars reads JSON columns as str (the ARROW:schema footer entry says utf8)',
    )
    assert.deepEqual(out.pd_csv, { dtype: 'float64', nan_inf: head })
    assert.equal(out.pa_csv.type, 'double')
    assert.equal(out.pl_csv.dtype, 'String', 'polars does not parse "Infinity" as a float')
    assert.equal(out.pl_csv.inf_dtype, 'Float64')
    assert.deepEqual(out.pl_unicode, {
      columns: ['_step', 'emoji/🚀speed', '损失/loss'],
      loss: 0.92,
    })
    assert.deepEqual(out.pd_ndjson, { dtype: 'float64', rows: 20 })
    assert.deepEqual(out.pl_ndjson, { rows: 5, loss: media[4]['train/loss'] })
    assert.equal(out.pa_ndjson.rows, 20)
    assert.deepEqual(out.py_json_literal, head)
  } finally {
    cleanup()
  }
})
