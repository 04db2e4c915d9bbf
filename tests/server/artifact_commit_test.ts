/**
 * The artifact-logging flow without the SDK: a PENDING version, signed PUTs for files and the
 * manifest, and `commitArtifact`'s checks (manifest present, digest matching, content uploaded).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { manifestDigest } from './artifact_records.ts'
import { md5Base64 } from './ids.ts'
import { startTestServer, type TestServer } from './test_server.ts'
import { gql, gqlData } from './_client.ts'

const CREATE = `mutation ($input: CreateArtifactInput!) {
  createArtifact(input: $input) { artifact { id state versionIndex } }
}`
const FILES = `mutation ($input: CreateArtifactFilesInput!) {
  createArtifactFiles(input: $input) { files { edges { node { uploadUrl uploadHeaders } } } }
}`
const MANIFEST = `mutation ($id: ID!, $digest: String!) {
  createArtifactManifest(input: {artifactID: $id, name: "wandb_manifest.json", digest: $digest,
    entityName: "e", projectName: "p", runName: "r1", type: FULL}) {
    artifactManifest { id file { uploadUrl uploadHeaders } }
  }
}`
const COMMIT = `mutation ($id: ID!) {
  commitArtifact(input: {artifactID: $id}) { artifact { id state versionIndex digest size } }
}`
const LATEST = `{ project(name: "p", entityName: "e") {
  artifact(name: "stuff:latest") { versionIndex aliases { alias } fileCount size }
  run(name: "r1") { outputArtifacts { edges { node { versionIndex } } } }
} }`

/** PUTs bytes to a signed URL with its upload headers. */
async function put(url: string, headers: string[], body: Uint8Array<ArrayBuffer>): Promise<number> {
  const h = Object.fromEntries(
    headers.map((x) => [x.slice(0, x.indexOf(':')), x.slice(x.indexOf(':') + 1)]),
  )
  const res = await fetch(url, { method: 'PUT', headers: h, body })
  await res.body?.cancel()
  return res.status
}

/** Creates a PENDING version of `stuff` for these files and uploads them; returns its ID. */
async function pending(
  server: TestServer,
  files: Record<string, string>,
): Promise<{ id: string; manifest: Uint8Array<ArrayBuffer>; digest: string }> {
  const enc = new TextEncoder()
  const entries = Object.entries(files).map(([p, c]) =>
    [p, md5Base64(enc.encode(c))] as [string, string]
  )
  const digest = manifestDigest(entries)
  const created = await gqlData(server, CREATE, {
    input: {
      artifactTypeName: 'dataset',
      artifactCollectionName: 'stuff',
      entityName: 'e',
      projectName: 'p',
      runName: 'r1',
      digest,
      aliases: [{ artifactCollectionName: 'stuff', alias: 'latest' }, {
        artifactCollectionName: 'stuff',
        alias: 'best',
      }],
    },
  })
  const id = created.createArtifact.artifact.id
  assert.deepEqual(created.createArtifact.artifact, { id, state: 'PENDING', versionIndex: null })
  const specs = entries.map(([name, md5]) => ({ artifactID: id, name, md5 }))
  const answer = await gqlData(server, FILES, {
    input: { artifactFiles: specs, storageLayout: 'V2' },
  })
  for (const [i, edge] of answer.createArtifactFiles.files.edges.entries()) {
    if (edge.node.uploadUrl === null) continue
    assert.equal(
      await put(edge.node.uploadUrl, edge.node.uploadHeaders, enc.encode(Object.values(files)[i])),
      200,
    )
  }
  const manifest = enc.encode(JSON.stringify({
    version: 1,
    storagePolicy: 'wandb-storage-policy-v1',
    storagePolicyConfig: { storageLayout: 'V2' },
    contents: Object.fromEntries(
      entries.map(([p, d]) => [p, { digest: d, size: enc.encode(files[p]).length }]),
    ),
  }))
  return { id, manifest, digest }
}

