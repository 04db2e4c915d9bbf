/**
 * The import graph of the sources, read from the text: the specifiers of every `import`,
 * `export … from`, side-effect `import '…'` and `import('…')` with a literal argument, with
 * comments and string contents skipped so examples in JSDoc do not count. Relative specifiers
 * are resolved to files; package specifiers (`node:fs`, `zod`) are left out.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'

/** File (relative to the root, `/`-separated) → the files it imports (same form), sorted. */
export type ImportGraph = Map<string, string[]>

/** Characters after which a `/` starts a regular expression rather than a division. */
const REGEX_AFTER = new Set('(,=:[!&|?{};+-*%<>~^'.split(''))
/** Keywords after which a `/` starts a regular expression. */
const REGEX_AFTER_WORDS = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'yield'])

/**
 * The source with comments removed and every string, template and regular-expression literal
 * replaced by an empty one of the same kind, except that string literals keep their text (the
 * specifiers live there). Template literals lose their text but keep `${…}` code.
 */
export function codeOnly(source: string): string {
  let out = ''
  let i = 0
  // Template nesting: each entry is the brace depth at which a `${` was opened.
  const templates: number[] = []
  let depth = 0
  const lastSignificant = (): string => {
    const trimmed = out.trimEnd()
    return trimmed.length === 0 ? '' : trimmed[trimmed.length - 1]
  }
  const lastWord = (): string => /([A-Za-z_$][\w$]*)\s*$/.exec(out)?.[1] ?? ''
  const readTemplate = (): void => {
    // i is just after a backtick or a closing `}` of `${…}`; reads up to the end or the next `${`.
    while (i < source.length) {
      const c = source[i]
      if (c === '\\') {
        i += 2
      } else if (c === '`') {
        out += '`'
        i++
        return
      } else if (c === '$' && source[i + 1] === '{') {
        out += '${'
        i += 2
        templates.push(depth)
        depth++
        return
      } else {
        if (c === '\n') out += '\n'
        i++
      }
    }
  }
  while (i < source.length) {
    const c = source[i]
    const next = source[i + 1]
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2)
      const stop = end === -1 ? source.length : end + 2
      out += source.slice(i, stop).replace(/[^\n]/g, '')
      i = stop
    } else if (c === '"' || c === "'") {
      let j = i + 1
      while (j < source.length && source[j] !== c && source[j] !== '\n') {
        j += source[j] === '\\' ? 2 : 1
      }
      out += source.slice(i, j + 1)
      i = j + 1
    } else if (c === '`') {
      out += '`'
      i++
      readTemplate()
    } else if (c === '{') {
      depth++
      out += c
      i++
    } else if (c === '}') {
      depth--
      i++
      if (templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop()
        out += '}'
        readTemplate()
      } else {
        out += c
      }
    } else if (
      c === '/' && (REGEX_AFTER.has(lastSignificant()) || lastSignificant() === '' ||
        REGEX_AFTER_WORDS.has(lastWord()))
    ) {
      let j = i + 1
      let inClass = false
      while (j < source.length && source[j] !== '\n') {
        const r = source[j]
        if (r === '\\') {
          j += 2
          continue
        }
        if (r === '[') inClass = true
        else if (r === ']') inClass = false
        else if (r === '/' && !inClass) break
        j++
      }
      out += '/r/'
      i = j + 1
    } else {
      out += c
      i++
    }
  }
  return out
}

/** One imported module: its specifier, and whether only types come from it (erased at run time). */
export interface ImportRef {
  /** The module specifier as written. */
  specifier: string
  /** `import type`, `export type`, or braces whose every member is marked `type`. */
  typeOnly: boolean
}

