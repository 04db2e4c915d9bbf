import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Artifact } from '../../src/api/artifact.ts'
import { tempDir } from '../bulk/_project.ts'
import { apiFor, drain, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`
const FILES = { 'a.txt': 'hello wbx\n', 'sub/b.csv': 'x,y\n1,2\n', 'weights.bin': 'w'.repeat(5000) }
const md5 = (text: string) => createHash('md5').update(text).digest('base64')

const seed = {
  loggedArtifacts: [{
    name: 'wbx-dataset',
    type: 'dataset',
    aliases: ['best'],
    tags: ['small'],
    description: 'a tiny dataset',
    metadata: { rows: 1 },
    files: Object.entries(FILES).map(([name, content]) => ({ name, content })),
  }],
}

test('an Artifact read from a run carries its name, version, collection, aliases and metadata', async () => {
  await withServer(async (server) => {
    const [artifact] = await drain((await apiFor(server).run(PATH)).loggedArtifacts())
    assert.ok(artifact instanceof Artifact)
    assert.equal(artifact.name, 'wbx-dataset:v0')
    assert.equal(artifact.collection, 'wbx-dataset')
    assert.equal(artifact.version, 'v0')
    assert.equal(artifact.type, 'dataset')
    assert.deepEqual(artifact.aliases.filter((a) => a !== 'latest'), ['best'])
    assert.deepEqual(artifact.tags, ['small'])
    assert.deepEqual(artifact.metadata, { rows: 1 })
    assert.equal(artifact.description, 'a tiny dataset')
    assert.equal(artifact.entity, ENTITY)
    assert.equal(artifact.project, PROJECT)
    assert.equal(artifact.fileCount, 3)
    const json = JSON.parse(JSON.stringify(artifact))
    assert.equal(json.name, 'wbx-dataset:v0')
    assert.equal(json.fileCount, 3)
    const defined = Object.entries(artifact.toJSON()).filter(([, v]) => v !== undefined)
    assert.deepEqual(Object.keys(json).sort(), defined.map(([k]) => k).sort())
  }, seed)
})

test('manifest lists each file with size and md5; fileUrls pages through every file', async () => {
  await withServer(async (server) => {
    const [artifact] = await drain((await apiFor(server).run(PATH)).loggedArtifacts())
    const entries = await artifact.manifest()
    assert.deepEqual(
      entries.map((e) => [e.path, e.size, e.digest]).sort(),
      Object.entries(FILES).map(([name, text]) => [name, text.length, md5(text)]).sort(),
    )
    const urls = await artifact.fileUrls(undefined, 1)
    assert.deepEqual([...urls.keys()].sort(), Object.keys(FILES).sort())
    for (const url of urls.values()) assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\//)
  }, seed)
})

test('download writes every file verified, and skips identical files the second time', async () => {
  const { dir, cleanup } = tempDir('artifact-download')
  try {
    await withServer(async (server) => {
      const [artifact] = await drain((await apiFor(server).run(PATH)).loggedArtifacts())
      const first = await artifact.download(dir)
      assert.deepEqual(first.skippedReferences, [])
      assert.deepEqual(first.files.map((f) => f.skipped), [false, false, false])
      for (const [name, text] of Object.entries(FILES)) {
        assert.equal(await readFile(join(dir, name), 'utf8'), text)
      }
      const second = await artifact.download(dir)
      assert.deepEqual(second.files.map((f) => f.skipped), [true, true, true])
    }, seed)
  } finally {
    cleanup()
  }
})
