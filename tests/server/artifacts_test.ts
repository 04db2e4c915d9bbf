import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import {
  FETCH_ARTIFACT_MANIFEST_QUERY,
  GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY,
  RUN_INPUT_ARTIFACTS_QUERY,
  RUN_OUTPUT_ARTIFACTS_QUERY,
} from '../../src/api/queries.ts'
import { manifestDigest } from './artifact_records.ts'
import { startTestServer, type TestServer } from './test_server.ts'
import type { RunSeed } from './run_seed.ts'
import { basicAuth, gqlData } from './_client.ts'

const FILES = [{ name: 'train.csv', content: 'a,b\n1,2\n' }, {
  name: 'sub/readme.md',
  content: '# data\n',
}]
const RUNS: RunSeed[] = [
  {
    entity: 'e',
    project: 'p',
    id: 'maker',
    loggedArtifacts: [
      {
        name: 'ds',
        type: 'dataset',
        aliases: ['best'],
        tags: ['raw'],
        metadata: { rows: 1 },
        historyStep: 4,
        files: FILES,
      },
      {
        name: 'model',
        type: 'model',
        files: [{ name: 'w.bin', content: new Uint8Array([1, 2, 3]) }],
      },
    ],
  },
  {
    entity: 'e',
    project: 'p',
    id: 'maker2',
    loggedArtifacts: [{ name: 'ds', files: [{ name: 'train.csv', content: 'v2' }] }],
  },
  { entity: 'e', project: 'p', id: 'user', usedArtifacts: [{ name: 'ds', version: 0 }] },
]

async function withServer(fn: (s: TestServer) => Promise<void>): Promise<void> {
  const server = await startTestServer({ runs: RUNS })
  try {
    await fn(server)
  } finally {
    await server.stop()
  }
}

// deno-lint-ignore no-explicit-any
type Any = any

async function page(
  s: TestServer,
  doc: string,
  run: string,
  perPage: number,
  cursor: string | null,
): Promise<Any> {
  return (await gqlData(s, doc, { entity: 'e', project: 'p', run, perPage, cursor })).project.run
    .artifacts
}

test('RunOutputArtifacts: the SDK fragment with versions, aliases, digest, sizes; pages by endCursor', async () => {
  await withServer(async (s) => {
    const p1 = await page(s, RUN_OUTPUT_ARTIFACTS_QUERY.document, 'maker', 1, null)
    assert.equal(p1.totalCount, 2)
    assert.equal(p1.pageInfo.hasNextPage, true)
    const ds = p1.edges[0].node
    assert.equal(ds.__typename, 'Artifact')
    assert.equal(ds.artifactSequence.__typename, 'ArtifactSequence')
    assert.equal(ds.artifactSequence.name, 'ds')
    assert.deepEqual(ds.artifactSequence.project.entity, { name: 'e' })
    assert.equal(ds.versionIndex, 0)
    assert.equal(ds.artifactType.name, 'dataset')
    assert.equal(ds.metadata, '{"rows":1}')
    assert.equal(ds.historyStep, 4)
    assert.equal(ds.state, 'COMMITTED')
    assert.equal(ds.fileCount, 2)
    assert.equal(ds.size, 15)
    assert.deepEqual(ds.tags.map((t: Any) => t.name), ['raw'])
    const digests = FILES.map((f) =>
      [f.name, createHash('md5').update(f.content).digest('base64')] as [string, string]
    )
    assert.equal(ds.digest, manifestDigest(digests))
    assert.deepEqual(
      ds.aliases.map((a: Any) => a.alias),
      ['best'],
      'v0 is no longer latest once maker2 logged v1',
    )
    const p2 = await page(s, RUN_OUTPUT_ARTIFACTS_QUERY.document, 'maker', 1, p1.pageInfo.endCursor)
    assert.equal(p2.edges[0].node.artifactSequence.name, 'model')
    assert.deepEqual(p2.edges[0].node.aliases.map((a: Any) => a.alias), ['latest'])
    assert.equal(p2.pageInfo.hasNextPage, false)
    const v1 =
      (await page(s, RUN_OUTPUT_ARTIFACTS_QUERY.document, 'maker2', 10, null)).edges[0].node
    assert.equal(v1.versionIndex, 1)
    assert.deepEqual(v1.aliases.map((a: Any) => a.alias), ['latest'])
  })
})

test('RunInputArtifacts: a used artifact is the same stored version', async () => {
  await withServer(async (s) => {
    const used = await page(s, RUN_INPUT_ARTIFACTS_QUERY.document, 'user', 10, null)
    const logged = await page(s, RUN_OUTPUT_ARTIFACTS_QUERY.document, 'maker', 10, null)
    assert.equal(used.totalCount, 1)
    assert.equal(used.edges[0].node.id, logged.edges[0].node.id)
  })
})

test('the manifest lists every file; each downloads through the API-origin artifact routes', async () => {
  await withServer(async (s) => {
    const id =
      (await page(s, RUN_OUTPUT_ARTIFACTS_QUERY.document, 'maker', 10, null)).edges[0].node.id
    const manifestUrl =
      (await gqlData(s, FETCH_ARTIFACT_MANIFEST_QUERY.document, { id })).artifact.currentManifest
        .file.directUrl
    assert.ok(manifestUrl.startsWith(s.filesOrigin))
    const manifest = await (await fetch(manifestUrl)).json()
    assert.equal(manifest.storagePolicy, 'wandb-storage-policy-v1')
    assert.deepEqual(Object.keys(manifest.contents), ['sub/readme.md', 'train.csv'])
    const auth = { authorization: basicAuth(s.apiKey) }
    for (const f of FILES) {
      const entry = manifest.contents[f.name]
      assert.equal(entry.size, f.content.length)
      assert.equal(entry.birthArtifactID, id)
      const hex = Buffer.from(entry.digest, 'base64').toString('hex')
      const leaf = f.name.split('/').pop()
      const v2 = `${s.baseUrl}/artifactsV2/default/e/p/ds/${encodeURIComponent(id)}/${hex}/${leaf}`
      const v1 = `${s.baseUrl}/artifacts/e/${hex}`
      for (const url of [v2, v1]) {
        const res = await fetch(url, { headers: auth })
        assert.equal(res.status, 200, url)
        assert.equal(await res.text(), f.content)
      }
      const anonymous = await fetch(v1, { redirect: 'manual' })
      assert.equal(anonymous.status, 401)
      await anonymous.body?.cancel()
    }
  })
})

test('GetArtifactMembershipFileUrls pages an alias or version of a collection', async () => {
  await withServer(async (s) => {
    const files = async (alias: string) =>
      (await gqlData(s, GET_ARTIFACT_MEMBERSHIP_FILE_URLS_QUERY.document, {
        entity: 'e',
        project: 'p',
        collection: 'ds',
        alias,
        cursor: null,
        perPage: 50,
      })).project.artifactCollection.artifactMembership.files.edges.map((e: Any) => e.node)
    const v0 = await files('v0')
    assert.deepEqual(v0.map((n: Any) => n.name), ['sub/readme.md', 'train.csv'])
    assert.equal(await (await fetch(v0[1].directUrl)).text(), 'a,b\n1,2\n')
    const latest = await files('latest')
    assert.equal(await (await fetch(latest[0].directUrl)).text(), 'v2')
    assert.deepEqual((await files('best')).map((n: Any) => n.name), ['sub/readme.md', 'train.csv'])
  })
})