test('createArtifact → files → manifest → commitArtifact makes v0, then v1 takes latest', async () => {
  const server = await startTestServer({ runs: [{ entity: 'e', project: 'p', id: 'r1' }] })
  try {
    const versions: Record<string, string>[] = [{ 'a.txt': 'one' }, {
      'a.txt': 'two',
      'b/c.txt': 'three',
    }]
    for (const [n, files] of versions.entries()) {
      const { id, manifest, digest } = await pending(server, files)
      // Committing before the manifest is uploaded is refused.
      const early = await gql(server, COMMIT, { id })
      assert.match(early.text, /has no uploaded manifest/)
      const m = await gqlData(server, MANIFEST, { id, digest: md5Base64(manifest) })
      const file = m.createArtifactManifest.artifactManifest.file
      assert.equal(await put(file.uploadUrl, file.uploadHeaders, manifest), 200)
      const done = await gqlData(server, COMMIT, { id })
      assert.deepEqual(done.commitArtifact.artifact, {
        id,
        state: 'COMMITTED',
        versionIndex: n,
        digest,
        size: Object.values(files).join('').length,
      })
      const read = await gqlData(server, LATEST)
      assert.deepEqual(read.project.artifact, {
        versionIndex: n,
        aliases: [{ alias: 'latest' }, { alias: 'best' }],
        fileCount: Object.keys(files).length,
        size: Object.values(files).join('').length,
      })
      assert.deepEqual(
        read.project.run.outputArtifacts.edges.map((e: { node: unknown }) => e.node),
        Array.from({ length: n + 1 }, (_, i) => ({ versionIndex: i })),
      )
    }
    // The same content again is deduplicated: createArtifact answers the committed v1.
    const again = await gqlData(server, CREATE, {
      input: {
        artifactTypeName: 'dataset',
        artifactCollectionName: 'stuff',
        entityName: 'e',
        projectName: 'p',
        runName: 'r1',
        digest: manifestDigest([['a.txt', md5Base64(new TextEncoder().encode('two'))], [
          'b/c.txt',
          md5Base64(new TextEncoder().encode('three')),
        ]]),
      },
    })
    assert.deepEqual(again.createArtifact.artifact.state, 'COMMITTED')
    assert.equal(again.createArtifact.artifact.versionIndex, 1)
  } finally {
    await server.stop()
  }
})

test('commitArtifact refuses a manifest that does not hash to the digest; storage refuses a body that is not its MD5', async () => {
  const server = await startTestServer({ runs: [{ entity: 'e', project: 'p', id: 'r1' }] })
  try {
    const { id, digest } = await pending(server, { 'x.txt': 'ex' })
    const wrong = new TextEncoder().encode(JSON.stringify({
      version: 1,
      storagePolicy: 'wandb-storage-policy-v1',
      storagePolicyConfig: {},
      contents: { 'y.txt': { digest: md5Base64(new TextEncoder().encode('why')), size: 3 } },
    }))
    const m = await gqlData(server, MANIFEST, { id, digest: md5Base64(wrong) })
    const file = m.createArtifactManifest.artifactManifest.file
    assert.equal(await put(file.uploadUrl, file.uploadHeaders, wrong), 200)
    const refused = await gql(server, COMMIT, { id })
    assert.equal(refused.status, 400)
    assert.match(refused.text, new RegExp(`not the artifact digest ${digest}`))
    // A file body that is not the declared MD5 is refused by the storage origin.
    const other = await pending(server, { 'z.txt': 'zed' }).catch((err) => err as Error)
    assert.ok(!(other instanceof Error))
    const bad = await gqlData(server, FILES, {
      input: {
        artifactFiles: [{
          artifactID: other.id,
          name: 'q.txt',
          md5: md5Base64(new TextEncoder().encode('q')),
        }],
        storageLayout: 'V2',
      },
    })
    const node = bad.createArtifactFiles.files.edges[0].node
    assert.equal(
      await put(node.uploadUrl, node.uploadHeaders, new TextEncoder().encode('not q')),
      400,
    )
    assert.equal((await gqlData(server, LATEST)).project.artifact, null)
  } finally {
    await server.stop()
  }
})
