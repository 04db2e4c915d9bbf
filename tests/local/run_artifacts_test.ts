import { test } from 'node:test'
import assert from 'node:assert/strict'
import { toLocalArtifact, toUsedArtifact } from '../../src/local/run_artifacts.ts'
import type { ArtifactRecord, ManifestEntry } from '../../src/local/record_types.ts'

const entry = (path: string, size: number) => ({ path, size, digest: 'd' }) as ManifestEntry

const record = (over: Partial<ArtifactRecord> = {}): ArtifactRecord =>
  ({
    runId: 'r1',
    project: 'p',
    entity: 'e',
    type: 'model',
    name: 'net',
    digest: 'abc',
    description: '',
    metadata: '{"epochs": 3, "loss": NaN}',
    aliases: ['latest', 'v2'],
    tags: ['t'],
    clientId: 'c1',
    sequenceClientId: 's1',
    manifest: {
      version: 1,
      storagePolicy: 'wandb-storage-policy-v1',
      storagePolicyConfig: { storageLayout: '"V2"' },
      contents: [entry('a.bin', 10), entry('b.bin', 5)],
      manifestFilePath: '',
    },
    ...over,
  }) as ArtifactRecord

test('toLocalArtifact sums the manifest and reads the version from a vN alias', () => {
  const a = toLocalArtifact(record())
  assert.equal(a.version, 'v2')
  assert.equal(a.size, 15)
  assert.equal(a.fileCount, 2)
  assert.equal((a.metadata as { epochs: number }).epochs, 3)
  assert.ok(Number.isNaN((a.metadata as { loss: number }).loss))
  assert.deepEqual(
    [a.name, a.type, a.digest, a.entity, a.project, a.runId, a.clientId, a.sequenceClientId],
    ['net', 'model', 'abc', 'e', 'p', 'r1', 'c1', 's1'],
  )
  assert.deepEqual(a.manifest?.entries.map((e) => e.path), ['a.bin', 'b.bin'])
  assert.equal(a.manifest?.storagePolicy, 'wandb-storage-policy-v1')
})

test('toLocalArtifact: no manifest or an external manifest file means unknown size and count', () => {
  const none = toLocalArtifact(record({ manifest: undefined, metadata: '', aliases: ['latest'] }))
  assert.deepEqual([none.size, none.fileCount, none.manifest, none.metadata, none.version], [
    null,
    null,
    null,
    null,
    null,
  ])
  const external = toLocalArtifact(record({
    manifest: {
      version: 1,
      storagePolicy: 'x',
      storagePolicyConfig: {},
      contents: [],
      manifestFilePath: '/tmp/manifest.jsonl.gz',
    },
  }))
  assert.deepEqual([external.size, external.fileCount], [null, null])
  assert.equal(external.manifest?.manifestFilePath, '/tmp/manifest.jsonl.gz')
  const empty = toLocalArtifact(record({
    manifest: {
      version: 1,
      storagePolicy: 'x',
      storagePolicyConfig: {},
      contents: [],
      manifestFilePath: '',
    },
  }))
  assert.deepEqual([empty.size, empty.fileCount], [0, 0])
})

test('toUsedArtifact takes the version after the last colon', () => {
  assert.deepEqual(toUsedArtifact({ id: 'QXJ0', name: 'e/p/data:v3', type: 'dataset' }), {
    id: 'QXJ0',
    name: 'e/p/data:v3',
    type: 'dataset',
    version: 'v3',
  })
  assert.equal(toUsedArtifact({ id: '', name: 'data', type: 'dataset' }).version, null)
  assert.equal(toUsedArtifact({ id: '', name: 'data:latest', type: 'dataset' }).version, 'latest')
})
