import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import {
  type Manifest,
  MANIFEST_FORMAT,
  MANIFEST_TIMESTAMP_FIELDS,
  MANIFEST_VERSION,
} from '../../src/bulk/manifest.ts'
import { memoryRun, memorySource } from './_memory_run.ts'
import { tempDir } from './_project.ts'

/** Exports two in-memory runs into a fresh folder and returns the manifest text. */
async function exportOnce(): Promise<string> {
  const { dir, cleanup } = tempDir('manifest')
  try {
    await exportProject({
      source: memorySource([memoryRun(6, undefined, 'z9'), memoryRun(3, undefined, 'a1')]),
      out: dir,
      format: 'ndjson',
      partRows: 4,
    })
    return await readFile(join(dir, 'wbx-manifest.json'), 'utf8')
  } finally {
    cleanup()
  }
}

/** Every key path in a JSON value whose value looks like an ISO time. */
function timeKeys(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => timeKeys(v, out))
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(v)) out.add(k)
      timeKeys(v, out)
    }
  }
  return out
}

test('the manifest names its format and version and lists every wall-clock field it writes', async () => {
  assert.equal(MANIFEST_FORMAT, 'wbx-export-manifest')
  assert.equal(MANIFEST_VERSION, 1)
  const text = await exportOnce()
  const manifest: Manifest = JSON.parse(text)
  assert.equal(manifest.format, MANIFEST_FORMAT)
  assert.equal(manifest.version, MANIFEST_VERSION)
  assert.deepEqual(Object.keys(manifest.runs), ['a1', 'z9'], 'runs sorted by id')
  // every time the manifest holds (the runs here have no creation times) is a listed field
  const times = [...timeKeys(manifest)].sort()
  assert.deepEqual(times, [...MANIFEST_TIMESTAMP_FIELDS].sort())
})

test('two exports of the same data differ only in the timestamp fields', async () => {
  const first = await exportOnce()
  await new Promise((resolve) => setTimeout(resolve, 5))
  const second = await exportOnce()
  assert.notEqual(first, second, 'the clocks differ')
  const strip = (text: string) =>
    JSON.parse(text, (key, value) => (MANIFEST_TIMESTAMP_FIELDS.includes(key) ? undefined : value))
  const a = strip(first)
  const b = strip(second)
  assert.deepEqual(a, b)
})
