/**
 * Rebuilds a run's config from its transaction log (format reference §4.5): `RunRecord.config`
 * updates (later run records, written when the run is renamed or retagged, carry the full
 * config again) and every `ConfigRecord`, in file order (`update` sets the value at the item's
 * path, `remove` deletes it).
 *
 * The public API's `run.config` unwraps the server's stored `{value, desc}` entries and drops
 * the internal keys `_wandb` and `wandb_version`; `run.rawconfig` is the same unwrapped data
 * with the internal keys kept (first). The transaction log stores values unwrapped already
 * (the `{value, desc}` wrapper is added only when `config.yaml` or the server copy is
 * written), so here `config` is the replayed tree without internal keys and `rawconfig` the
 * whole tree with internal keys first. A user value that happens to be a dict with a `value`
 * key is therefore kept as logged, exactly as the API shows it after a sync.
 *
 * @module
 */
import type { UpdateRecord } from './record_types.ts'
import type { Row } from '../row.ts'
import { deletePath, isPlainObject, parseValueJson } from './history_record_row.ts'
import { defineKey, setPath } from '../json/json_edit.ts'

/** Keys the API moves out of `config` into `rawconfig` only. */
export const INTERNAL_CONFIG_KEYS: readonly string[] = ['_wandb', 'wandb_version']

/** Options for config replay. */
export interface ConfigReplayOptions {
  /**
   * Merge a dict value into an existing dict at the same path leaf by leaf (wandb-core's
   * behaviour; an empty dict is then a no-op) instead of replacing it (the legacy Python
   * writer's behaviour). Both agree unless a dict-valued key is updated twice.
   * @default false
   */
  mergeDicts?: boolean
}

/** Accumulates config updates and removals. */
export class ConfigReplay {
  #tree: Row = {}
  /** Whether dict values merge into existing dicts (see ConfigReplayOptions.mergeDicts). */
  mergeDicts: boolean

  /** Creates an empty replay. */
  constructor(options: ConfigReplayOptions = {}) {
    this.mergeDicts = options.mergeDicts ?? false
  }

  /** Applies one config update/remove record (or the initial `RunRecord.config`). */
  apply(record: UpdateRecord): void {
    for (const item of record.update) {
      const value = parseValueJson(item.valueJson)
      if (this.mergeDicts && isPlainObject(value)) mergeAt(this.#tree, item.path, value)
      else setPath(this.#tree, item.path, value)
    }
    for (const item of record.remove) deletePath(this.#tree, item.path)
  }

  /** The user config: every top-level key except `_wandb` and `wandb_version`. */
  config(): Row {
    const out: Row = {}
    for (const key of Object.keys(this.#tree)) {
      if (!INTERNAL_CONFIG_KEYS.includes(key)) defineKey(out, key, this.#tree[key])
    }
    return out
  }

  /** The whole config with the internal keys (`_wandb`) first, as the API's `rawconfig`. */
  rawconfig(): Row {
    const out: Row = {}
    for (const key of INTERNAL_CONFIG_KEYS) {
      if (Object.hasOwn(this.#tree, key)) out[key] = this.#tree[key]
    }
    for (const [key, value] of Object.entries(this.config())) defineKey(out, key, value)
    return out
  }
}

/** Sets every leaf of `value` under `path`, keeping sibling keys already there (wandb-core). */
function mergeAt(tree: Row, path: readonly string[], value: Record<string, unknown>): void {
  for (const key of Object.keys(value)) {
    const child = value[key]
    const childPath = [...path, key]
    if (isPlainObject(child)) mergeAt(tree, childPath, child)
    else setPath(tree, childPath, child)
  }
}
