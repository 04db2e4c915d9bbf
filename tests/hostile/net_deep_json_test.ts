/**
 * Issue 10 item 10: JSON nested far deeper than any runtime's recursion allows does not end in
 * `Maximum call stack size exceeded`: a remote config/summary 10,000 levels deep (the runtime's
 * own JSON.stringify and the old recursive walks overflowed from about 3,000 to 10,000) and a
 * local `value_json` / `nested_key` 100,000 levels deep are read, printed and exported (CSV,
 * NDJSON, Parquet) with every level kept.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import process from 'node:process'
import { exportProject } from '../../src/bulk/bulk_export.ts'
import { cloneJson } from '../../src/json/json_edit.ts'
import { flattenRow } from '../../src/export/flatten.ts'
import { stringifyDeep, stringifyJson } from '../../src/json/stringify_json.ts'
import { runCli } from '../cli/_run_cli.ts'
import { historyRecord, record, runRecord, writeItem } from '../local/_proto_writer.ts'
import { writeLog } from '../local/_log_writer.ts'
import { generateRun } from '../server/generate_run.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import {
  deepJsonText,
  type HostileServer,
  type Json,
  startHostileServer,
} from './_hostile_server.ts'
import { tempDirs } from './_temp_dirs.ts'

const REMOTE_DEPTH = 10_000
const LOCAL_DEPTH = 100_000
let server: TestServer
let proxy: HostileServer
const temps = tempDirs('wbx-net-deep-')

before(async () => {
  server = await startTestServer()
  server.addRun(generateRun({ entity: 'e', project: 'p', id: 'r1', steps: 3 }))
  proxy = await startHostileServer(server)
  // The test server cannot itself serialise such values: the proxy writes them into the answers.
  const deepen = (node: Json): void => {
    if (node === null || typeof node !== 'object') return
    for (const k of Object.keys(node)) {
      if ((k === 'config' || k === 'summaryMetrics') && typeof node[k] === 'string') {
        const v = JSON.parse(node[k])
        v.deep = k === 'config' ? { value: '@@', desc: null } : '@@'
        node[k] = JSON.stringify(v).replace('"@@"', deepJsonText(REMOTE_DEPTH))
      } else deepen(node[k])
    }
  }
  proxy.rule({ origin: 'api', path: '/graphql', json: (v) => (deepen(v), v) })
})

after(async () => {
  temps.removeAll()
  await proxy.stop()
  await server.stop()
})

const temp = temps.make

/** How many `{"k":` levels a text holds before its innermost value. */
function depthOf(text: string): number {
  return text.split('"k"').length - 1
}

test('the non-recursive walks agree with the runtime on ordinary values', () => {
  const value = {
    a: [1, 'x', null, { b: true, c: [] }, undefined, -0],
    d: {},
    e: new Date(0),
    f: undefined,
    n: NaN,
  }
  const replace = (v: unknown) => v
  for (const indent of [undefined, 2]) {
    assert.equal(stringifyDeep(value, replace, indent), JSON.stringify(value, null, indent))
  }
  assert.deepEqual(cloneJson({ a: [{ b: 1 }], c: { d: [2] } }), { a: [{ b: 1 }], c: { d: [2] } })
  assert.deepEqual({ ...flattenRow({ a: { b: { c: 1 }, d: 2 }, e: 3 }) }, {
    'a.b.c': 1,
    'a.d': 2,
    e: 3,
  })
})

test(`the walks hold ${LOCAL_DEPTH} levels`, () => {
  const deep = JSON.parse(deepJsonText(LOCAL_DEPTH))
  assert.equal(depthOf(stringifyJson(deep)), LOCAL_DEPTH)
  assert.equal(depthOf(stringifyJson(deep, { indent: 2 })), LOCAL_DEPTH)
  const flat = flattenRow({ deep })
  assert.equal(Object.keys(flat)[0].split('.').length, LOCAL_DEPTH + 1)
  assert.equal(depthOf(stringifyJson(cloneJson(deep))), LOCAL_DEPTH)
})

test(
  `remote config and summary ${REMOTE_DEPTH} levels deep: wbx config/summary, CSV and bulk export`,
  {
    timeout: 120_000,
  },
  async () => {
    const saved = { url: process.env.WANDB_BASE_URL, key: process.env.WANDB_API_KEY }
    process.env.WANDB_BASE_URL = proxy.baseUrl
    process.env.WANDB_API_KEY = proxy.apiKey
    try {
      const config = await runCli(['config', 'e/p/r1'])
      assert.equal(config.code, 0, config.stderr)
      assert.equal(depthOf(config.stdout), REMOTE_DEPTH)
      const csv = await runCli(['summary', 'e/p/r1', '--format', 'csv'])
      assert.equal(csv.code, 0, csv.stderr)
      assert.ok(csv.stdout.includes('deep' + '.k'.repeat(REMOTE_DEPTH)))
      const result = await exportProject({
        source: 'e/p',
        out: temp(),
        format: 'ndjson',
        api: { baseUrl: proxy.baseUrl, apiKey: proxy.apiKey },
      })
      assert.deepEqual(result.failures, [])
      assert.equal(result.complete, true)
    } finally {
      if (saved.url === undefined) delete process.env.WANDB_BASE_URL
      else process.env.WANDB_BASE_URL = saved.url
      if (saved.key === undefined) delete process.env.WANDB_API_KEY
      else process.env.WANDB_API_KEY = saved.key
    }
  },
)

test(`local value_json and nested_key ${LOCAL_DEPTH} levels deep: history CSV/Parquet, summary`, {
  timeout: 120_000,
}, async () => {
  const dir = temp()
  const file = join(dir, 'run-deep.wandb')
  const path = Array.from({ length: LOCAL_DEPTH }, () => 'k')
  const summary = record((w) =>
    w.message(3, (s) => s.message(1, (i) => writeItem(i, ['deep', deepJsonText(LOCAL_DEPTH)])))
  )
  writeFileSync(
    file,
    writeLog([
      runRecord(1, 'deep'),
      historyRecord(2, [['_step', '0'], ['value', deepJsonText(LOCAL_DEPTH)], [path, '1']], 0),
      historyRecord(3, [['_step', '1'], ['x', '2']], 1),
      summary,
    ]),
  )
  const csv = await runCli(['history', file, '--format', 'csv'])
  assert.equal(csv.code, 0, csv.stderr)
  assert.ok(csv.stdout.includes('value' + '.k'.repeat(LOCAL_DEPTH)))
  assert.ok(csv.stdout.includes('k' + '.k'.repeat(LOCAL_DEPTH - 1)))
  const parquet = join(dir, 'h.parquet')
  const pq = await runCli(['history', file, '--format', 'parquet', '-o', parquet])
  assert.equal(pq.code, 0, pq.stderr)
  assert.ok(readFileSync(parquet).byteLength > 0)
  const sum = await runCli(['summary', file])
  assert.equal(sum.code, 0, sum.stderr)
  let node = JSON.parse(sum.stdout).deep
  let levels = 0
  while (typeof node === 'object' && node !== null) {
    node = node.k
    levels++
  }
  assert.equal(levels, LOCAL_DEPTH)
  assert.equal(node, 1)
})
