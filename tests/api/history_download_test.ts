import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { downloadHistoryExports, IncompleteRunHistoryError } from '../../src/api/history/mod.ts'
import type { RunSeed } from '../server/run_seed.ts'
import { exportLayout, sampleRows } from '../server/sample_history.ts'
import { startTestServer } from '../server/test_server.ts'
import { fileRequests, graphqlRequests, queueFileFaults, transportFor } from './_setup.ts'

const RUN = { entity: 'ent', project: 'proj', id: 'run1' }
const FAST = { retryWaitMinMs: 1, retryWaitMaxMs: 20 }

/** Starts the test server holding RUN and returns it with a fast-retrying transport for it. */
async function serve(run: Omit<RunSeed, 'entity' | 'project' | 'id'>) {
  const server = await startTestServer({ runs: [{ ...RUN, ...run }] })
  const exportBytes = () => server.exportFiles(RUN.entity, RUN.project, RUN.id)
  return { server, transport: transportFor(server), exportBytes }
}

/** Runs `body` with a fresh temporary folder, removed afterwards. */
async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-history-'))
  try {
    await body(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

test("saves every export whole under the SDK's names, without credentials", async () => {
  const { server, transport, exportBytes } = await serve(
    exportLayout(sampleRows(), { files: 3 }),
  )
  try {
    await withDir(async (dir) => {
      const target = join(dir, 'exports', 'nested')
      const result = await downloadHistoryExports(transport, RUN, target)
      const names = [0, 1, 2].map((i) => join(target, `ent_proj_run1_${i}.runhistory.parquet`))
      assert.deepEqual(result, { paths: names, containsLiveData: false, errors: {} })
      for (const [i, name] of names.entries()) {
        assert.deepEqual(new Uint8Array(await readFile(name)), exportBytes()[i])
      }
      assert.deepEqual((await readdir(target)).sort(), names.map((n) => n.slice(target.length + 1)))
      const files = fileRequests(server)
      const graphql = graphqlRequests(server)
      assert.ok(files.length >= 3)
      assert.ok(files.every((f) => f.headers.authorization === undefined))
      assert.deepEqual(graphql.map((g) => g.operation), ['RunParquetHistory'])
      assert.deepEqual(graphql[0].variables?.liveKeys, ['_step'])
    })
  } finally {
    await server.stop()
  }
})

test('unexported rows raise IncompleteRunHistoryError unless complete history is not required', async () => {
  const rows = sampleRows()
  const { server, transport } = await serve(exportLayout(rows, { exported: 52, files: 2 }))
  try {
    await withDir(async (dir) => {
      const err = await downloadHistoryExports(transport, RUN, dir).catch((e) => e)
      assert.ok(err instanceof IncompleteRunHistoryError)
      assert.equal(err.name, 'IncompleteRunHistoryError')
      assert.equal(err.runPath, 'ent/proj/run1')
      assert.equal(err.liveRows, 8)
      assert.equal(err.minLiveStep, rows[52]._step)
      assert.match(err.message, /8 row\(s\) from step 62 are not exported to Parquet yet/)
      assert.deepEqual(await readdir(dir), [])
      assert.equal(fileRequests(server).length, 0)

      const partial = await downloadHistoryExports(transport, RUN, dir, {
        requireCompleteHistory: false,
      })
      assert.equal(partial.containsLiveData, true)
      assert.equal(partial.paths.length, 2)
      assert.deepEqual(partial.errors, {})
    })
  } finally {
    await server.stop()
  }
})

test('dropped and truncated downloads are retried and the bytes come out exact', async () => {
  const { server, transport, exportBytes } = await serve(exportLayout(sampleRows(), { files: 2 }))
  try {
    const faults = queueFileFaults(
      server,
      { kind: 'truncate' },
      { kind: 'drop' },
      { kind: 'status', status: 503, retryAfter: '0' },
    )
    await withDir(async (dir) => {
      const result = await downloadHistoryExports(transport, RUN, dir, { exportFetch: FAST })
      assert.deepEqual(result.errors, {})
      assert.equal(faults.filter((f) => f.fired() === 0).length, 0)
      for (const [i, path] of result.paths.entries()) {
        assert.deepEqual(new Uint8Array(await readFile(path)), exportBytes()[i])
      }
      assert.equal((await readdir(dir)).filter((n) => n.endsWith('.part')).length, 0)
    })
  } finally {
    await server.stop()
  }
})

test('a file that keeps failing is reported in errors; the others are saved', async () => {
  const { server, transport } = await serve(exportLayout(sampleRows(), { files: 2 }))
  try {
    for (let i = 0; i < 3; i++) queueFileFaults(server, { kind: 'status', status: 500 })
    await withDir(async (dir) => {
      const result = await downloadHistoryExports(transport, RUN, dir, {
        exportFetch: { ...FAST, retries: 2 },
      })
      const first = join(dir, 'ent_proj_run1_0.runhistory.parquet')
      assert.deepEqual(result.paths, [join(dir, 'ent_proj_run1_1.runhistory.parquet')])
      assert.deepEqual(Object.keys(result.errors), [first])
      assert.match(result.errors[first], /HTTP 500 \(after 3 attempts\)/)
      assert.deepEqual(await readdir(dir), ['ent_proj_run1_1.runhistory.parquet'])
    })
  } finally {
    await server.stop()
  }
})

test('a run path part that would leave the folder is refused before any request', async () => {
  const { server, transport } = await serve(exportLayout(sampleRows()))
  try {
    await withDir(async (dir) => {
      for (
        const bad of [{ ...RUN, id: '../x' }, { ...RUN, entity: 'a/b' }, { ...RUN, project: '..' }]
      ) {
        await assert.rejects(
          downloadHistoryExports(transport, bad, dir),
          /would make a path outside the target folder/,
        )
      }
      assert.equal(graphqlRequests(server).length, 0)
      assert.deepEqual(await readdir(dir), [])
    })
  } finally {
    await server.stop()
  }
})
