import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { apiFor, drain, ENTITY, PROJECT, RUN_ID, withServer } from './_setup.ts'
import { WandbApiError } from '../../src/api/wandb_api_error.ts'
import { pyRepr, quoteSegment } from '../../src/api/run_attrs.ts'
import { Run } from '../../src/api/run.ts'
import type { GenerateRunOptions } from '../server/generate_run.ts'
import { skipWithoutWandbPython, wandbPython } from '../_python.ts'

const PATH = `${ENTITY}/${PROJECT}/${RUN_ID}`

/** A run with internal config keys, non-finite summary values, tags, notes and artifacts. */
const RICH: GenerateRunOptions = {
  tags: ['baseline', 'v2'],
  notes: 'first try',
  group: 'g1',
  jobType: 'train',
  commit: 'abc123',
  sweepName: 'sw1',
  rawConfig: {
    _wandb: { value: { cli_version: '0.31.0' } },
    wandb_version: '0.31.0',
    lr: { value: 0.1, desc: null },
    layers: { value: { value: 3 }, desc: 'wrapped twice' },
    plain: [1, 2],
  },
  summary: { a: NaN, b: Infinity, c: -Infinity, n: { x: 1 } },
  loggedArtifacts: [{ name: 'ds', aliases: ['best'] }],
  usedArtifacts: [{ name: 'model', type: 'model' }],
}

test('api.run loads every attribute with the full fragment', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    assert.equal(run.id, 'run1')
    assert.equal(run.name, 'run1')
    assert.equal(run.displayName, 'run1')
    assert.equal(run.state, 'finished')
    assert.equal(run.entity, ENTITY)
    assert.equal(run.project, PROJECT)
    assert.deepEqual(run.path, [ENTITY, PROJECT, RUN_ID])
    assert.equal(run.url, `${server.baseUrl}/${ENTITY}/${PROJECT}/runs/${RUN_ID}`)
    assert.deepEqual(run.tags, ['baseline', 'v2'])
    assert.equal(run.notes, 'first try')
    assert.equal(run.group, 'g1')
    assert.equal(run.jobType, 'train')
    assert.equal(run.commit, 'abc123')
    assert.equal(run.sweepName, 'sw1')
    assert.equal(run.createdAt, '2024-01-01T00:00:00')
    assert.equal(run.heartbeatAt, '2024-01-01T00:00:09')
    assert.equal(run.readOnly, false)
    assert.equal(run.historyLineCount, 20)
    assert.equal(run.projectInternalId, 1)
    assert.deepEqual(run.user, { name: 'Test User', username: 'test-user' })
    assert.equal(typeof run.storageId, 'string')
    assert.ok(run.storageId.length > 0)
    assert.deepEqual(run.config, { lr: 0.1, layers: { value: 3 }, plain: [1, 2] })
    assert.deepEqual(Object.keys(run.rawconfig), [
      '_wandb',
      'wandb_version',
      'lr',
      'layers',
      'plain',
    ])
    assert.deepEqual(run.rawconfig._wandb, { cli_version: '0.31.0' })
    assert.ok(Number.isNaN(run.summary.a))
    assert.equal(run.summary.b, Infinity)
    assert.equal(run.summary.c, -Infinity)
    assert.deepEqual(run.summary.n, { x: 1 })
    assert.equal(run.summary, run.summaryMetrics)
    assert.deepEqual(run.systemMetrics, {
      'system.cpu': 95.3,
      'system.memory': 29.7,
      'system.proc.memory.rssMB': 513,
    })
    const keys = run.historyKeys as { lastStep: number; keys: Record<string, unknown> }
    assert.equal(keys.lastStep, 19)
    assert.deepEqual(Object.keys(keys.keys), [
      '_step',
      '_runtime',
      '_timestamp',
      'loss',
      'acc',
      'lr',
    ])
    assert.equal(await run.lastHistoryStep, 19)
    const meta = await run.metadata
    assert.equal(meta?.program, 'train.py')
    assert.deepEqual(meta?.args, ['--run', 'run1'])
    assert.equal(String(run), '<Run test-entity/test-project/run1 (finished)>')
    // A full path needs no viewer lookup: the run query comes first, then lastHistoryStep's.
    const ops = server.requests.filter((r) => r.origin === 'api').map((r) => r.operation)
    assert.deepEqual(ops.slice(0, 2), ['Run', 'RunHistoryKeys'])
  }, RICH)
})

