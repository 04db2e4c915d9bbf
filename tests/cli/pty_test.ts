/**
 * The CLI in a real pseudo-terminal under Deno, Bun, Node and as a `bun build --compile` binary:
 * progress never mixes with data, pipes end quietly, Ctrl-C exits 130 without a partial file,
 * views are compact, login does not echo the key, and an unreachable server fails fast. Runs
 * only the bundled sample and project fixtures.
 */
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetMetadata } from 'hyparquet'
import { cliRuntimes, runInPty, skipWithoutScript } from './_pty.ts'
import { ZSTD_WASM_BASE64 } from '../../src/export/zstd_wasm_module.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { tempWandbDir, writeTestRun } from '../report/_report_runs.ts'

const SAMPLE = 'samples/wandb/latest-run'
const LARGE = 'tests/fixtures/runs/wandb/offline-run-20261128_072707-wbxlarge'
const MEDIA = 'tests/fixtures/runs/wandb/offline-run-20261128_072632-wbxmedia'
const REMOTE = 'demo-team/wbx-demo/wbxdemo1'
/** Where the compiled binary goes (about 100 MB; removed after the tests). */
const binaryDir = mkdtempSync(join(tmpdir(), 'wbx-binary-'))
let server: TestServer
/** A generated local run of several MB (its log is read in many slabs). */
let bigRun = ''

before(async () => {
  server = await startTestServer({ exportDefaults: { liveTail: 0, parquetFileRows: 50 } })
  await server.addLocalRun(SAMPLE, { entity: 'demo-team' })
  bigRun = await writeTestRun(await tempWandbDir('pty'), {
    id: 'ptybig',
    steps: 30_000,
    keys: ['loss', 'acc', 'lr', 'grad_norm', 'tokens', 'val/loss'],
    value: (key, step) => key.length + step / 7,
  })
})

after(async () => {
  await server.stop()
  rmSync(binaryDir, { recursive: true, force: true })
  if (bigRun) rmSync(join(bigRun, '..', '..'), { recursive: true, force: true })
})

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

const lines = (output: string) => output.split(/\r?\n/)

/** The zstd Parquet file of the sample each runtime wrote so far, by runtime. */
const zstdFiles = new Map<string, Uint8Array>()

