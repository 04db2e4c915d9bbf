import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runDocumentCommand, writeDocument } from '../../../src/cli/commands/document_output.ts'
import { runInProcess } from './_in_process.ts'
import type { CommandContext, OptionValues } from '../../../src/cli/command.ts'

/** A context whose stdout is collected; `tty` says whether stdout is a terminal. */
function context(values: OptionValues, tty: boolean) {
  const chunks: Uint8Array[] = []
  const ctx: CommandContext = {
    values,
    positionals: [],
    signal: new AbortController().signal,
    io: {
      stdout: () => new WritableStream({ write: (c) => void chunks.push(c) }),
      stderr: () => {},
      stdoutIsTTY: tty,
      stderrIsTTY: false,
      columns: 80,
    },
  }
  return { ctx, out: () => chunks.map((c) => new TextDecoder().decode(c)).join('') }
}

const doc = { acc: 0.5, bad: NaN, nested: { k: 'v' } }

test('writeDocument prints indented JSON with NaN as a string, then the trailer', async () => {
  const { ctx, out } = context({}, false)
  await writeDocument(doc, ctx, 'summary', { compact: true, trailer: 'TRAILER\n' })
  assert.equal(
    out(),
    '{\n  "acc": 0.5,\n  "bad": "NaN",\n  "nested": {\n    "k": "v"\n  }\n}\nTRAILER\n',
  )
})

test('writeDocument honours --nan literal and --json on a terminal', async () => {
  const { ctx, out } = context({ nan: 'literal', json: true }, true)
  await writeDocument(doc, ctx, 'summary', { compact: true })
  assert.match(out(), /"bad": NaN,/)
  assert.ok(out().startsWith('{\n'))
})

test('writeDocument shows the compact view on a terminal, not JSON', async () => {
  const { ctx, out } = context({}, true)
  await writeDocument(doc, ctx, 'summary', { compact: true })
  assert.ok(!out().startsWith('{'), out())
  assert.match(out(), /acc/)
  assert.match(out(), /nested/)
})

test('writeDocument exports a one-row table with --format', async () => {
  const { ctx, out } = context({ format: 'csv', quiet: true }, false)
  await writeDocument(doc, ctx, 'summary')
  assert.equal(out(), 'acc,bad,nested.k\n0.5,NaN,v\n')
})

test('runDocumentCommand reads the summary first, hands it to document, and prints that document', async () => {
  const seen: unknown[] = []
  const command = runDocumentCommand({
    name: 'probe',
    summary: 'A probe',
    document: (run, summary) => {
      seen.push(summary._step)
      return Promise.resolve({ id: run.id, best: summary.best_val_loss })
    },
  })
  assert.equal(command.name, 'probe')
  assert.equal(command.usage, '<source> [options]')
  assert.ok('sparklines' in command.options && 'json' in command.options)
  const { code, out } = await runInProcess(command, {})
  assert.equal(code, 0)
  assert.deepEqual(seen, [299])
  const doc = JSON.parse(out)
  assert.deepEqual(Object.keys(doc), ['id', 'best'])
  assert.equal(doc.best, 0.052)
  assert.match(doc.id, /^\w+$/)
})
