import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { outputFormat, writeRows } from '../../src/cli/write_rows.ts'
import type { CommandContext, OptionValues } from '../../src/cli/command.ts'
import { oneBatch } from '../../src/streams/one_batch.ts'

/** A command context whose stdout is collected as text. */
function context(values: OptionValues, stdoutIsTTY = false) {
  const chunks: Uint8Array[] = []
  const stderr: string[] = []
  const ctx: CommandContext = {
    values,
    positionals: [],
    signal: new AbortController().signal,
    io: {
      stdout: () => new WritableStream({ write: (c) => void chunks.push(c) }),
      stderr: (t) => void stderr.push(t),
      stdoutIsTTY,
      stderrIsTTY: false,
    },
  }
  const text = () => new TextDecoder().decode(Buffer.concat(chunks))
  return { ctx, text, stderr }
}

test('outputFormat prefers --format, then the --output extension, then ndjson', () => {
  assert.equal(outputFormat(context({ format: 'csv', output: 'x.parquet' }).ctx), 'csv')
  assert.equal(outputFormat(context({ output: 'x.parquet' }).ctx), 'parquet')
  assert.equal(outputFormat(context({ output: 'rows.jsonl' }).ctx), 'ndjson')
  assert.equal(outputFormat(context({ output: '-' }).ctx), 'ndjson')
  assert.equal(outputFormat(context({}).ctx), 'ndjson')
  assert.throws(() => outputFormat(context({ format: 'xml' }).ctx), {
    name: 'UsageError',
    message: 'Unknown --format "xml"; use ndjson, csv or parquet',
  })
  assert.throws(() => outputFormat(context({ output: 'rows.txt' }).ctx), {
    name: 'UsageError',
    message:
      'Cannot tell the format of --output "rows.txt"; use .ndjson, .jsonl, .csv or .parquet, or pass --format',
  })
})

test('writeRows writes CSV to stdout with the given columns first', async () => {
  const { ctx, text } = context({ format: 'csv', quiet: true })
  await writeRows(oneBatch([{ loss: 0.5, _step: 0 }, { _step: 1, extra: 'x' }]), ctx, {
    label: 'history',
    columns: ['_step', 'loss'],
  })
  assert.equal(text(), '_step,loss\n0,0.5\n1,\n')
})

test('writeRows writes NDJSON to a file given with -o', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-write-rows-'))
  try {
    const path = join(dir, 'rows.ndjson')
    const { ctx, text } = context({ output: path, quiet: true })
    await writeRows(oneBatch([{ _step: 0, a: NaN }]), ctx, { label: 'history' })
    assert.equal(await readFile(path, 'utf8'), '{"_step":0,"a":"NaN"}\n')
    assert.equal(text(), '')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})

test('writeRows refuses Parquet on a terminal and unknown option values, quoting them', async () => {
  const rows = () => oneBatch([{ a: 1 }])
  const cases: [OptionValues, string][] = [
    [
      { format: 'parquet' },
      'Refusing to write Parquet to a terminal; pass -o FILE.parquet or redirect stdout',
    ],
    [{ layout: 'tall' }, 'Unknown --layout "tall"; use wide or long'],
    [{ nan: 'zero' }, 'Unknown --nan "zero"; use string, null or literal'],
    [{ infinity: 'inf2' }, 'Unknown --infinity "inf2"; use Infinity or inf'],
    [{ 'json-columns': 'x' }, 'Unknown --json-columns "x"; use json or string'],
  ]
  for (const [values, message] of cases) {
    await assert.rejects(writeRows(rows(), context(values, true).ctx, { label: 'history' }), {
      name: 'UsageError',
      message,
    })
  }
})