test('lastHistoryStep is -1 for a run without history and metadata undefined without the file', async () => {
  await withServer(async (server) => {
    server.addRun({ entity: ENTITY, project: PROJECT, id: 'empty' })
    const run = await apiFor(server).run(`${ENTITY}/${PROJECT}/empty`)
    assert.equal(await run.lastHistoryStep, -1)
    assert.equal(await run.metadata, undefined)
    assert.deepEqual(run.config, {})
    assert.deepEqual(run.summary, {})
  })
})

test('a missing run fails with a not-found WandbApiError naming the path', async () => {
  await withServer(async (server) => {
    await assert.rejects(apiFor(server).run(`${ENTITY}/${PROJECT}/nope`), (err: unknown) => {
      assert.ok(err instanceof WandbApiError)
      assert.equal(err.code, 'not-found')
      assert.equal(err.runPath, `${ENTITY}/${PROJECT}/nope`)
      assert.match(
        err.message,
        /^Could not find run test-entity\/test-project\/nope on http:\/\/127\.0\.0\.1:\d+; check/,
      )
      return true
    })
  })
})

test('lazy runs carry no heavy fields until loadFull(), which sends the full fragment once', async () => {
  await withServer(async (server) => {
    const api = apiFor(server)
    const run = await api.run(PATH, { lazy: true })
    assert.equal(run.lazy, true)
    assert.deepEqual(run.tags, ['baseline', 'v2'])
    for (
      const read of [
        () => run.config,
        () => run.summary,
        () => run.systemMetrics,
        () => run.historyKeys,
      ]
    ) {
      assert.throws(read, (err: Error) => {
        assert.ok(err instanceof TypeError)
        assert.match(
          err.message,
          /^Cannot read Run\.\w+ of test-entity\/test-project\/run1: it is not loaded .* await run\.loadFull\(\) first/,
        )
        return true
      })
    }
    const lazyQuery = server.requests.find((r) => r.operation === 'Run')!
    assert.match(lazyQuery.body, /\.\.\.LightweightRunFragment/)
    assert.doesNotMatch(lazyQuery.body, /summaryMetrics/)
    await run.loadFull()
    assert.deepEqual(run.config, { lr: 0.1, layers: { value: 3 }, plain: [1, 2] })
    assert.equal(run.summary.b, Infinity)
    const runQueries = server.requests.filter((r) => r.operation === 'Run')
    assert.equal(runQueries.length, 2)
    assert.match(runQueries[1].body, /\.\.\.RunFragment/)
  }, RICH)
})

test('path and url percent-encode like urllib.parse.quote(safe="")', async () => {
  await withServer(async (server) => {
    server.addRun({ entity: 'me', project: 'My Project/x', id: 'a b' })
    const run = await apiFor(server).run('https://example.test/me/My%20Project%2Fx/runs/a%20b')
    assert.deepEqual(run.path, ['me', 'My%20Project%2Fx', 'a%20b'])
    assert.equal(run.url, `${server.baseUrl}/me/My%20Project%2Fx/runs/a%20b`)
  })
  assert.equal(quoteSegment("a'b(c)*!~_.-"), 'a%27b%28c%29%2A%21~_.-')
})

test('toHtml produces the SDK iframe, hidden behind a button on request', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    const src = `${server.baseUrl}/${PATH.replace(/\/run1$/, '/runs/run1')}?jupyter=true`
    assert.equal(
      run.toHtml(),
      `<iframe src='${src}' style='border:none;width:100%;height:420px;'></iframe>`,
    )
    assert.equal(
      run.toHtml({ height: 300, hidden: true }),
      `<button onClick="this.nextSibling.style.display='block';this.style.display='none';">Display W&B run</button>` +
        `<iframe src='${src}' style='border:none;width:100%;height:300px;display:none;'></iframe>`,
    )
  })
  assert.equal(pyRepr("it's"), `"it's"`)
  assert.equal(pyRepr(`it's "x"`), `'it\\'s "x"'`)
  assert.equal(pyRepr('a\\b\n'), `'a\\\\b\\n'`)
})

test('username is the deprecated alias of entity', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    assert.equal(run.username, ENTITY)
  })
})

