/**
 * The `File` type and file listings (`Run.files`, `Artifact.files`): name and LIKE-pattern
 * selection, pages ordered by name, `url` on the API origin and a signed `directUrl`.
 *
 * @module
 */
import { compareKeys, type Connection, type PageArgs, paginate } from './connection.ts'
import type { StoredFile } from './records.ts'
import type { ResolverContext } from './resolver_context.ts'

/** Resolves the fields of one stored file. */
export class FileNode {
  #file: StoredFile
  #ctx: ResolverContext

  /** Wraps a stored file for one request. */
  constructor(file: StoredFile, ctx: ResolverContext) {
    this.#file = file
    this.#ctx = ctx
  }

  /** Node ID. */
  get id(): string {
    return this.#file.id
  }

  /** Path inside the run or artifact. */
  get name(): string {
    return this.#file.name
  }

  /** Same as name (artifact files select it as `name: displayName`). */
  get displayName(): string {
    return this.#file.name
  }

  /** The API-origin URL, which needs the API key and redirects to the signed URL. */
  url(): string {
    return this.#ctx.apiOrigin + this.#file.apiPath
  }

  /** A signed URL on the files origin. */
  get directUrl(): string {
    return this.#ctx.signer.sign(this.#file.storagePath)
  }

  /** Size in bytes. */
  get sizeBytes(): number {
    return this.#file.bytes.byteLength
  }

  /** MIME type. */
  get mimetype(): string {
    return this.#file.mimetype
  }

  /** Last update time. */
  get updatedAt(): string {
    return this.#file.updatedAt
  }

  /** Base64 MD5 of the content. */
  get md5(): string {
    return this.#file.md5
  }

  /** Base64 MD5 of the content (the artifact manifest's `digest`). */
  get digest(): string {
    return this.#file.md5
  }

  /** Storage path on the files origin. */
  get storagePath(): string {
    return this.#file.storagePath
  }
}

/** Arguments of a file listing. */
export interface FileListArgs extends PageArgs {
  names?: (string | null)[] | null
  pattern?: string | null
}

/** Pages over files selected by exact names and/or a SQL LIKE pattern, ordered by name. */
export function listFiles(
  files: Iterable<StoredFile>,
  args: FileListArgs,
  ctx: ResolverContext,
): Connection<FileNode> {
  let selected = [...files]
  const names = (args.names ?? []).filter((n): n is string => typeof n === 'string')
  if (names.length > 0) selected = selected.filter((f) => names.includes(f.name))
  if (args.pattern) {
    const re = likeToRegExp(args.pattern)
    selected = selected.filter((f) => re.test(f.name))
  }
  selected.sort((a, b) => compareKeys(a.name, b.name))
  const page = paginate(selected, args, (f) => f.name, compareKeys)
  return {
    ...page,
    edges: page.edges.map((e) => ({ node: new FileNode(e.node, ctx), cursor: e.cursor })),
  }
}

/** Translates a SQL LIKE pattern (`%` any run, `_` one character, `\` escapes) to a RegExp. */
export function likeToRegExp(pattern: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]
    if (c === '\\' && i + 1 < pattern.length) source += escapeRe(pattern[++i])
    else if (c === '%') source += '.*'
    else if (c === '_') source += '.'
    else source += escapeRe(c)
  }
  return new RegExp(`^${source}$`, 's')
}

/** Escapes one character for use in a RegExp. */
function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}