/** The modules a TypeScript source imports or re-exports, in order of appearance (dynamic last). */
export function importRefs(source: string): ImportRef[] {
  const code = codeOnly(source)
  const found: ImportRef[] = []
  const statement = /(?:^|[;\n}])\s*(?:import|export)\b(?:([^;'"`]*?)\bfrom)?\s*(['"])([^'"\n]+)\2/g
  for (const m of code.matchAll(statement)) {
    found.push({ specifier: m[3], typeOnly: isTypeOnly(m[1] ?? '') })
  }
  for (const m of code.matchAll(/\bimport\s*\(\s*(['"])([^'"\n]+)\1\s*\)/g)) {
    found.push({ specifier: m[2], typeOnly: false })
  }
  return found
}

/** Whether the part between `import`/`export` and `from` brings in types only. */
function isTypeOnly(head: string): boolean {
  if (/^\s*type\b/.test(head)) return true
  const braces = /^\s*\{([^}]*)\}\s*$/.exec(head)
  if (!braces) return false
  const members = braces[1].split(',').map((m) => m.trim()).filter((m) => m !== '')
  return members.length > 0 && members.every((m) => /^type\s/.test(m))
}

/** The module specifiers a TypeScript source imports or re-exports, in order of appearance. */
export function importSpecifiers(source: string): string[] {
  return importRefs(source).map((ref) => ref.specifier)
}

/** Every `.ts` file under `dir` (recursively), absolute paths, sorted. */
export function typescriptFiles(dir: string): string[] {
  const files: string[] = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) files.push(...typescriptFiles(path))
    else if (name.endsWith('.ts')) files.push(path)
  }
  return files
}

/** `/`-separated path of `file` relative to `root`. */
function key(root: string, file: string): string {
  return relative(root, file).split(sep).join('/')
}

/** Options of {@linkcode readImportGraph}. */
export interface ReadImportGraphOptions {
  /** Leave out imports that bring in types only (they are erased: no load-order cycle). @default false */
  valuesOnly?: boolean
}

/**
 * The import graph of `files` (absolute paths under `root`): relative specifiers resolved;
 * a relative specifier naming no file is an Error (the graph would be silently incomplete).
 */
export function readImportGraph(
  root: string,
  files: string[],
  options: ReadImportGraphOptions = {},
): ImportGraph {
  const graph: ImportGraph = new Map()
  for (const file of files) {
    const targets = new Set<string>()
    for (const { specifier, typeOnly } of importRefs(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue
      if (typeOnly && options.valuesOnly) continue
      const target = resolve(dirname(file), specifier)
      try {
        statSync(target)
      } catch {
        throw new Error(`${key(root, file)} imports ${specifier}, which names no file`)
      }
      targets.add(key(root, target))
    }
    graph.set(key(root, file), [...targets].sort())
  }
  return graph
}

/**
 * The import cycles of a graph: one cycle per strongly connected component of two or more
 * files (or a file importing itself), each as the path `a → b → … → a`.
 */
export function findCycles(graph: ImportGraph): string[][] {
  // Tarjan's algorithm, iterative so a deep graph cannot overflow the stack.
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const components: string[][] = []
  let counter = 0
  for (const start of graph.keys()) {
    if (index.has(start)) continue
    const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }]
    index.set(start, counter)
    low.set(start, counter++)
    stack.push(start)
    onStack.add(start)
    while (work.length > 0) {
      const frame = work[work.length - 1]
      const edges = graph.get(frame.node) ?? []
      if (frame.edge < edges.length) {
        const next = edges[frame.edge++]
        if (!graph.has(next)) continue
        if (!index.has(next)) {
          index.set(next, counter)
          low.set(next, counter++)
          stack.push(next)
          onStack.add(next)
          work.push({ node: next, edge: 0 })
        } else if (onStack.has(next)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(next)!))
        }
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1].node
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!))
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = []
        let member: string
        do {
          member = stack.pop()!
          onStack.delete(member)
          component.push(member)
        } while (member !== frame.node)
        const selfLoop = (graph.get(frame.node) ?? []).includes(frame.node)
        if (component.length > 1 || selfLoop) components.push(component.sort())
      }
    }
  }
  return components.map((component) => cycleThrough(graph, new Set(component)))
}

/** The shortest cycle from the component's first file back to it, staying inside the component. */
function cycleThrough(graph: ImportGraph, component: Set<string>): string[] {
  const first = [...component][0]
  const previous = new Map<string, string>()
  const queue = [first]
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue
      if (next === first) {
        const path = [first]
        for (let at = node; at !== first; at = previous.get(at)!) path.splice(1, 0, at)
        return [...path, first]
      }
      if (!previous.has(next)) {
        previous.set(next, node)
        queue.push(next)
      }
    }
  }
  return [first, first]
}

/** The edges `file → target` where a file outside the folder `except` imports one under `to`. */
export function edgesInto(graph: ImportGraph, to: string, except: string): string[] {
  const found: string[] = []
  for (const [file, targets] of graph) {
    if (file.startsWith(except)) continue
    for (const target of targets) {
      if (target.startsWith(to)) found.push(`${file} → ${target}`)
    }
  }
  return found
}
