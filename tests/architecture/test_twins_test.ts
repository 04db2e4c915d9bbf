/**
 * Tests mirror src/: every file under src/ that holds code has a test twin at the same path under
 * tests/ (`src/a/b.ts` → `tests/a/b_test.ts`). A file that exports only types (interfaces, type
 * aliases, `export type {…}`) has nothing to run and needs none.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { codeOnly, typescriptFiles } from './_import_graph.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** Whether a source exports anything that exists at run time (a value, function or class). */
export function exportsValues(source: string): boolean {
  const code = codeOnly(source)
  const value =
    /(?:^|[;\n}])\s*export\s+(?:default\b|const\b|let\b|var\b|function\b|async\b|class\b|abstract\b|enum\b|\*|\{)/
  return value.test(code)
}

/** The twin path of a src file, relative to the project root, with `/` separators. */
function twinOf(file: string): string {
  const rel = relative(join(root, 'src'), file).split(sep).join('/')
  return `tests/${rel.replace(/\.ts$/, '_test.ts')}`
}

test('exportsValues tells code from type-only files', () => {
  assert.equal(exportsValues('export interface A { a: string }\nexport type B = A[]\n'), false)
  assert.equal(exportsValues("export type { C } from './c.ts'\n/** export const x */\n"), false)
  assert.equal(exportsValues('export const x = 1\n'), true)
  assert.equal(exportsValues('export async function f() {}\n'), true)
  assert.equal(exportsValues('export class K {}\n'), true)
  assert.equal(exportsValues("export { value } from './v.ts'\n"), true)
  assert.equal(exportsValues("const s = 'export const y = 2'\nexport type T = 1\n"), false)
})

test('every src/ file that holds code has a test twin under tests/', () => {
  const files = typescriptFiles(join(root, 'src'))
  assert.ok(files.length > 200, `src/ read (${files.length} files)`)
  const missing = files
    .filter((file) => exportsValues(readFileSync(file, 'utf8')))
    .map(twinOf)
    .filter((twin) => !existsSync(join(root, twin)))
  assert.deepEqual(missing, [], `write these test twins: ${missing.join(', ')}`)
  // the type-only files today: src/row.ts, src/cli/run_source.ts, src/local/local_run_options.ts,
  // src/local/record_types.ts (and src/source/run_reader.ts, which has a twin all the same)
  const typeOnly = (path: string) => !exportsValues(readFileSync(join(root, path), 'utf8'))
  assert.equal(typeOnly('src/row.ts'), true)
  assert.equal(typeOnly('src/local/record_types.ts'), true)
  assert.equal(typeOnly('src/runtime.ts'), false)
})
