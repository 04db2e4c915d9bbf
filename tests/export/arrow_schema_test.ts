import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { arrowSchemaBase64 } from '../../src/export/arrow_schema.ts'
import { wandbPython } from '../_python.ts'

const skip = wandbPython && spawnSync(wandbPython, ['-c', 'import pyarrow']).status === 0
  ? false
  : 'Python with pyarrow not found (set WBX_PYTHON); CI installs it'

test(
  'ARROW:schema is an IPC schema message pyarrow decodes to the declared types',
  { skip },
  () => {
    const value = arrowSchemaBase64([
      { name: '_step', type: 'int64' },
      { name: 'loss', type: 'double' },
      { name: 'flag', type: 'bool' },
      { name: '损失/loss', type: 'utf8' },
      { name: 'created_at', type: 'timestamp-ms-utc' },
      { name: 'tags', type: 'list-utf8' },
    ])
    const bytes = Uint8Array.from(atob(value), (c) => c.charCodeAt(0))
    assert.deepEqual([...bytes.subarray(0, 4)], [255, 255, 255, 255]) // IPC continuation marker
    const script = 'import base64, sys, pyarrow as pa\n' +
      'for f in pa.ipc.read_schema(pa.py_buffer(base64.b64decode(sys.argv[1]))): print(f.name, f.type)'
    const r = spawnSync(wandbPython!, ['-c', script, value], { encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
    assert.deepEqual(r.stdout.trim().split('\n'), [
      '_step int64',
      'loss double',
      'flag bool',
      '损失/loss string',
      'created_at timestamp[ms, tz=UTC]',
      'tags list<element: string>',
    ])
  },
)
