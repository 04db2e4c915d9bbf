/**
 * Typed readers for option values, throwing usage errors that quote the bad value.
 *
 * @module
 */
import type { OptionValues } from './command.ts'
import { UsageError } from './usage_error.ts'

/** Reads an optional integer option such as `--min-step`. */
export function intOption(values: OptionValues, name: string): number | undefined {
  const raw = values[name]
  if (raw === undefined) return undefined
  const text = String(raw)
  if (!/^-?\d+$/.test(text)) throw new UsageError(`--${name} must be an integer, got "${text}"`)
  return Number(text)
}

/** Reads a list option given as repeats and/or comma-separated values (`--keys a,b --keys c`). */
export function listOption(values: OptionValues, name: string): string[] | undefined {
  const raw = values[name]
  if (raw === undefined) return undefined
  const items = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => String(v).split(','))
  const list = items.map((s) => s.trim()).filter((s) => s !== '')
  if (list.length === 0) throw new UsageError(`--${name} needs at least one value`)
  return list
}

/** Reads a string option restricted to a set of choices. */
export function choiceOption<T extends string>(
  values: OptionValues,
  name: string,
  choices: readonly T[],
): T | undefined {
  const raw = values[name]
  if (raw === undefined) return undefined
  if (!choices.includes(raw as T)) {
    throw new UsageError(`Unknown --${name} "${raw}"; use ${choices.join(', ')}`)
  }
  return raw as T
}
