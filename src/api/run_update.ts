/**
 * `run.update()`: what changed since the run was read, and writing exactly that with one
 * `UpsertBucket` mutation.
 *
 * Concurrency, documented: the display name, notes, description, group and job type are
 * last-writer-wins, but only the ones you changed are sent. Tags, config keys and summary keys are
 * merged: just before writing, the run is read again and your additions, removals, sets and deletes
 * are applied to what the server holds then, so another writer's changes to other tags or keys
 * survive. The server stores tags, config and summary as whole values, so a write that lands
 * between that read and this write (one round trip) is overwritten in those fields; two writers
 * changing the same key leave the last one's value.
 *
 * @module
 */
import { stringifyJson } from '../json/stringify_json.ts'
import { applyConfigEdits, assertUserConfigEdits } from './config_edit.ts'
import {
  applyJsonEdits,
  assertJsonValue,
  cloneJson,
  diffJson,
  type JsonEdit,
  replaceContents,
} from '../json/json_edit.ts'
import { UPSERT_BUCKET_MUTATION } from './queries.ts'
import { fetchRunNode } from './run_node.ts'
import { convertToDict, splitConfig } from './run_attrs.ts'
import type { GraphqlTransport } from './transport.ts'
import { WandbApiError } from './wandb_api_error.ts'

/** The single-valued run fields `update()` writes, by their `Run` property names. */
export type RunTextField = 'name' | 'notes' | 'description' | 'group' | 'jobType'

/** Each text field's attribute name (as read) and `UpsertBucket` variable name (as written). */
const TEXT_FIELDS: Record<RunTextField, { attr: string; variable: string }> = {
  name: { attr: 'displayName', variable: 'displayName' },
  notes: { attr: 'notes', variable: 'notes' },
  description: { attr: 'description', variable: 'description' },
  group: { attr: 'group', variable: 'groupName' },
  jobType: { attr: 'jobType', variable: 'jobType' },
}

/** One changed text field: the value read from the server and the new one. */
export interface RunFieldChange {
  /** The `Run` property. */
  field: RunTextField
  /** The value when the run was read. */
  from: string | undefined
  /** The new value (undefined clears the field: an empty string is sent). */
  to: string | undefined
}

/** Everything `update()` would send, relative to what was read from the server. */
export interface RunChanges {
  /** Changed text fields. */
  fields: RunFieldChange[]
  /** Tags added and removed (reordering alone is no change). */
  tags: { added: string[]; removed: string[] }
  /** Edits of the user config (`run.config`), as key paths. */
  config: JsonEdit[]
  /** Edits of the summary, as key paths. */
  summary: JsonEdit[]
}

/** The writable values of a run as last read from the server (the base changes are taken from). */
export interface RunWriteBase {
  /** Text fields by attribute name. */
  text: Record<string, string | undefined>
  /** Tags. */
  tags: string[]
  /** User config (unwrapped), when it was loaded. */
  config: Record<string, unknown> | undefined
  /** Summary, when it was loaded. */
  summary: Record<string, unknown> | undefined
}

/** Reads a text attribute: strings as is, anything else undefined. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}

/** Snapshots the writable values of freshly read attributes (config and summary when present). */
export function captureBase(attrs: Record<string, unknown>): RunWriteBase {
  const textValues: Record<string, string | undefined> = {}
  for (const { attr } of Object.values(TEXT_FIELDS)) textValues[attr] = text(attrs[attr])
  return {
    text: textValues,
    tags: Array.isArray(attrs.tags) ? attrs.tags.map(String) : [],
    config: 'config' in attrs ? cloneJson(attrs.config as Record<string, unknown>) : undefined,
    summary: 'summaryMetrics' in attrs
      ? cloneJson(attrs.summaryMetrics as Record<string, unknown>)
      : undefined,
  }
}

