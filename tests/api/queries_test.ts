import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type OperationDefinitionNode, parse, print, validate } from 'graphql'
import * as Q from '../../src/api/queries.ts'
import { serverSchema } from '../server/graphql_schema.ts'
import { skipWithoutWandbPython, wandbPython } from '../_python.ts'

/** Every operation exported by queries.ts, builders expanded. */
function allOperations(): [string, Q.GraphqlOperation][] {
  const out: [string, Q.GraphqlOperation][] = []
  for (const [key, value] of Object.entries(Q)) {
    if (typeof value === 'string') continue
    if (typeof value === 'function') continue
    out.push([key, value as Q.GraphqlOperation])
  }
  out.push(['deleteRunMutation(true)', Q.deleteRunMutation(true)])
  out.push(['deleteRunMutation(false)', Q.deleteRunMutation(false)])
  out.push(['useArtifactMutation()', Q.useArtifactMutation()])
  out.push([
    'useArtifactMutation(all)',
    Q.useArtifactMutation({ usedAs: true, artifactProject: true }),
  ])
  return out
}

test('every operation parses and declares exactly one operation with its name', () => {
  const ops = allOperations()
  assert.ok(ops.length >= 35, `expected all §3–§7 operations, found ${ops.length}`)
  for (const [key, op] of ops) {
    const doc = parse(op.document)
    const defs = doc.definitions.filter((d): d is OperationDefinitionNode =>
      d.kind === 'OperationDefinition'
    )
    assert.equal(defs.length, 1, key)
    assert.equal(defs[0].name?.value, op.name, key)
  }
})

test('the read operations the client core and history send validate against the W&B-compatible schema', () => {
  const schema = serverSchema()
  const reads = [
    Q.RUN_FULL_QUERY,
    Q.RUN_LAZY_QUERY,
    Q.RUNS_LAZY_QUERY,
    Q.RUNS_FULL_QUERY,
    Q.RUN_HISTORY_KEYS_QUERY,
    Q.RUN_FILES_QUERY,
    Q.RUN_OUTPUT_ARTIFACTS_QUERY,
    Q.RUN_INPUT_ARTIFACTS_QUERY,
    Q.FETCH_ARTIFACT_MANIFEST_QUERY,
    Q.GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY,
    Q.GET_DEFAULT_ENTITY_QUERY,
    Q.GET_VIEWER_QUERY,
    Q.VIEWER_QUERY,
    Q.RUN_PARQUET_HISTORY_QUERY,
    Q.HISTORY_PAGE_QUERY,
    Q.RUN_SAMPLED_HISTORY_QUERY,
    Q.RUN_FULL_HISTORY_QUERY,
    Q.RUN_FULL_EVENTS_QUERY,
  ]
  for (const op of reads) {
    const errors = validate(schema, parse(op.document))
    assert.deepEqual(errors.map((e) => e.message), [], op.name)
  }
})

test('the lightweight fragment leaves out exactly config, systemMetrics, summaryMetrics, historyKeys', () => {
  const fields = (text: string) =>
    new Set(text.split('\n').map((l) => l.trim()).filter((l) => /^\w+$/.test(l)))
  const full = fields(Q.RUN_FRAGMENT)
  const light = fields(Q.LIGHTWEIGHT_RUN_FRAGMENT)
  const missing = [...full].filter((f) => !light.has(f)).sort()
  assert.deepEqual(missing, ['config', 'historyKeys', 'summaryMetrics', 'systemMetrics'])
})

test('documents equal, byte for byte, the ones the installed wandb SDK sends', {
  skip: skipWithoutWandbPython,
}, () => {
  const script = fileURLToPath(new URL('./_sdk_documents.py', import.meta.url))
  const result = spawnSync(wandbPython!, [script], { encoding: 'utf8' })
  assert.equal(result.status, 0, result.stderr)
  const sdk = JSON.parse(result.stdout) as Record<string, string>
  assert.ok(Object.keys(sdk).length >= 20)
  const ours = Q as unknown as Record<string, Q.GraphqlOperation | string>
  for (const [key, text] of Object.entries(sdk)) {
    const mine = ours[key]
    assert.ok(mine !== undefined, `queries.ts lacks ${key}`)
    const doc = typeof mine === 'string' ? mine : mine.document
    // Byte for byte: the SDK sends its documents as written, so wbx does too.
    assert.equal(doc, text, key)
    assert.equal(print(parse(doc)), print(parse(text)), key)
  }
})
