/**
 * Applying edits of a run's user config (`run.config`, values unwrapped) to the config W&B stores,
 * where each key holds `{value, desc}` and internal keys (`_wandb`, `wandb_version`) sit beside
 * the user's. Unlike the SDK's `json_config`, descriptions and internal keys are kept.
 *
 * @module
 */
import {
  applyJsonEdits,
  cloneJson,
  defineKey,
  formatPath,
  isPlainObject,
  type JsonEdit,
} from '../json/json_edit.ts'
import { WANDB_INTERNAL_KEYS } from './run_attrs.ts'

/** Whether a stored config entry is wrapped as `{value, desc}` (what `splitConfig` unwraps). */
function isWrapped(entry: unknown): entry is Record<string, unknown> & { value: unknown } {
  return isPlainObject(entry) && 'value' in entry
}

/** Throws a TypeError when an edit touches an internal key, which wbx never writes. */
export function assertUserConfigEdits(edits: readonly JsonEdit[]): void {
  for (const edit of edits) {
    if (WANDB_INTERNAL_KEYS.has(edit.path[0])) {
      throw new TypeError(
        `Cannot write config key ${
          formatPath(edit.path)
        }: it is internal to W&B and wbx never writes it; edit user keys only`,
      )
    }
  }
}

/**
 * Applies user-config edits to a stored (wrapped) config in place: a changed key keeps its `desc`
 * and other wrapper fields, a new key is wrapped as `{value, desc: null}`, nested edits go inside
 * `value`, and keys no edit names (internal ones included) stay exactly as stored.
 */
export function applyConfigEdits(
  stored: Record<string, unknown>,
  edits: readonly JsonEdit[],
): void {
  assertUserConfigEdits(edits)
  for (const edit of edits) {
    const [key, ...rest] = edit.path
    const entry = Object.hasOwn(stored, key) ? stored[key] : undefined
    if (rest.length === 0) {
      if (edit.op === 'delete') {
        delete stored[key]
        continue
      }
      const value = cloneJson(edit.value)
      defineKey(stored, key, isWrapped(entry) ? { ...entry, value } : { value, desc: null })
      continue
    }
    if (entry === undefined && edit.op === 'delete') continue
    let wrapped: Record<string, unknown>
    if (isWrapped(entry)) wrapped = entry
    else {
      wrapped = { value: entry, desc: null }
      defineKey(stored, key, wrapped)
    }
    if (!isPlainObject(wrapped.value)) {
      if (edit.op === 'delete') continue
      wrapped.value = {}
    }
    applyJsonEdits(wrapped.value as Record<string, unknown>, [{ ...edit, path: rest }])
  }
}