/** The changes between the base and the run's current attributes. */
export function runChanges(base: RunWriteBase, attrs: Record<string, unknown>): RunChanges {
  const fields: RunFieldChange[] = []
  for (
    const [field, { attr }] of Object.entries(TEXT_FIELDS) as [RunTextField, { attr: string }][]
  ) {
    const to = text(attrs[attr])
    const from = base.text[attr]
    if ((to ?? '') !== (from ?? '')) fields.push({ field, from, to })
  }
  const current = Array.isArray(attrs.tags) ? (attrs.tags as string[]) : []
  const before = new Set(base.tags)
  const now = new Set(current)
  const tags = {
    added: [...now].filter((t) => !before.has(t)),
    removed: base.tags.filter((t) => !now.has(t)),
  }
  const config = base.config && 'config' in attrs
    ? diffJson(base.config, attrs.config as Record<string, unknown>)
    : []
  const summary = base.summary && 'summaryMetrics' in attrs
    ? diffJson(base.summary, attrs.summaryMetrics as Record<string, unknown>)
    : []
  return { fields, tags, config, summary }
}

/** Whether a change set sends nothing. */
export function isEmptyChanges(changes: RunChanges): boolean {
  return changes.fields.length === 0 && changes.tags.added.length === 0 &&
    changes.tags.removed.length === 0 && changes.config.length === 0 &&
    changes.summary.length === 0
}

/** The run a write addresses. */
export interface RunWriteTarget {
  readonly entity: string
  readonly project: string
  readonly id: string
  readonly storageId: string
  readonly runPath: string
}

/** What a write stored: the fields sent and the merged values now on the server. */
export interface RunWriteResult {
  /** `UpsertBucket` input fields sent (besides `id`), e.g. `['notes', 'tags']`. */
  sent: string[]
  /** The tags written, when tags changed. */
  tags?: string[]
  /** The stored config written (wrapped, internal keys included), when the config changed. */
  rawConfig?: Record<string, unknown>
  /** The summary written, when the summary changed. */
  summary?: Record<string, unknown>
}

/**
 * Sends the changes with one `UpsertBucket` (only changed fields); merges tags, config and
 * summary into a fresh read first. Sends nothing when there are no changes.
 */
export async function writeRunChanges(
  transport: GraphqlTransport,
  run: RunWriteTarget,
  changes: RunChanges,
  signal?: AbortSignal,
): Promise<RunWriteResult> {
  assertUserConfigEdits(changes.config)
  for (const e of [...changes.config, ...changes.summary]) {
    if (e.op === 'set') assertJsonValue(e.value, `${e.path.join('.')} of ${run.runPath}`)
  }
  if (isEmptyChanges(changes)) return { sent: [] }
  const variables: Record<string, unknown> = { id: run.storageId }
  const result: RunWriteResult = { sent: [] }
  for (const change of changes.fields) {
    const name = TEXT_FIELDS[change.field].variable
    variables[name] = change.to ?? ''
    result.sent.push(name)
  }
  const tagsChanged = changes.tags.added.length > 0 || changes.tags.removed.length > 0
  if (tagsChanged || changes.config.length > 0 || changes.summary.length > 0) {
    const heavy = changes.config.length > 0 || changes.summary.length > 0
    const fresh = await readFresh(transport, run, heavy, signal)
    if (tagsChanged) {
      const removed = new Set(changes.tags.removed)
      const kept = fresh.tags.filter((t) => !removed.has(t))
      result.tags = [...kept, ...changes.tags.added.filter((t) => !kept.includes(t))]
      variables.tags = result.tags
      result.sent.push('tags')
    }
    if (changes.config.length > 0) {
      result.rawConfig = convertToDict(fresh.config, 'config')
      applyConfigEdits(result.rawConfig, changes.config)
      variables.config = stringifyJson(result.rawConfig, { nan: 'literal' })
      result.sent.push('config')
    }
    if (changes.summary.length > 0) {
      result.summary = convertToDict(fresh.summaryMetrics, 'summary')
      applyJsonEdits(result.summary, changes.summary)
      variables.summaryMetrics = stringifyJson(result.summary, { nan: 'literal' })
      result.sent.push('summaryMetrics')
    }
  }
  const data = await transport.request(UPSERT_BUCKET_MUTATION, variables, {
    signal,
    runPath: run.runPath,
  }) as { upsertBucket?: { bucket?: { id?: unknown } | null } | null } | null
  if (!data?.upsertBucket?.bucket?.id) {
    throw new WandbApiError(
      `UpsertBucket for ${run.runPath} returned no run; the changes may not be saved, read the run again to check`,
      {
        code: 'bad-response',
        status: 200,
        operation: UPSERT_BUCKET_MUTATION.name,
        runPath: run.runPath,
      },
    )
  }
  return result
}

