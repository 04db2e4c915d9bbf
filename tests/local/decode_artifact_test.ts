import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeArtifact, decodeUseArtifact } from '../../src/local/decode_artifact.ts'
import { ProtoReader } from '../../src/local/protobuf_reader.ts'
import { expectedRuns, recordFields } from './_record_fields.ts'
import { ProtoWriter } from './_proto_writer.ts'

/** Record field 8: ArtifactRecord; field 25: UseArtifactRecord. */
const ARTIFACT = 8
const USE_ARTIFACT = 25

test('decodeArtifact reads every logged artifact as the SDK reads it (name, type, digest, aliases, manifest)', () => {
  let seen = 0
  for (const run of expectedRuns()) {
    const decoded = recordFields(run.wandbFile, ARTIFACT).map((r) => decodeArtifact(r))
    const sdk = run.sdkRead.artifacts as {
      name: string
      type: string
      digest: string
      description: string
      metadata: unknown
      aliases: string[]
      entries: { path: string; digest: string; size: number }[]
    }[]
    assert.equal(decoded.length, sdk.length, `${run.scenario}: artifact count`)
    decoded.forEach((a, i) => {
      const want = sdk[i]
      assert.equal(a.name, want.name)
      assert.equal(a.type, want.type)
      assert.equal(a.digest, want.digest)
      assert.equal(a.description, want.description)
      assert.deepEqual(a.metadata ? JSON.parse(a.metadata) : null, want.metadata)
      assert.deepEqual(a.aliases, want.aliases)
      assert.deepEqual(
        a.manifest?.contents.map((e) => ({ path: e.path, digest: e.digest, size: e.size })),
        want.entries,
      )
      assert.equal(a.manifest?.version, 1)
      assert.ok(a.clientId.length > 0, 'the SDK gives every artifact a client id')
      seen++
    })
  }
  assert.ok(seen >= 3, `the fixtures log at least three artifacts (saw ${seen})`)
})

test("decodeArtifact reads the dataset artifact's run, project and storage policy", () => {
  const run = expectedRuns().find((r) => r.scenario === 'artifacts')!
  const [dataset] = recordFields(run.wandbFile, ARTIFACT).map((r) => decodeArtifact(r))
  assert.equal(dataset.runId, 'wbxartifacts')
  assert.equal(dataset.project, 'wbx-fixtures')
  assert.equal(dataset.manifest?.storagePolicy, 'wandb-storage-policy-v1')
  assert.equal(dataset.userCreated, false)
  assert.equal(dataset.finalize, true, 'log_artifact finalizes the version')
})

test('decodeUseArtifact reads id, type and name; unknown fields are skipped', () => {
  // The offline fixtures cannot use artifacts (the SDK refuses), so this record is written here
  // with wandb_internal.proto's field numbers: id 1, type 2, name 3, partial 4 (skipped).
  const bytes = new ProtoWriter()
    .string(1, 'QXJ0aWZhY3Q6MTIz')
    .string(2, 'dataset')
    .message(4, (w) => w.string(1, 'ignored'))
    .string(3, 'wbx-dataset')
    .varint(99, 7)
    .finish()
  assert.deepEqual(decodeUseArtifact(new ProtoReader(bytes)), {
    id: 'QXJ0aWZhY3Q6MTIz',
    type: 'dataset',
    name: 'wbx-dataset',
  })
  for (const run of expectedRuns()) {
    assert.equal(recordFields(run.wandbFile, USE_ARTIFACT).length, run.sdkRead.use_artifacts.length)
  }
})
