/**
 * A third, in-memory source with files, console text and an artifact's manifest: `wbx logs`,
 * `wbx files` and `wbx artifacts --entries` read it through RunReader only, with no code of its own.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runCli } from '../cli/_run_cli.ts'
import { registerRunOpener } from '../../src/source/open_run.ts'
import { memoryReader } from './_memory_reader.ts'

/** The NDJSON lines of a CLI output, parsed. */
function ndjson(text: string): Record<string, unknown>[] {
  return text.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line))
}

test('wbx logs, files and artifacts --entries read a third source through RunReader', async () => {
  const reader = memoryReader('mem3', [{ _step: 0, a: 1 }], { a: 1 }, {
    files: { 'config.yaml': 'lr: 0.1\n' },
    console: 'epoch 1\nepoch 2\n',
    artifact: {
      name: 'weights',
      type: 'model',
      version: 'v0',
      entries: [{ path: 'w.bin', body: 'xyz' }, { path: 'meta/info.txt', body: 'hello' }],
    },
  })
  const unregister = registerRunOpener({
    name: 'memory',
    canOpen: (source) => source === 'memory:extras',
    open: () => Promise.resolve(reader),
  })
  try {
    const logs = await runCli(['logs', 'memory:extras'])
    assert.equal(logs.code, 0, logs.stderr)
    assert.equal(logs.stdout, 'epoch 1\nepoch 2\n')
    const files = await runCli(['files', 'memory:extras', '--format', 'ndjson'])
    assert.equal(files.code, 0, files.stderr)
    assert.deepEqual(ndjson(files.stdout).map((f) => [f.name, f.size_bytes]), [['config.yaml', 8]])
    const entries = await runCli(['artifacts', 'memory:extras', '--entries', '--format', 'ndjson'])
    assert.equal(entries.code, 0, entries.stderr)
    assert.deepEqual(ndjson(entries.stdout), [
      {
        artifact: 'weights',
        type: 'model',
        path: 'w.bin',
        digest: null,
        size: 3,
        ref: null,
        birth_artifact_id: null,
      },
      {
        artifact: 'weights',
        type: 'model',
        path: 'meta/info.txt',
        digest: null,
        size: 5,
        ref: null,
        birth_artifact_id: null,
      },
    ])
    const used = await runCli(['artifacts', 'memory:extras', '--entries', '--direction', 'used'])
    assert.equal(used.code, 0, used.stderr)
    assert.equal(used.stdout.trim(), '')
  } finally {
    unregister()
  }
})