test('a Run built from listing attrs decodes JSON strings and skips a second query', () => {
  const client = { transport: undefined as never, appUrl: 'https://wandb.example' }
  const run = new Run(client, 'e', 'p', 'r', {
    id: 'UnVu',
    name: 'r',
    state: 'running',
    projectId: '7',
    config: '{"_wandb": {"value": {"x": 1}}, "lr": {"value": 0.5, "desc": null}}',
    summaryMetrics: '{"loss": NaN, "text": "line\u0001break"}',
    systemMetrics: null,
    user: { name: 'N', username: 'u' },
  }, { lazy: false })
  assert.equal(run.projectInternalId, 7)
  assert.deepEqual(run.config, { lr: 0.5 })
  assert.deepEqual(run.rawconfig, { _wandb: { x: 1 }, lr: 0.5 })
  assert.ok(Number.isNaN(run.summary.loss))
  assert.equal(run.summary.text, 'line\u0001break')
  assert.deepEqual(run.systemMetrics, {})
  assert.equal(run.url, 'https://wandb.example/e/p/runs/r')
})

test('history methods delegate to the history readers', async () => {
  await withServer(async (server) => {
    const run = await apiFor(server).run(PATH)
    const rows = await drain(run.scanHistory())
    assert.deepEqual(rows.map((r) => r._step), Array.from({ length: 20 }, (_, i) => i))
    const some = await drain(run.scanHistory({ keys: ['loss'], minStep: 5, maxStep: 8 }))
    assert.deepEqual(some.map((r) => Object.keys(r).sort()), [
      ['_step', 'loss'],
      ['_step', 'loss'],
      ['_step', 'loss'],
    ])
    const beta = await drain(run.betaScanHistory({ maxStep: 3 }))
    assert.equal(beta.length, 3)
    const sampled = await run.history({ samples: 5 })
    assert.equal(sampled.sampled, true)
    assert.ok(sampled.rows.length > 0 && sampled.rows.length <= 20)
  })
})

test('wbx reads the same attributes as the official SDK from the same server', {
  skip: skipWithoutWandbPython,
}, async () => {
  await withServer(async (server) => {
    const script = fileURLToPath(new URL('./_sdk_run.py', import.meta.url))
    // The SDK talks to this process's server, so it must run asynchronously.
    const sdkRun = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const child = spawn(wandbPython!, [script, server.baseUrl, server.apiKey, PATH])
      let out = ''
      let errText = ''
      child.stdout.on('data', (d) => (out += d))
      child.stderr.on('data', (d) => (errText += d))
      child.on(
        'close',
        (code) => code === 0 ? resolve(JSON.parse(out)) : reject(new Error(errText)),
      )
    })
    const run = await apiFor(server).run(PATH)
    const float = (v: unknown): unknown =>
      typeof v === 'number' && !Number.isFinite(v)
        ? { $float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' }
        : v !== null && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, float(x)]))
        : v
    const ours = {
      id: run.id,
      storage_id: run.storageId,
      name: run.name,
      state: run.state,
      entity: run.entity,
      project: run.project,
      path: run.path,
      url: run.url,
      tags: run.tags,
      notes: run.notes ?? null,
      group: run.group ?? null,
      job_type: run.jobType ?? null,
      created_at: run.createdAt,
      heartbeat_at: run.heartbeatAt,
      read_only: run.readOnly,
      project_id: run.projectId,
      user: run.user,
      sweep_name: run.sweepName ?? null,
      config: run.config,
      rawconfig: run.rawconfig,
      summary_metrics: float(run.summaryMetrics),
      system_metrics: run.systemMetrics,
      history_keys: run.historyKeys,
      lastHistoryStep: await run.lastHistoryStep,
      metadata: await run.metadata,
      html: run.toHtml(),
      html_hidden: run.toHtml({ height: 300, hidden: true }),
      repr: String(run),
      files: (await drain(run.files())).map((f) => [f.name, f.size, f.md5]),
      logged_artifacts: (await drain(run.loggedArtifacts())).map((
        a,
      ) => [a.name, a.type, a.version, a.aliases, a.digest, a.size]),
      used_artifacts: (await drain(run.usedArtifacts())).map((
        a,
      ) => [a.name, a.type, a.version, a.aliases]),
    }
    assert.deepEqual(ours, sdkRun)
  }, RICH)
})
