import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  artifactNodeSchema,
  fileNodeSchema,
  runArtifactsPageSchema,
  runFilesPageSchema,
  runNodeSchema,
  runResponseSchema,
  runsPageSchema,
  viewerSchema,
} from '../../src/api/schemas.ts'

test('run nodes keep unknown fields (loose) and accept the nullable ones as null', () => {
  const node = {
    id: 'UnVuOjE=',
    name: 'ab12',
    state: null,
    tags: null,
    projectId: 7,
    user: null,
    summaryMetrics: '{"acc": 1}',
  }
  assert.deepEqual(runNodeSchema.parse(node), node)
  assert.equal(runNodeSchema.safeParse({ ...node, name: undefined }).success, false)
  assert.equal(runNodeSchema.safeParse({ ...node, tags: [1] }).success, false)
  assert.deepEqual(runResponseSchema.parse({ project: null }), { project: null })
  assert.deepEqual(runResponseSchema.parse({ project: { run: null } }), { project: { run: null } })
})

test('a runs page needs edges of run nodes; page info may be missing', () => {
  const page = { project: { runs: { edges: [{ node: { name: 'r1' }, cursor: 'c1' }] } } }
  assert.deepEqual(runsPageSchema.parse(page), page)
  assert.equal(runsPageSchema.safeParse({ project: { runs: { edges: 'x' } } }).success, false)
  assert.equal(runsPageSchema.safeParse({}).success, false)
})

test('file nodes take sizes as numbers or strings', () => {
  assert.equal(fileNodeSchema.parse({ name: 'f', sizeBytes: '12' }).sizeBytes, '12')
  assert.equal(fileNodeSchema.parse({ name: 'f', sizeBytes: 12 }).sizeBytes, 12)
  assert.equal(fileNodeSchema.safeParse({ name: 'f', sizeBytes: true }).success, false)
  const page = { project: { run: { fileCount: 1, files: { edges: [{ node: { name: 'f' } }] } } } }
  assert.deepEqual(runFilesPageSchema.parse(page), page)
})

test('artifact nodes need an id and a sequence name; a page may hold null nodes', () => {
  const node = {
    id: 'QXJ0aWZhY3Q6MQ==',
    artifactSequence: { name: 'model', project: { name: 'p', entity: { name: 'e' } } },
    aliases: [{ alias: 'latest' }],
    size: '1024',
  }
  assert.deepEqual(artifactNodeSchema.parse(node), node)
  assert.equal(artifactNodeSchema.safeParse({ ...node, id: undefined }).success, false)
  assert.equal(artifactNodeSchema.safeParse({ ...node, artifactSequence: {} }).success, false)
  const page = { project: { run: { artifacts: { edges: [{ node: null }, { node }] } } } }
  assert.deepEqual(runArtifactsPageSchema.parse(page), page)
})

test('the viewer may be null and keeps extra fields', () => {
  assert.deepEqual(viewerSchema.parse({ viewer: null }), { viewer: null })
  const viewer = { id: 'v', entity: 'me', username: 'me', admin: false }
  assert.deepEqual(viewerSchema.parse({ viewer }), { viewer })
})
