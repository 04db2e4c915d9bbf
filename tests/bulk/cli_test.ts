import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Manifest } from '../../src/bulk/manifest.ts'
import { verifyDataset } from '../../src/bulk/verify.ts'
import { ownFixturesDir } from '../_fixtures.ts'
import { runCli } from '../cli/_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import {
  addRuns,
  duckRows,
  runId,
  seedRun,
  sqlPath,
  stepsOf,
  tempDir,
  useServerEnv,
} from './_project.ts'

const RUNS = 8
let server: TestServer
let restoreEnv: (() => void) | undefined
const folders: { dir: string; cleanup: () => void }[] = []

before(async () => {
  server = await startTestServer()
  addRuns(server, 'bulk', 'cli', RUNS)
  restoreEnv = useServerEnv(server)
}, { timeout: 60_000 })

after(async () => {
  restoreEnv?.()
  for (const f of folders) f.cleanup()
  await server.stop()
})

function folder(label: string): string {
  const f = tempDir(label)
  folders.push(f)
  return f.dir
}

test(
  'export rejects misuse with exit code 2 and a message naming the option',
  { timeout: 60_000 },
  async () => {
    const cases: [string[], RegExp][] = [
      [['export', 'bulk/cli'], /Missing --out DIR/],
      [
        ['export', 'bulk/cli', '-o', 'x', '--pattern', '%.json'],
        /--pattern selects run files; add --files/,
      ],
      [['export', 'bulk/cli', '-o', 'x', '--filters', '{bad'], /--filters must be JSON/],
      [['export', 'bulk/cli', '-o', 'x', '--since', 'soon'], /Cannot use --since 'soon'/],
      [['export', 'bulk/cli', '-o', 'x', '--shard', '3/3'], /index must be below the count/],
      [['export', 'bulk/cli', '-o', 'x', '--format', 'xlsx'], /Unknown --format "xlsx"/],
      [['export', 'bulk/cli', '-o', 'x', '--concurrency', '0'], /--concurrency must be at least 1/],
      [['export', 'bulk/cli', '-o', 'x', '--workers=-1'], /--workers must be 0 or more, got -1/],
      [['export', 'bulk/cli', '-o', 'x', '--workers', 'all'], /--workers must be an integer/],
      [
        ['export', 'bulk/cli', '-o', 'x', '--memory', 'lots'],
        /--memory: Cannot read the size "lots"/,
      ],
      [
        ['export', 'bulk/cli', '-o', 'x', '--rss-limit', 'small'],
        /--rss-limit: Cannot read the size "small".*, or 0/,
      ],
      [['verify'], /Expected one <DIR>/],
    ]
    for (const [argv, message] of cases) {
      const r = await runCli(argv)
      assert.equal(r.code, 2, argv.join(' '))
      assert.match(r.stderr, message, argv.join(' '))
    }
    const local = await runCli([
      'export',
      join(ownFixturesDir, 'runs', 'wandb'),
      '-o',
      folder('local-filters'),
      '--filters',
      '{"state": "finished"}',
    ])
    assert.equal(local.code, 1)
    assert.match(local.stderr, /Cannot apply --filters to a local wandb\/ folder/)
  },
)

test('--dry-run prints the plan and writes nothing', { timeout: 60_000 }, async () => {
  const dir = join(folder('dry'), 'not-yet')
  const text = await runCli(['export', 'bulk/cli', '-o', dir, '--dry-run'])
  assert.equal(text.code, 0, text.stderr)
  assert.match(text.stdout, /^id +action +rows +bytes +requests$/m)
  assert.match(text.stdout, new RegExp(`^${runId(3)} +new +${stepsOf(3)} `, 'm'))
  assert.match(text.stdout, new RegExp(`^${RUNS} runs: ${RUNS} to export, 0 unchanged`, 'm'))
  assert.equal(existsSync(dir), false)
  const json = await runCli([
    'export',
    'bulk/cli',
    '-o',
    dir,
    '--dry-run',
    '--json',
    '--history',
    '--files',
  ])
  const plan = JSON.parse(json.stdout)
  let rows = 0
  for (let i = 0; i < RUNS; i++) rows += stepsOf(i)
  assert.equal(plan.totals.rows, rows)
  assert.equal(plan.totals.toExport, RUNS)
  assert.equal(plan.totals.listingRequests, 1)
  // Each run: history (1 + pages) and files (a listing plus two requests per file of the five).
  assert.equal(plan.runs[0].requests, 1 + 1 + 1 + 2 * 5)
  assert.ok(plan.totals.bytes > rows * 8)
  assert.equal(existsSync(dir), false)
})

