/**
 * The artifact part of the peer cross-read: `peer-rich` logs `peer-data` (two files) with the
 * official SDK, `peer-sparse` uses it; the SDK's `logged_artifacts()`/`used_artifacts()`, wbx's
 * `Run.loggedArtifacts()`/`usedArtifacts()` and `LocalRun.loggedArtifacts()`/`usedArtifacts()`
 * must agree, and the files both clients download must equal the bytes that were logged.
 * Registered from peer_test.ts so they share its one logging pass.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Buffer } from 'node:buffer'
import { Api } from '../../src/api/api.ts'
import type { Artifact } from '../../src/api/artifact.ts'
import { LocalRun } from '../../src/local/local_run.ts'
import { ENTITY, peerRuns, PROJECT, type SdkArtifact } from './_peer_runs.ts'

/** The files `log_runs.py` puts into `peer-data` (ARTIFACT_FILES there), by path. */
const LOGGED: Record<string, Uint8Array> = {
  'data.txt': new TextEncoder().encode('hello artifact\n'),
  'nested/values.bin': Uint8Array.from({ length: 768 }, (_, i) => i % 256),
}

/** Reads a stream of batches into one array. */
async function drain<T>(stream: ReadableStream<T[]>): Promise<T[]> {
  const out: T[] = []
  const reader = stream.getReader()
  while (true) {
    const { done, value } = await reader.read()
    if (done) return out
    out.push(...value)
  }
}

/** The comparable view of a wbx `Artifact` (the SDK's fields, same names). */
async function wbxView(a: Artifact): Promise<Record<string, unknown>> {
  const entries = (await a.manifest()).map((e) => [e.path, e.digest, e.size])
    .sort((x, y) => String(x[0]).localeCompare(String(y[0])))
  return {
    name: a.name,
    type: a.type,
    version: a.version,
    aliases: [...a.aliases].sort(),
    digest: a.digest,
    size: a.size,
    file_count: a.fileCount,
    state: a.state,
    description: a.description ?? null,
    metadata: a.metadata,
    entries,
  }
}

/** The SDK view without what wbx does not report the same way (file list, download root). */
function sdkView(a: SdkArtifact): Record<string, unknown> {
  const { files: _files, download_root: _root, ...rest } = a
  return rest
}

/** A wbx `Run` on the peer server. */
async function apiRun(id: string) {
  const { server } = await peerRuns()
  return new Api({ baseUrl: server.baseUrl, apiKey: server.apiKey })
    .run(`${ENTITY}/${PROJECT}/${id}`)
}