/** Reads the run's current tags (and config and summary when `heavy`) just before a write. */
async function readFresh(
  transport: GraphqlTransport,
  run: RunWriteTarget,
  heavy: boolean,
  signal?: AbortSignal,
): Promise<Record<string, unknown> & { tags: string[] }> {
  const node = await fetchRunNode(
    transport,
    run,
    heavy,
    `Cannot update run ${run.runPath}: it no longer exists on ${transport.baseUrl}`,
    signal,
  )
  return { ...node, tags: node.tags ?? [] }
}

/** The writable values as a write is about to send them, keyed like the run's attributes. */
export type WriteSnapshot = Record<string, unknown> & { tags: string[] }

/**
 * Copies the writable values when `update()` is called, so the write sends exactly those and
 * edits made while it waits or is in flight stay pending. A config or summary holding something
 * that is not JSON data is a TypeError naming the key.
 */
export function snapshotForWrite(attrs: Record<string, unknown>): WriteSnapshot {
  const snapshot: WriteSnapshot = {
    tags: Array.isArray(attrs.tags) ? [...attrs.tags as string[]] : [],
  }
  for (const { attr } of Object.values(TEXT_FIELDS)) snapshot[attr] = attrs[attr]
  if ('config' in attrs) {
    assertJsonValue(attrs.config, 'config')
    snapshot.config = cloneJson(attrs.config)
  }
  if ('summaryMetrics' in attrs) {
    assertJsonValue(attrs.summaryMetrics, 'summary')
    snapshot.summaryMetrics = cloneJson(attrs.summaryMetrics)
  }
  return snapshot
}

/**
 * After a successful write: the server's merged tags, config and summary become both the run's
 * values and its new base, and edits made locally while the write was in flight stay pending.
 * Objects keep their identity, so a held `run.config` or `run.summary` sees the merged values.
 */
export function applyWriteResult(
  attrs: Record<string, unknown>,
  base: RunWriteBase,
  changes: RunChanges,
  sent: WriteSnapshot,
  result: RunWriteResult,
): void {
  for (const change of changes.fields) base.text[TEXT_FIELDS[change.field].attr] = change.to
  if (result.tags) {
    const now = Array.isArray(attrs.tags) ? attrs.tags as string[] : []
    const removedLate = new Set(sent.tags.filter((t) => !now.includes(t)))
    const addedLate = now.filter((t) => !sent.tags.includes(t))
    attrs.tags = [...result.tags.filter((t) => !removedLate.has(t)), ...addedLate]
    base.tags = [...result.tags]
  }
  if (result.rawConfig && sent.config) {
    const current = attrs.config as Record<string, unknown>
    const late = diffJson(sent.config as Record<string, unknown>, current)
    const { config, rawconfig } = splitConfig(result.rawConfig)
    replaceContents(current, config)
    applyJsonEdits(current, late)
    attrs.rawconfig = rawconfig
    base.config = cloneJson(config)
  }
  if (result.summary && sent.summaryMetrics) {
    const current = attrs.summaryMetrics as Record<string, unknown>
    const late = diffJson(sent.summaryMetrics as Record<string, unknown>, current)
    replaceContents(current, result.summary)
    applyJsonEdits(current, late)
    base.summary = cloneJson(result.summary)
  }
}