for (const runtime of cliRuntimes(binaryDir)) {
  const skip = skipWithoutScript || runtime.missing || false
  const wbx = runtime.command ?? ''
  const name = runtime.name

  test(`${name}: rows on a terminal come without a progress line in them`, { skip }, async () => {
    const r = await runInPty(`${wbx} history ${SAMPLE}`)
    assert.equal(r.code, 0, r.output)
    const rows = lines(r.output).filter((l) => l !== '')
    assert.equal(rows.length, 300, r.output.slice(0, 500))
    assert.match(rows[0], /^\{"_step":0,"lr":0\.05,/)
    for (const row of rows) JSON.parse(row)
    assert.doesNotMatch(r.output, /rows\/s/)
    assert.ok(!r.output.includes('\x1b[K'), 'no line clearing either')
  })

  test(`${name}: with -o FILE the terminal shows the progress line`, { skip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wbx-pty-'))
    const r = await runInPty(`${wbx} history ${LARGE} -o ${dir}/large.csv`)
    assert.equal(r.code, 0, r.output)
    assert.match(
      r.output,
      // deno-lint-ignore no-control-regex -- the line ends with the terminal's erase-line sequence
      /history: [\d,]+ rows, ([\d.]+ KB) of \1 read \(100%\), [\d,]+ rows\/s, [\d.]+ (B|KB|MB), [\d.]+ s\x1b\[K\r?\n/,
    )
    assert.deepEqual(readdirSync(dir), ['large.csv'])
  })

  test(
    `${name}: a zstd Parquet file has the bytes every other runtime wrote`,
    { skip },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wbx-pty-'))
      try {
        const r = await runInPty(`${wbx} history ${SAMPLE} -o ${dir}/h.parquet --codec zstd`)
        assert.equal(r.code, 0, r.output)
        const bytes = new Uint8Array(readFileSync(join(dir, 'h.parquet')))
        const footer = parquetMetadata(bytes.buffer)
        assert.equal(Number(footer.num_rows), 300)
        assert.ok(footer.row_groups[0].columns.every((c) => c.meta_data?.codec === 'ZSTD'))
        if (name === 'bun binary') {
          // The binary carries the WebAssembly module itself: it needs no node_modules beside it.
          const binary = readFileSync(wbx)
          assert.ok(binary.includes(ZSTD_WASM_BASE64.slice(0, 4096)), 'zstd module in the binary')
        }
        for (const [other, theirs] of zstdFiles) {
          assert.ok(bytes.length === theirs.length && bytes.every((b, i) => b === theirs[i]), other)
        }
        zstdFiles.set(name, bytes)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )

  test(
    `${name}: a long local export shows the bytes of the log read, a percentage and an ETA`,
    { skip },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wbx-pty-'))
      try {
        const r = await runInPty(`${wbx} history ${bigRun} -o ${dir}/big.csv`)
        assert.equal(r.code, 0, r.output)
        const size = `${
          (statSync(join(bigRun, 'run-ptybig.wandb')).size / 1024 / 1024).toFixed(1)
        } MB`
        // While reading: a share of the .wandb file's size and the time left.
        assert.match(
          r.output,
          new RegExp(
            `\\rhistory: [\\d,]+ rows, [\\d.]+ [KM]B of ${size} read \\(\\d+(\\.\\d)?%\\), .*, ETA \\d+ (s|min)`,
          ),
        )
        // At the end: all of it, on a line of its own.
        assert.match(
          r.output,
          new RegExp(`history: 30,000 rows, ${size} of ${size} read \\(100%\\)`),
        )
        assert.equal(readFileSync(join(dir, 'big.csv'), 'utf8').split('\n').length, 30_002)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )

  test(`${name}: wbx history RUN | head -1 exits 0 quietly`, { skip }, async () => {
    const pipe = (flags: string) =>
      runInPty(
        `bash -c 'set -o pipefail; ${wbx} history ${LARGE} ${flags} | head -1; echo "wbx exit $?"'`,
      )
    const quiet = await pipe('-q')
    assert.equal(quiet.code, 0, quiet.output)
    const shown = lines(quiet.output).filter((l) => l !== '')
    assert.equal(shown.length, 2, quiet.output.slice(0, 300))
    assert.match(shown[0], /^\{"_step":0,/)
    assert.equal(shown[1], 'wbx exit 0')
    assert.doesNotMatch(quiet.output, /broken pipe|EPIPE|error/i)
    // With the progress line on the terminal (stdout is the pipe) it ends just as quietly.
    const progress = await pipe('')
    assert.match(progress.output, /wbx exit 0/)
    assert.doesNotMatch(progress.output, /broken pipe|EPIPE|error/i)
  })

  test(
    `${name}: a long remote export shows total, percent and ETA; Ctrl-C exits 130 leaving no file`,
    { skip },
    async () => {
      const slow = server.fault({ kind: 'slow', origin: 'files', delayMs: 700, count: 1000 })
      const dir = mkdtempSync(join(tmpdir(), 'wbx-pty-'))
      let sent = false
      const ctrlC = (type: (keys: string) => void) => {
        if (!sent) type('\x03')
        sent = true
      }
      let fallback: ReturnType<typeof setTimeout> | undefined
      try {
        const r = await runInPty(
          `${wbx} history ${REMOTE} --source parquet -o ${dir}/history.parquet`,
          {
            env: { WANDB_BASE_URL: server.baseUrl, WANDB_API_KEY: server.apiKey },
            onOutput: (output, type) => {
              fallback ??= setTimeout(() => ctrlC(type), 15_000)
              if (/ of 300 rows \(\d+%\)/.test(output)) ctrlC(type)
            },
          },
        )
        assert.equal(r.code, 130, r.output)
        assert.match(r.output, /history: [\d,]+ of 300 rows \(\d+%\), .*ETA \d+ s/)
        assert.match(r.output, /wbx: interrupted/)
        assert.deepEqual(readdirSync(dir), [], 'no file, final or temporary')
      } finally {
        clearTimeout(fallback)
        slow.remove()
      }
    },
  )

  test(`${name}: summary and info on a terminal are compact`, { skip }, async () => {
    const summary = await runInPty(`${wbx} summary ${MEDIA}`)
    assert.equal(summary.code, 0, summary.output)
    assert.match(summary.output, /hist +histogram: 3 bins over \[0, 3\], 6 values/)
    assert.match(summary.output, /img +image-file 4×4 85 bytes media\/images\//)
    assert.doesNotMatch(summary.output, /[{}]/)
    const info = await runInPty(`${wbx} info ${SAMPLE}`)
    assert.match(info.output, /state +finished/)
    const json = await runInPty(`${wbx} summary ${MEDIA} --json`)
    assert.match(json.output, /"_type": "histogram"/)
  })

  test(
    `${name}: an unreachable WANDB_BASE_URL fails within 10 s, naming the URL and the variable`,
    { skip },
    async () => {
      const url = `http://127.0.0.1:${await closedPort()}`
      const r = await runInPty(`${wbx} history team/project/run01`, {
        env: { WANDB_BASE_URL: url, WANDB_API_KEY: 'k'.repeat(40) },
      })
      assert.equal(r.code, 1, r.output)
      assert.ok(r.ms < 10_000, `took ${r.ms} ms`)
      assert.match(
        r.output,
        new RegExp(`cannot reach ${url.replace(/\./g, '\\.')}: connection refused`),
      )
      assert.match(r.output, /check WANDB_BASE_URL/)
    },
  )

  test(
    `${name}: wbx login asks for the key without echoing it and stores it`,
    { skip },
    async () => {
      const netrc = join(mkdtempSync(join(tmpdir(), 'wbx-pty-')), 'netrc')
      let typed = false
      const r = await runInPty(`${wbx} login`, {
        env: { WANDB_BASE_URL: server.baseUrl, WANDB_API_KEY: '', NETRC: netrc },
        onOutput: (output, type) => {
          if (!typed && output.includes('(it is not shown): ')) {
            typed = true
            type(`${server.apiKey}\r`)
          }
        },
      })
      assert.equal(r.code, 0, r.output)
      assert.ok(!r.output.includes(server.apiKey), 'the key never shows on the terminal')
      assert.match(r.output, /logged in to 127\.0\.0\.1:\d+/)
      assert.match(readFileSync(netrc, 'utf8'), new RegExp(`password ${server.apiKey}\n$`))
      assert.equal(statSync(netrc).mode & 0o777, 0o600)
    },
  )
}