test('--shard i/n: two machines export disjoint halves into one folder that reads as one', {
  timeout: 60_000,
}, async () => {
  const dir = folder('shards')
  for (const shard of ['0/2', '1/2']) {
    const r = await runCli(['export', 'bulk/cli', '-o', dir, '--shard', shard])
    assert.equal(r.code, 0, r.stderr)
  }
  const names = readdirSync(dir).sort()
  assert.deepEqual(names.filter((n) => !n.startsWith('history')), [
    'runs-shard-0-of-2.parquet',
    'runs-shard-1-of-2.parquet',
    'wbx-manifest-shard-0-of-2.json',
    'wbx-manifest-shard-1-of-2.json',
  ])
  const selections = ['0', '1'].map((i) =>
    (JSON.parse(readFileSync(join(dir, `wbx-manifest-shard-${i}-of-2.json`), 'utf8')) as Manifest)
      .selection
  )
  assert.ok(selections[0].length > 0 && selections[1].length > 0)
  assert.deepEqual(
    [...selections[0], ...selections[1]].sort(),
    Array.from({ length: RUNS }, (_, i) => runId(i)),
  )
  const runs = await duckRows(
    `SELECT count(*) AS n FROM read_parquet(${sqlPath(join(dir, 'runs*.parquet'))})`,
  )
  assert.deepEqual(runs, [{ n: BigInt(RUNS) }])
  const history = await duckRows(
    `SELECT count(DISTINCT run_id) AS runs FROM read_parquet(${
      sqlPath(join(dir, 'history/*/*.parquet'))
    }, hive_partitioning = true)`,
  )
  assert.deepEqual(history, [{ runs: BigInt(RUNS) }])
  const report = await verifyDataset(dir)
  assert.deepEqual(report.problems, [])
  assert.equal(report.manifests.length, 2)
  assert.equal(report.runs, RUNS)
  // One schema across shards: every history part and both runs tables have the same columns,
  // including keys only some runs (maybe only the other shard's) log.
  const manifests = ['0', '1'].map((i) =>
    JSON.parse(readFileSync(join(dir, `wbx-manifest-shard-${i}-of-2.json`), 'utf8')) as Manifest
  )
  assert.deepEqual(manifests[0].historySchema, manifests[1].historySchema)
  assert.ok(manifests[0].historySchema!.columns.includes('eval.score'))
  for (const pattern of ['history/*/*.parquet', 'runs*.parquet']) {
    const schemas = await duckRows(
      `SELECT file_name, string_agg(name || ':' || coalesce(logical_type::VARCHAR, type), ',' ORDER BY name) AS s FROM parquet_schema(${
        sqlPath(join(dir, pattern))
      }) GROUP BY file_name`,
    )
    assert.ok(schemas.length >= 2)
    assert.equal(new Set(schemas.map((r) => r.s)).size, 1, `${pattern}: ${JSON.stringify(schemas)}`)
  }
})