/** Registers the artifact cross-read tests (skipped with `skip`'s message). */
export function artifactTests(skip: string | false, timeout: number): void {
  test(
    'peer: the artifacts peer-rich and peer-offline logged read the same from the SDK and wbx Run',
    {
      skip,
      timeout,
    },
    async () => {
      const runs = await peerRuns()
      const sdk = runs.sdk['peer-rich'].logged_artifacts
      // peer-data plus the run_table artifact wandb makes for the wandb.Table logged at step 12.
      assert.deepEqual(sdk.map((a) => [a.name, a.type]).sort(), [
        ['peer-data:v0', 'dataset'],
        ['run-peer-rich-table:v0', 'run_table'],
      ])
      const data = sdk.find((a) => a.name === 'peer-data:v0')!
      // `latest` moved to v1 when the synced offline run logged new content.
      assert.deepEqual(data.aliases, ['best'])
      assert.equal(data.state, 'COMMITTED')
      assert.deepEqual(data.files, Object.keys(LOGGED))
      assert.deepEqual(data.entries.map((e) => [e[0], e[2]]), [
        ['data.txt', 15],
        ['nested/values.bin', 768],
      ])
      assert.equal(data.size, 783)
      const offline = runs.sdk['peer-offline'].logged_artifacts
      assert.deepEqual(offline.map((a) => [a.name, a.aliases, a.size]), [
        ['peer-data:v1', ['latest'], 18],
      ])
      for (const id of ['peer-rich', 'peer-offline']) {
        const wbx = await drain((await apiRun(id)).loggedArtifacts())
        assert.deepEqual(
          await Promise.all(wbx.map(wbxView)),
          runs.sdk[id].logged_artifacts.map(sdkView),
        )
      }
    },
  )

  test(
    'peer: LocalRun.loggedArtifacts() matches the SDK for the offline run; online runs keep none',
    {
      skip,
      timeout,
    },
    async () => {
      const runs = await peerRuns()
      // The local log knows name, type, aliases, digest and the manifest, not the version the
      // server assigned at commit (README: intended difference).
      const local = await (await LocalRun.open(runs.folders['peer-offline'])).loggedArtifacts()
      const localView = local.map((a) => ({
        name: a.name,
        type: a.type,
        aliases: [...a.aliases].sort(),
        digest: a.digest,
        size: a.size,
        file_count: a.fileCount,
        description: a.description === '' ? null : a.description,
        metadata: a.metadata ?? {},
        entries: a.manifest!.entries.map((e) => [e.path, e.digest, e.size])
          .sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
        version: a.version,
      }))
      const expected = runs.sdk['peer-offline'].logged_artifacts.map((a) => ({
        name: a.name.replace(/:v\d+$/, ''),
        type: a.type,
        aliases: a.aliases,
        digest: a.digest,
        size: a.size,
        file_count: a.file_count,
        description: a.description,
        metadata: a.metadata,
        entries: a.entries,
        version: null,
      }))
      assert.deepEqual(localView, expected)
      // An online run hands log_artifact to wandb-core as a request, which the .wandb log does not
      // keep: nothing about peer-data is in peer-rich's log (README: intended difference).
      const rich = await LocalRun.open(runs.folders['peer-rich'])
      assert.deepEqual(await rich.loggedArtifacts(), [])
      const bytes = new Uint8Array(await readFile(rich.wandbFiles[0]))
      assert.equal(Buffer.from(bytes).includes('peer-data'), false)
    },
  )

  test('peer: the artifact files downloaded by the SDK and by wbx equal the logged bytes', {
    skip,
    timeout,
  }, async () => {
    const runs = await peerRuns()
    let checked = 0
    for (const id of ['peer-rich', 'peer-offline']) {
      const sdk = runs.sdk[id].logged_artifacts
      for (const artifact of await drain((await apiRun(id)).loggedArtifacts())) {
        const root = sdk.find((a) => a.name === artifact.name)!.download_root!
        const dir = await mkdtemp(join(runs.dir, 'wbx-download-'))
        const result = await artifact.download(dir)
        assert.deepEqual(result.skippedReferences, [])
        const entries = await artifact.manifest()
        assert.equal(result.files.length, entries.length)
        for (const { path } of entries) {
          const mine = new Uint8Array(await readFile(join(dir, path)))
          assert.deepEqual(mine, new Uint8Array(await readFile(join(root, path))), path)
          const logged = artifact.name === 'peer-data:v0'
            ? LOGGED[path]
            : artifact.name === 'peer-data:v1'
            ? new TextEncoder().encode('hello artifact v1\n')
            : undefined
          if (!logged) continue
          assert.deepEqual(mine, logged, `wbx ${artifact.name} ${path}`)
          const src = artifact.name === 'peer-data:v0' ? 'artifact-src' : 'artifact-src-v1'
          const source = new Uint8Array(await readFile(join(runs.dir, src, path)))
          assert.deepEqual(source, logged, `${path} as log_runs.py wrote it`)
          checked++
        }
      }
    }
    assert.equal(checked, 3, 'data.txt and nested/values.bin of v0, data.txt of v1')
  })

  test('peer: peer-sparse used the artifact: SDK used_artifacts(), wbx and LocalRun agree', {
    skip,
    timeout,
  }, async () => {
    const runs = await peerRuns()
    const sdk = runs.sdk['peer-sparse'].used_artifacts
    assert.equal(sdk.length, 1, 'the SDK sees one artifact used by peer-sparse')
    assert.equal(sdk[0].name, 'peer-data:v0')
    const logged = runs.sdk['peer-rich'].logged_artifacts.find((a) => a.name === 'peer-data:v0')
    assert.deepEqual(sdk[0], { ...logged, download_root: null })
    const wbx = await drain((await apiRun('peer-sparse')).usedArtifacts())
    assert.deepEqual(await Promise.all(wbx.map(wbxView)), sdk.map(sdkView))
    assert.deepEqual(runs.sdk['peer-sparse'].logged_artifacts, [])

    const local = await (await LocalRun.open(runs.folders['peer-sparse'])).usedArtifacts()
    assert.equal(local.length, 1)
    assert.equal(local[0].id, wbx[0].id, 'the local log records the server ID it used')
    assert.equal(local[0].type, sdk[0].type)
    // The local log keeps the name as the run asked for it; the server resolved it to v0.
    assert.deepEqual([local[0].name, local[0].version], ['peer-data:best', 'best'])
    assert.deepEqual(await (await LocalRun.open(runs.folders['peer-sparse'])).loggedArtifacts(), [])
    assert.deepEqual(await (await LocalRun.open(runs.folders['peer-rich'])).usedArtifacts(), [])
  })
}
