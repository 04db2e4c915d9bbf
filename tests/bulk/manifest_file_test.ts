import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  computeTotals,
  filesOfEntry,
  readManifest,
  serializeManifest,
} from '../../src/bulk/manifest_file.ts'
import {
  type Manifest,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type RunEntry,
} from '../../src/bulk/manifest.ts'

const rec = (file: string, bytes: number) => ({ file, bytes, sha256: 'h' })
const part = (file: string, bytes: number, rows: number) => ({
  ...rec(file, bytes),
  rows,
  minStep: 0,
  maxStep: rows - 1,
  lastRowHash: null,
})

const entry = (id: string, complete: boolean, extra: Partial<RunEntry> = {}): RunEntry => ({
  id,
  name: null,
  state: 'finished',
  createdAt: null,
  updatedAt: null,
  historyLineCount: 0,
  lastHistoryStep: -1,
  complete,
  ...extra,
})

function manifest(): Manifest {
  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    tool: { name: 'wbx', version: '0' },
    source: { kind: 'local', path: 'wandb' },
    query: {} as Manifest['query'],
    startedAt: 's',
    writtenAt: 'w',
    finishedAt: null,
    complete: false,
    totals: { runs: 0, completeRuns: 0, failedRuns: 0, historyRows: 0, historyParts: 0, bytes: 0 },
    runsTable: rec('runs.parquet', 7),
    selection: ['b', 'a'],
    runs: {
      b: entry('b', false, {
        history: { lastStep: 9, rows: 10, parts: [part('p0', 100, 10)] },
        logs: rec('log', 5),
      }),
      a: entry('a', true, {
        history: { lastStep: 4, rows: 5, parts: [part('q0', 20, 3), part('q1', 30, 2)] },
        system: { ...rec('sys', 11), rows: 1, sampled: false },
        artifacts: { ...rec('art', 13), rows: 1 },
        files: [{ ...rec('f1', 1000), name: 'f1', md5: null }],
      }),
      old: entry('old', true, { logs: rec('oldlog', 3) }),
    },
    failures: [{ runId: 'z', attempts: 3, error: 'e' }, { runId: 'b', attempts: 1, error: 'x' }],
  }
}

test('filesOfEntry lists parts, tables, log and files', () => {
  assert.deepEqual(filesOfEntry(manifest().runs.a).map((f) => f.file), [
    'q0',
    'q1',
    'sys',
    'art',
    'f1',
  ])
  assert.deepEqual(filesOfEntry(entry('x', true)), [])
})

test('computeTotals counts the selection and every recorded byte', () => {
  assert.deepEqual(computeTotals(manifest()), {
    runs: 2,
    completeRuns: 1,
    failedRuns: 2,
    historyRows: 15,
    historyParts: 3,
    bytes: 7 + 100 + 5 + 20 + 30 + 11 + 13 + 1000 + 3,
  })
})

test('serializeManifest sorts runs, selection and failures and ends with a newline', () => {
  const text = serializeManifest(manifest())
  assert.ok(text.endsWith('}\n'))
  const back = JSON.parse(text)
  assert.deepEqual(Object.keys(back.runs), ['a', 'b', 'old'])
  assert.deepEqual(back.selection, ['a', 'b'])
  assert.deepEqual(back.failures.map((f: { runId: string }) => f.runId), ['b', 'z'])
  assert.deepEqual(Object.keys(back).slice(0, 3), ['format', 'version', 'tool'])
  const shuffled = manifest()
  shuffled.runs = Object.fromEntries(Object.entries(shuffled.runs).reverse())
  assert.equal(serializeManifest(shuffled), text)
})

test('readManifest reads what serializeManifest wrote; missing is undefined', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-manifest-'))
  try {
    const path = join(dir, 'wbx-manifest.json')
    assert.equal(await readManifest(path), undefined)
    await writeFile(path, serializeManifest(manifest()))
    assert.deepEqual(Object.keys((await readManifest(path))!.runs), ['a', 'b', 'old'])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('readManifest names the file and the problem for bad JSON, format or version', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-manifest-'))
  try {
    const path = join(dir, 'wbx-manifest.json')
    await writeFile(path, '{"format": ')
    await assert.rejects(readManifest(path), {
      message: new RegExp(
        `^Cannot read ${path}: it is not valid JSON \\(.*\\); restore it or export into a new folder$`,
      ),
    })
    await writeFile(path, '{"format": "other"}')
    await assert.rejects(readManifest(path), {
      message:
        `Cannot read ${path}: it is not a wbx export manifest (format "other"); export into a new folder`,
    })
    await writeFile(path, JSON.stringify({ format: MANIFEST_FORMAT, version: 99 }))
    await assert.rejects(readManifest(path), {
      message:
        `Cannot read ${path}: manifest version 99 is not ${MANIFEST_VERSION}; use the wbx version that wrote it or export into a new folder`,
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
