/**
 * Parsing run and project paths: `entity/project/run_id`, `entity/project/runs/run_id`, SDK short
 * forms, and W&B run URLs (wandb.ai and self-hosted hosts).
 *
 * @module
 */

/** A fully resolved run address. */
export interface RunPath {
  /** The entity (user or team) owning the project. */
  entity: string
  /** The project name. */
  project: string
  /** The run id (the `run_id` in URLs, not the display name). */
  runId: string
}

/** A parsed run path whose entity or project may still need defaults. */
export interface RunPathParts {
  /** The entity, when the path named one. */
  entity: string | undefined
  /** The project, when the path named one. */
  project: string | undefined
  /** The run id. */
  runId: string
}

/** A parsed project path whose entity may still need the default entity. */
export interface ProjectPathParts {
  /** The entity, when the path named one. */
  entity: string | undefined
  /** The project name. */
  project: string
}

const FORMS = 'entity/project/run_id, entity/project/runs/run_id or a W&B run URL such as ' +
  'https://wandb.ai/entity/project/runs/run_id'

/** Whether `text` looks like an http(s) URL. */
function isUrl(text: string): boolean {
  return /^https?:\/\//i.test(text)
}

/** Splits a URL's path into decoded, non-empty segments. */
function urlSegments(text: string, what: string): string[] {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new TypeError(`Cannot parse ${what} '${text}': not a valid URL`)
  }
  return url.pathname.split('/').filter((s) => s !== '').map((s) => {
    try {
      return decodeURIComponent(s)
    } catch {
      return s
    }
  })
}

/**
 * Parses a run path or run URL. Accepts `entity/project/run_id`, `entity/project/runs/run_id`,
 * `entity/project:run_id`, `project/run_id`, `project:run_id`, `run_id` (the SDK's short forms,
 * whose missing parts come from defaults) and `https://<host>/<entity>/<project>/runs/<run_id>[/…]`.
 * Throws TypeError naming the accepted forms otherwise.
 */
export function parseRunPath(path: string): RunPathParts {
  if (typeof path !== 'string') {
    throw new TypeError(`Cannot parse run path ${String(path)}: expected a string`)
  }
  const text = path.trim()
  if (isUrl(text)) return parseRunUrl(text)
  const parts = text.replace(/^\/+|\/+$/g, '').split('/').map((p) => p.trim())
  const fail = (why: string): never => {
    throw new TypeError(`Cannot parse run path '${path}': ${why}; expected ${FORMS}`)
  }
  let entity: string | undefined
  let project: string | undefined
  let runId: string
  if (parts.length === 4 && parts[2] === 'runs') [entity, project, , runId] = parts
  else if (parts.length === 3) [entity, project, runId] = parts
  else if (parts.length === 2) {
    if (parts[1].includes(':')) {
      entity = parts[0]
      ;[project, runId] = splitColon(parts[1])
    } else [project, runId] = parts
  } else if (parts.length === 1) {
    if (parts[0].includes(':')) [project, runId] = splitColon(parts[0])
    else runId = parts[0]
  } else return fail(`${parts.length} path segments`)
  if (entity === '') fail('the entity is empty')
  if (project === '') fail('the project is empty')
  if (!runId!) fail('the run id is missing')
  return { entity, project, runId: runId! }
}

/** Splits `a:b` at the first colon. */
function splitColon(text: string): [string, string] {
  const i = text.indexOf(':')
  return [text.slice(0, i).trim(), text.slice(i + 1).trim()]
}

/** Parses `https://host/[prefix/]entity/project/runs/run_id[/tab…]` (query and hash ignored). */
function parseRunUrl(text: string): RunPathParts {
  const segments = urlSegments(text, 'run URL')
  // The last `runs` segment with an entity and project before it and a run id after it.
  for (let i = segments.length - 2; i >= 2; i--) {
    if (segments[i] === 'runs' && segments[i + 1] !== '') {
      return { entity: segments[i - 2], project: segments[i - 1], runId: segments[i + 1] }
    }
  }
  throw new TypeError(
    `Cannot parse run URL '${text}': it has no /<entity>/<project>/runs/<run_id> part; ` +
      'copy the URL from the run page, or pass entity/project/run_id',
  )
}

/**
 * Parses a project path: `entity/project`, `project` (default entity), or a project or run URL
 * (`https://<host>/<entity>/<project>[/…]`). Throws TypeError otherwise.
 */
export function parseProjectPath(path: string): ProjectPathParts {
  if (typeof path !== 'string') {
    throw new TypeError(`Cannot parse project path ${String(path)}: expected a string`)
  }
  const text = path.trim()
  if (isUrl(text)) {
    const segments = urlSegments(text, 'project URL')
    if (segments.length < 2) {
      throw new TypeError(
        `Cannot parse project URL '${text}': expected https://<host>/<entity>/<project>`,
      )
    }
    const runs = segments.lastIndexOf('runs')
    const at = runs >= 2 ? runs - 2 : 0
    return { entity: segments[at], project: segments[at + 1] }
  }
  const trimmed = text.replace(/^\/+|\/+$/g, '')
  if (trimmed === '') {
    throw new TypeError(`Cannot parse project path '${path}': it is empty; expected entity/project`)
  }
  const slash = trimmed.indexOf('/')
  if (slash < 0) return { entity: undefined, project: trimmed }
  const entity = trimmed.slice(0, slash).trim()
  const project = trimmed.slice(slash + 1).trim()
  if (entity === '' || project === '' || project.includes('/')) {
    throw new TypeError(`Cannot parse project path '${path}': expected entity/project`)
  }
  return { entity, project }
}

/** Formats a run path as `entity/project/run_id`. */
export function formatRunPath(path: RunPath): string {
  return `${path.entity}/${path.project}/${path.runId}`
}
