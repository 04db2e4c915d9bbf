import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DownloadProgress } from '../../src/cli/download_progress.ts'
import { runCli } from './_run_cli.ts'
import { startTestServer, type TestServer } from '../server/test_server.ts'
import { setEnv } from '../_env.ts'

let server: TestServer
let restoreEnv = () => {}

before(async () => {
  server = await startTestServer()
  await server.addLocalRun('samples/wandb/latest-run', { entity: 'demo-team' })
  restoreEnv = setEnv({ WANDB_BASE_URL: server.baseUrl, WANDB_API_KEY: server.apiKey })
})

after(async () => {
  restoreEnv()
  await server.stop()
})

test('the download line counts files and bytes of the listed totals, with a percentage and ETA', () => {
  let text = ''
  const progress = new DownloadProgress((t) => (text += t))
  progress.update({ files: 1, totalFiles: 4, bytes: 1024 * 1024, totalBytes: 4 * 1024 * 1024 })
  assert.match(
    text,
    // deno-lint-ignore no-control-regex -- the line ends with the terminal's erase-line sequence
    /^\rfiles: 1 of 4, 1\.0 MB of 4\.0 MB \(25%\), [\d.]+ (B|KB|MB|GB)\/s, ETA \d+ s\x1b\[K$/,
  )
  progress.update({ files: 4, totalFiles: 4, bytes: 4 * 1024 * 1024, totalBytes: 4 * 1024 * 1024 })
  progress.finish()
  assert.match(text, /files: 4 of 4, 4\.0 MB of 4\.0 MB \(100%\), [^\n]*\n$/)
  assert.doesNotMatch(text.split('\r').pop()!, /ETA/)
  assert.match(new DownloadProgress(undefined).line(), /^files: 0 of 0, 0 B of 0 B/)
})

test('wbx files --download draws the line on a terminal and stays quiet otherwise', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-dl-'))
  const tty = await runCli(['files', 'demo-team/wbx-demo/wbxdemo1', '--download', dir], {
    stderrIsTTY: true,
  })
  assert.equal(tty.code, 0, tty.stderr)
  const files = readdirSync(dir).length
  assert.ok(files >= 2, `downloaded ${files} files`)
  assert.match(tty.stderr, new RegExp(`files: ${files} of ${files}, .* \\(100%\\)`))
  const piped = await runCli(['files', 'demo-team/wbx-demo/wbxdemo1', '--download', dir])
  assert.equal(piped.code, 0, piped.stderr)
  assert.equal(piped.stderr, '')
})
