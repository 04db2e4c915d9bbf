/**
 * The layering rule of ARCHITECTURE.md, read from the sources: no import cycles among the files
 * under src/ (counting every import that loads code; `import type` is erased and orders no
 * loading), and nothing under src/ outside src/cli/ imports src/cli/, not even a type (the
 * library never draws on a terminal; the CLI draws what the library reports).
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  codeOnly,
  edgesInto,
  findCycles,
  type ImportGraph,
  importRefs,
  importSpecifiers,
  readImportGraph,
  typescriptFiles,
} from './_import_graph.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** The graph of every .ts under src/ plus the two entry points. */
function projectGraph(valuesOnly = false): ImportGraph {
  const files = [
    ...typescriptFiles(join(root, 'src')),
    join(root, 'mod.ts'),
    join(root, 'cli.ts'),
  ]
  return readImportGraph(root, files, { valuesOnly })
}

test('no import cycle among the files under src/', () => {
  const graph = projectGraph(true)
  assert.ok(graph.size > 100, `read ${graph.size} files: the walk missed src/`)
  const cycles = findCycles(graph)
  assert.deepEqual(
    cycles.map((cycle) => cycle.join(' → ')),
    [],
    'each line is an import cycle; break it by moving the shared part below both files',
  )
})

test('nothing under src/ outside src/cli/ imports src/cli/', () => {
  const graph = projectGraph()
  const cliFiles = [...graph.keys()].filter((file) => file.startsWith('src/cli/'))
  assert.ok(cliFiles.length > 10, 'src/cli/ was read')
  const library = new Map([...graph].filter(([file]) => file.startsWith('src/')))
  assert.deepEqual(
    edgesInto(library, 'src/cli/', 'src/cli/'),
    [],
    'the library reports (counters, events, callbacks); only src/cli/ draws or writes to stderr',
  )
})

test('specifiers are read from every import form, never from comments or strings', () => {
  const source = [
    "/** @example\n * import { x } from './in_jsdoc.ts'\n */",
    "// import { y } from './in_line_comment.ts'",
    "import { a } from './a.ts'",
    "import type {\n  B,\n  C,\n} from '../b.ts'",
    'import * as d from "./d.ts"',
    "import './side_effect.ts'",
    "export { e } from './e.ts'",
    "export type * from './f.ts'",
    "export * as g from './g.ts'",
    'const text = "import { z } from \'./in_string.ts\'"',
    'const tpl = `\nimport { w } from "./in_template.ts"\n${"./kept_expr"}`',
    "const re = /['\"]/g; const q = 'it\\'s'",
    'export function f(s: string) { return Array.from(s) }',
    "const lazy = await import('./lazy.ts')",
    'import { last } from "./last.ts"',
  ].join('\n')
  assert.deepEqual(importSpecifiers(source), [
    './a.ts',
    '../b.ts',
    './d.ts',
    './side_effect.ts',
    './e.ts',
    './f.ts',
    './g.ts',
    './last.ts',
    './lazy.ts',
  ])
  assert.doesNotMatch(codeOnly(source), /in_jsdoc|in_line_comment|in_template/)
  const typeOnly = [
    "import type { A } from './a.ts'",
    "import { type B, type C } from './b.ts'",
    "import { type D, e } from './d.ts'",
    "import F, { type G } from './f.ts'",
    "export type { H } from './h.ts'",
    "export type * from './i.ts'",
    "export { j } from './j.ts'",
  ].join('\n')
  assert.deepEqual(
    importRefs(typeOnly).map((ref) => `${ref.specifier} ${ref.typeOnly}`),
    [
      './a.ts true',
      './b.ts true',
      './d.ts false',
      './f.ts false',
      './h.ts true',
      './i.ts true',
      './j.ts false',
    ],
  )
})

test('a cycle is found and printed as a path; a layered graph has none', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-import-graph-'))
  try {
    mkdirSync(join(dir, 'src', 'api'), { recursive: true })
    mkdirSync(join(dir, 'src', 'cli'), { recursive: true })
    writeFileSync(join(dir, 'src', 'run.ts'), "import { c } from './api/create.ts'\n")
    writeFileSync(join(dir, 'src', 'api', 'create.ts'), "import { Run } from '../run.ts'\n")
    writeFileSync(join(dir, 'src', 'api', 'leaf.ts'), "import { p } from '../cli/p.ts'\n")
    writeFileSync(join(dir, 'src', 'cli', 'p.ts'), "import { l } from '../api/leaf.ts'\n")
    writeFileSync(join(dir, 'src', 'self.ts'), "import { s } from './self.ts'\n")
    writeFileSync(join(dir, 'src', 'api', 'types_a.ts'), "import type { B } from './types_b.ts'\n")
    writeFileSync(join(dir, 'src', 'api', 'types_b.ts'), "import type { A } from './types_a.ts'\n")
    const withTypes = readImportGraph(dir, typescriptFiles(join(dir, 'src')))
    assert.equal(findCycles(withTypes).length, 4, 'the type-only cycle counts when asked')
    const graph = readImportGraph(dir, typescriptFiles(join(dir, 'src')), { valuesOnly: true })
    assert.deepEqual(findCycles(graph).map((c) => c.join(' → ')).sort(), [
      'src/api/create.ts → src/run.ts → src/api/create.ts',
      'src/api/leaf.ts → src/cli/p.ts → src/api/leaf.ts',
      'src/self.ts → src/self.ts',
    ])
    assert.deepEqual(edgesInto(graph, 'src/cli/', 'src/cli/'), [
      'src/api/leaf.ts → src/cli/p.ts',
    ])
    writeFileSync(join(dir, 'src', 'api', 'create.ts'), "import { x } from 'node:fs'\n")
    writeFileSync(join(dir, 'src', 'api', 'leaf.ts'), '')
    writeFileSync(join(dir, 'src', 'self.ts'), '')
    const fixed = readImportGraph(dir, typescriptFiles(join(dir, 'src')), { valuesOnly: true })
    assert.deepEqual(findCycles(fixed), [])
    assert.deepEqual(edgesInto(fixed, 'src/cli/', 'src/cli/'), [])
    writeFileSync(join(dir, 'src', 'self.ts'), "import { s } from './gone.ts'\n")
    assert.throws(
      () => readImportGraph(dir, typescriptFiles(join(dir, 'src'))),
      /src\/self\.ts imports \.\/gone\.ts, which names no file/,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('no exported constant is defined in two files under src/ (one definition, imported)', () => {
  const places = new Map<string, string[]>()
  for (const file of typescriptFiles(join(root, 'src'))) {
    const code = codeOnly(readFileSync(file, 'utf8'))
    for (const m of code.matchAll(/^export const ([A-Za-z_$][\w$]*)/gm)) {
      const where = places.get(m[1]) ?? []
      where.push(relative(root, file).split(sep).join('/'))
      places.set(m[1], where)
    }
  }
  assert.ok(places.has('REMOTE_SYSTEM_SAMPLES'), 'the walk read the constants')
  const twice = [...places].filter(([, files]) => files.length > 1)
    .map(([name, files]) => `${name}: ${files.join(', ')}`)
  assert.deepEqual(twice, [], 'define each constant once and import it where it is needed')
})
