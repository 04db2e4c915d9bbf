/**
 * Reading a run's fields by the names W&B's runs `filters` and `order` use: top-level columns
 * (`state`, `tags`, `displayName`, `createdAt`/`created_at`, ...), `config.<key>` (the stored
 * `{value, desc}` wrapper is unwrapped unless the path names `value`) and
 * `summary_metrics.<key>`.
 *
 * @module
 */
import { isRecord } from './history_table.ts'
import { BadRequestError } from './ids.ts'
import type { RunRecord } from './records.ts'

/** Fields compared as timestamps rather than as strings. */
export const DATE_FIELDS: ReadonlySet<string> = new Set(['createdAt', 'heartbeatAt'])

const ALIASES: Record<string, string> = {
  created_at: 'createdAt',
  heartbeat_at: 'heartbeatAt',
  display_name: 'displayName',
  job_type: 'jobType',
  sweep: 'sweepName',
  sweep_name: 'sweepName',
}

const COLUMNS: Record<string, (run: RunRecord) => unknown> = {
  name: (r) => r.name,
  displayName: (r) => r.displayName,
  state: (r) => r.state,
  tags: (r) => r.tags,
  group: (r) => r.group,
  jobType: (r) => r.jobType,
  host: (r) => r.host,
  notes: (r) => r.notes,
  description: (r) => r.description,
  commit: (r) => r.commit,
  sweepName: (r) => r.sweepName,
  username: (r) => r.user.username,
  createdAt: (r) => r.createdAt,
  heartbeatAt: (r) => r.heartbeatAt,
  duration: (r) => (Date.parse(r.heartbeatAt + 'Z') - Date.parse(r.createdAt + 'Z')) / 1000,
}

/** A resolved field path: its canonical name and a reader. */
export interface RunField {
  /** Canonical name, e.g. `createdAt` or `config.lr`. */
  name: string
  /** Whether values compare as timestamps. */
  isDate: boolean
  /** Reads the field from a run (undefined when missing). */
  read(run: RunRecord): unknown
}

/** Resolves a filter/order field name; throws BadRequestError for a field runs do not have. */
export function runField(path: string): RunField {
  const dot = path.indexOf('.')
  const head = dot < 0 ? path : path.slice(0, dot)
  const rest = dot < 0 ? [] : path.slice(dot + 1).split('.')
  if (head === 'config' && rest.length > 0) {
    return { name: path, isDate: false, read: (r) => readConfig(r.rawConfig, rest) }
  }
  if ((head === 'summary_metrics' || head === 'summaryMetrics') && rest.length > 0) {
    return { name: path, isDate: false, read: (r) => readNested(r.summary, rest) }
  }
  const canonical = ALIASES[path] ?? path
  const column = COLUMNS[canonical]
  if (!column) {
    const hint = head === 'summary' ? ' (did you mean summary_metrics?)' : ''
    throw new BadRequestError(`invalid filter field ${JSON.stringify(path)}${hint}`)
  }
  return { name: canonical, isDate: DATE_FIELDS.has(canonical), read: column }
}

/** Reads a config path; a `{value, desc}` wrapper is unwrapped unless the path says `value`. */
function readConfig(config: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = config
  for (let i = 0; i < path.length; i++) {
    if (!isRecord(node) || !(path[i] in node)) return undefined
    node = node[path[i]]
    if (i === 0 && isRecord(node) && 'value' in node && path[i + 1] !== 'value') node = node.value
  }
  return node
}

/** Reads a nested path, trying the longest literal key first so keys with dots still match. */
function readNested(obj: Record<string, unknown>, path: string[]): unknown {
  for (let take = path.length; take >= 1; take--) {
    const key = path.slice(0, take).join('.')
    if (key in obj) {
      const value = obj[key]
      if (take === path.length) return value
      return isRecord(value) ? readNested(value, path.slice(take)) : undefined
    }
  }
  return undefined
}
