import { test } from 'node:test'
import assert from 'node:assert/strict'
import { type OperationDefinitionNode, parse, validate } from 'graphql'
import * as queries from '../../src/api/queries.ts'
import { serverSchema } from './graphql_schema.ts'
import { generateRun } from './generate_run.ts'
import { startTestServer } from './test_server.ts'
import { gql } from './_client.ts'

type Op = { name: string; document: string }

const operations: Op[] = Object.entries(queries)
  .filter(([, v]) => typeof v === 'object' && v !== null && 'document' in v)
  .map(([, v]) => v as Op)

function kindOf(op: Op): string {
  const def = parse(op.document).definitions.find((d) => d.kind === 'OperationDefinition')
  return (def as OperationDefinitionNode).operation
}

const reads = operations.filter((op) => kindOf(op) === 'query')
const writes = operations.filter((op) => kindOf(op) === 'mutation')

test('the SDL builds and names the W&B types and fields the SDK selects', () => {
  const schema = serverSchema()
  const run = schema.getType('Run') as unknown as { getFields(): Record<string, unknown> }
  for (
    const field of ['historyKeys', 'parquetHistory', 'sampledHistory', 'history', 'events', 'files']
  ) {
    assert.ok(field in run.getFields(), `Run.${field}`)
  }
  assert.ok(schema.getType('ArtifactSequence'))
  assert.deepEqual(Object.keys(schema.getMutationType()!.getFields()).sort(), [
    'commitArtifact',
    'createArtifact',
    'createArtifactFiles',
    'createArtifactManifest',
    'createRunFiles',
    'deleteFiles',
    'deleteRun',
    'markRunFilesUploaded',
    'stopRun',
    'updateArtifactManifest',
    'updateRunState',
    'upsertBucket',
    'useArtifact',
  ])
})

test('every read document in src/api/queries.ts validates against the schema', () => {
  assert.ok(reads.length >= 20, `found ${reads.length} read operations`)
  const schema = serverSchema()
  for (const op of reads) {
    const errors = validate(schema, parse(op.document))
    assert.deepEqual(errors.map((e) => e.message), [], op.name)
  }
})

test('every read document executes with the SDK variables and returns data without errors', async () => {
  const server = await startTestServer({
    runs: [
      generateRun({
        entity: 'e',
        project: 'p',
        id: 'r1',
        steps: 30,
        loggedArtifacts: [{ name: 'ds', files: [{ name: 'a.txt', content: 'abc' }] }],
        usedArtifacts: [{ name: 'ds', version: 0 }],
      }),
    ],
  })
  try {
    const artifactId = [...server.store.artifacts.keys()][0]
    const base = { entity: 'e', project: 'p' }
    const vars: Record<string, Record<string, unknown>> = {
      Run: { ...base, name: 'r1' },
      RunState: { ...base, name: 'r1' },
      RunHistoryKeys: { ...base, name: 'r1' },
      Runs: { ...base, cursor: null, perPage: 10, order: '-created_at', filters: '{}' },
      RunSampledHistory: {
        ...base,
        name: 'r1',
        specs: [JSON.stringify({ keys: ['_step', 'loss'], samples: 5 })],
      },
      RunFullHistory: { ...base, name: 'r1', samples: 5 },
      HistoryPage: { ...base, run: 'r1', minStep: 0, maxStep: 10, pageSize: 10 },
      SampledHistoryPage: {
        ...base,
        run: 'r1',
        spec: JSON.stringify({ keys: ['_step', 'loss'], minStep: 0, maxStep: 9, samples: 10 }),
      },
      RunParquetHistory: { ...base, runName: 'r1', liveKeys: ['_step'] },
      RunFiles: {
        ...base,
        name: 'r1',
        fileNames: [],
        upload: false,
        pattern: null,
        fileLimit: 50,
        fileCursor: null,
      },
      RunOutputArtifacts: { ...base, run: 'r1', cursor: null, perPage: 100 },
      RunInputArtifacts: { ...base, run: 'r1', cursor: null, perPage: 100 },
      FetchArtifactManifest: { id: artifactId },
      GetArtifactMembershipFileUrls: {
        ...base,
        collection: 'ds',
        alias: 'v0',
        cursor: null,
        perPage: 50,
      },
      RunConsoleLogTail: { ...base, runName: 'r1', last: 2 },
      RunConsoleLogPage: { ...base, runName: 'r1', first: 2, after: null },
    }
    for (const op of reads) {
      const r = await gql(server, op.document, vars[op.name] ?? {})
      assert.equal(r.status, 200, `${op.name}: ${r.text.slice(0, 300)}`)
      assert.equal(r.body.errors, undefined, op.name)
      assert.ok(
        r.body.data && Object.values(r.body.data).every((v) => v !== null),
        `${op.name} data`,
      )
    }
  } finally {
    await server.stop()
  }
})

test('every write document in src/api/queries.ts validates against the schema', () => {
  const all = [
    ...writes,
    queries.deleteRunMutation(true),
    queries.deleteRunMutation(false),
    queries.useArtifactMutation(),
    queries.useArtifactMutation({ usedAs: true, artifactProject: true }),
  ]
  assert.ok(writes.length >= 10, `found ${writes.length} write operations`)
  const schema = serverSchema()
  for (const op of all) {
    const errors = validate(schema, parse(op.document))
    assert.deepEqual(errors.map((e) => e.message), [], op.name)
  }
})

test('a subscription is refused with 400, as the schema has none', async () => {
  const server = await startTestServer()
  try {
    const r = await gql(server, 'subscription S { viewer { id } }')
    assert.equal(r.status, 400)
    assert.equal(r.body.data, undefined)
  } finally {
    await server.stop()
  }
})

test('unknown fields fail validation with a 400 naming the field, like a GraphQL server', async () => {
  const server = await startTestServer()
  try {
    const r = await gql(server, '{ viewer { id bogusField } }')
    assert.equal(r.status, 400)
    assert.equal(r.body.errors[0].message, 'Cannot query field "bogusField" on type "User".')
    const bad = await gql(server, '{ viewer { id ')
    assert.equal(bad.status, 400)
    assert.match(bad.body.errors[0].message, /^Syntax Error/)
  } finally {
    await server.stop()
  }
})