test(
  '--runs, --files, --logs, --system, --artifacts and CSV output',
  { timeout: 60_000 },
  async () => {
    const dir = folder('extras')
    const r = await runCli([
      'export',
      'bulk/cli',
      '-o',
      dir,
      '--runs',
      'r001,r002',
      '--history',
      '--files',
      '--pattern',
      '%.json',
      '--logs',
      '--system',
      '--artifacts',
      '--format',
      'csv',
      '--memory',
      '2MiB',
      '--rss-limit',
      '1MB',
      '--json',
    ])
    assert.equal(r.code, 0, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(out.complete, true)
    assert.equal(out.memory.budgetBytes, 2 * 1024 * 1024)
    assert.ok(out.memory.highWaterBytes > 0 && out.memory.highWaterBytes <= 2 * 1024 * 1024)
    // The memory watch: the peak resident size it read, and the collections it ran.
    assert.ok(out.memory.peakResidentBytes > 10 * 1024 * 1024, String(out.memory.peakResidentBytes))
    assert.ok(out.memory.collections >= 1, 'past a 1 MB limit the export collects')
    assert.ok(Number.isInteger(out.memory.trims), 'trims of the native heap are counted')
    assert.deepEqual(readdirSync(join(dir, 'history')).sort(), ['run_id=r001', 'run_id=r002'])
    const csv = readFileSync(join(dir, 'history/run_id=r001/part-00000.csv'), 'utf8').trim().split(
      '\n',
    )
    assert.equal(csv[0], '_step,_runtime,_timestamp,acc,loss,lr')
    assert.equal(csv.length, stepsOf(1) + 1)
    assert.deepEqual(readdirSync(join(dir, 'files/r001')).sort(), [
      'wandb-metadata.json',
      'wandb-summary.json',
    ])
    assert.equal(
      readFileSync(join(dir, 'logs/r001/output.log'), 'utf8'),
      new TextDecoder().decode(
        server.store.run('bulk', 'cli', 'r001')!.files.get('output.log')!.bytes,
      ),
    )
    const m: Manifest = JSON.parse(readFileSync(join(dir, 'wbx-manifest.json'), 'utf8'))
    assert.equal(m.runs.r001.system!.sampled, true)
    assert.equal(m.runs.r001.system!.rows, server.store.run('bulk', 'cli', 'r001')!.events.rowCount)
    assert.equal(m.runs.r001.artifacts!.rows, 0)
    assert.ok(m.runs.r001.files!.every((f) => /^[0-9a-f]{64}$/.test(f.sha256) && f.md5))
    assert.equal(readFileSync(join(dir, 'runs.csv'), 'utf8').trim().split('\n').length, 3)
    assert.deepEqual((await verifyDataset(dir)).problems, [])
  },
)

test(
  '--workers decodes exports and encodes history parts on worker threads, byte for byte as the main thread does',
  {
    timeout: 90_000,
  },
  async () => {
    type Encoding = { workers: number; groups: number; decoded: number }
    const parts = async (
      workers: string,
      ...flags: string[]
    ): Promise<[Record<string, string>, Encoding]> => {
      const dir = folder(`workers-${workers}${flags.join('')}`)
      const r = await runCli([
        'export',
        'bulk/cli',
        '-o',
        dir,
        '--workers',
        workers,
        ...flags,
        '--json',
      ])
      assert.equal(r.code, 0, r.stderr)
      const m: Manifest = JSON.parse(readFileSync(join(dir, 'wbx-manifest.json'), 'utf8'))
      const hashes: Record<string, string> = {}
      for (const run of Object.values(m.runs)) {
        for (const part of run.history!.parts) hashes[part.file] = part.sha256
      }
      return [hashes, JSON.parse(r.stdout).encoding]
    }
    const [inline, noWorkers] = await parts('0', '--decode-on-workers')
    const [threaded, encoding] = await parts('2', '--decode-on-workers')
    assert.equal(Object.keys(inline).length, RUNS)
    assert.deepEqual(threaded, inline)
    assert.deepEqual(noWorkers, { workers: 0, groups: 0, decoded: 0 })
    assert.deepEqual({ ...encoding, decoded: 0 }, { workers: 2, groups: RUNS, decoded: 0 })
    // Every run's history comes from its exports: at least one row group each, all decoded there.
    assert.ok(encoding.decoded >= RUNS, `${encoding.decoded} export row groups decoded on workers`)
    // By default the workers decode from 3 of them up; --decode-on-main keeps it on this thread.
    const [two, twoEncoding] = await parts('2')
    const [three, threeEncoding] = await parts('3')
    const [onMain, onMainEncoding] = await parts('3', '--decode-on-main')
    assert.deepEqual([two, three, onMain], [inline, inline, inline])
    assert.equal(twoEncoding.decoded, 0)
    assert.ok(threeEncoding.decoded >= RUNS, `${threeEncoding.decoded} decoded on 3 workers`)
    assert.equal(onMainEncoding.decoded, 0)
    const both = await runCli([
      'export',
      'bulk/cli',
      '-o',
      folder('both-decodes'),
      '--decode-on-workers',
      '--decode-on-main',
    ])
    assert.equal(both.code, 2)
    assert.match(both.stderr, /give --decode-on-workers or --decode-on-main, not both/)
  },
)

test('a run that fails every attempt is quarantined, the rest complete, and the exit code is 1', {
  timeout: 60_000,
}, async () => {
  server.addRun(seedRun('bulk', 'poison', 0))
  server.addRun(seedRun('bulk', 'poison', 1, { files: [{ name: '../escape.txt', content: 'x' }] }))
  server.addRun(seedRun('bulk', 'poison', 2))
  const dir = folder('poison')
  const r = await runCli(['export', 'bulk/poison', '-o', dir, '--files', '--attempts', '2'])
  assert.equal(r.code, 1)
  // A name that cannot be saved is not retried: the run is set aside after its first attempt.
  assert.match(r.stderr, /run r001 failed after 1 attempts: Cannot download '\.\.\/escape\.txt'/)
  assert.match(r.stderr, /1 runs failed; run the same command again to retry them/)
  const m: Manifest = JSON.parse(readFileSync(join(dir, 'wbx-manifest.json'), 'utf8'))
  assert.equal(m.complete, false)
  assert.deepEqual(m.failures.map((f) => [f.runId, f.attempts]), [['r001', 1]])
  assert.equal(m.runs.r000.complete, true)
  assert.equal(m.runs.r002.complete, true)
  const report = await verifyDataset(dir)
  assert.deepEqual(report.problems.map((p) => [p.kind, p.runId]), [['failed', 'r001']])
  const v = await runCli(['verify', dir])
  assert.equal(v.code, 1)
})

test('progress goes to stderr: on a terminal, or with --progress; never with --quiet', {
  timeout: 60_000,
}, async () => {
  const dir = folder('progress')
  const quiet = await runCli(['export', 'bulk/cli', '-o', dir, '--runs', 'r000'])
  assert.doesNotMatch(quiet.stderr, /export: runs/)
  assert.match(
    quiet.stderr,
    /^wbx: exported 1\/1 runs \(1 new\), [\d,]+ rows, .* requests, 0 retried$/m,
  )
  const forced = await runCli(['export', 'bulk/cli', '-o', dir, '--progress'])
  assert.match(
    forced.stderr,
    /^export: runs 8\/8, [\d,]+ rows, [\d.]+ [KM]?B, \d+ req\/s, concurrency \d+, \d+ retries, [\d.]+ s$/m,
  )
  assert.match(forced.stderr, /\(1 skip, 7 new\)/)
  const tty = await runCli(['export', 'bulk/cli', '-o', folder('tty')], { stderrIsTTY: true })
  assert.ok(tty.stderr.startsWith('\rexport: runs '), 'the line is redrawn in place')
  assert.match(tty.stderr, /export: runs 8\/8, .*\[K\n/)
  const silent = await runCli(['export', 'bulk/cli', '-o', folder('quiet'), '-q'], {
    stderrIsTTY: true,
  })
  assert.doesNotMatch(silent.stderr, /export: runs/)
})

test('--keys selects history columns (a nested key brings its leaves); --since selects runs', {
  timeout: 60_000,
}, async () => {
  const dir = folder('keys')
  const r = await runCli([
    'export',
    'bulk/cli',
    '-o',
    dir,
    '--keys',
    'loss,eval',
    '--since',
    '2024-01-01T00:05:00',
  ])
  assert.equal(r.code, 0, r.stderr)
  const m: Manifest = JSON.parse(readFileSync(join(dir, 'wbx-manifest.json'), 'utf8'))
  // Runs are created a minute apart from 00:00: r005 onwards pass the bound.
  assert.deepEqual(m.selection, ['r005', 'r006', 'r007'])
  assert.deepEqual(m.query.keys, ['loss', 'eval'])
  assert.equal(m.query.since!.time, '2024-01-01T00:05:00.000Z')
  const cols = await duckRows(
    `DESCRIBE SELECT * FROM read_parquet(${
      sqlPath(join(dir, 'history/run_id=r006/*.parquet'))
    }, hive_partitioning = false)`,
  )
  // One schema for the dataset: r006 logs eval (every third run), so its leaves are columns of
  // every part, in code-point order.
  assert.deepEqual(cols.map((c) => c.column_name), ['_step', 'eval.count', 'eval.score', 'loss'])
  const r005 = await duckRows(
    `DESCRIBE SELECT * FROM read_parquet(${
      sqlPath(join(dir, 'history/run_id=r005/*.parquet'))
    }, hive_partitioning = false)`,
  )
  // r005 never logged eval: it has the same columns, null.
  assert.deepEqual(r005.map((c) => c.column_name), ['_step', 'eval.count', 'eval.score', 'loss'])
  assert.equal(m.runs.r006.history!.rows, stepsOf(6))
  assert.deepEqual((await verifyDataset(dir)).problems, [])
  // The keys are part of the folder's identity: another selection needs another folder.
  const other = await runCli(['export', 'bulk/cli', '-o', dir, '--keys', 'acc'])
  assert.equal(other.code, 1)
  assert.match(other.stderr, /records the history keys \["loss","eval"\], not \["acc"\]/)
})

test('a resumed run keeps files an interrupted export already downloaded (md5 matches)', {
  timeout: 60_000,
}, async () => {
  const dir = folder('files-resume')
  const args = ['export', 'bulk/cli', '-o', dir, '--runs', 'r004', '--files', '--history']
  assert.equal((await runCli(args)).code, 0)
  // As if the export died after the downloads but before the run was recorded complete.
  const path = join(dir, 'wbx-manifest.json')
  const m: Manifest = JSON.parse(readFileSync(path, 'utf8'))
  m.runs.r004.complete = false
  delete m.runs.r004.files
  writeFileSync(path, JSON.stringify(m))
  const from = server.requests.length
  const again = await runCli(args)
  assert.equal(again.code, 0, again.stderr)
  const downloads = server.requests.slice(from).filter((r) => r.path.startsWith('/files/'))
  assert.deepEqual(downloads.map((r) => r.path), [])
  const files = (JSON.parse(readFileSync(path, 'utf8')) as Manifest).runs.r004.files!
  assert.equal(files.length, 5)
  assert.deepEqual((await verifyDataset(dir)).problems, [])
})
