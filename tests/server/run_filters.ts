/**
 * Mongo-style run filters and orderings, the way W&B's runs query takes them: `$and`, `$or`,
 * `$nor`, and per field `$eq $ne $gt $gte $lt $lte $in $nin $exists $regex`, with a bare value
 * meaning equality (an array field such as `tags` matches when any element matches).
 *
 * @module
 */
import { parseJson } from '../../src/json/parse_json.ts'
import { isRecord } from './history_table.ts'
import { BadRequestError } from './ids.ts'
import type { RunRecord } from './records.ts'
import { type RunField, runField } from './run_fields.ts'

/** A compiled filter. */
export type RunPredicate = (run: RunRecord) => boolean

/** Parses and compiles a `filters` JSON string (null or `{}` matches every run). */
export function compileFilters(filters: string | null | undefined): RunPredicate {
  if (filters === null || filters === undefined || filters === '') return () => true
  let parsed: unknown
  try {
    parsed = parseJson(filters)
  } catch {
    throw new BadRequestError(`invalid filters ${JSON.stringify(filters)}: not JSON`)
  }
  return compileDocument(parsed)
}

/** Compiles one filter object (logical operators and field conditions). */
function compileDocument(doc: unknown): RunPredicate {
  if (!isRecord(doc)) {
    throw new BadRequestError(`invalid filter ${JSON.stringify(doc)}: expected an object`)
  }
  const parts: RunPredicate[] = []
  for (const [key, value] of Object.entries(doc)) {
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(value)) throw new BadRequestError(`invalid filter: ${key} needs a list`)
      const subs = value.map(compileDocument)
      if (key === '$and') parts.push((r) => subs.every((p) => p(r)))
      else if (key === '$or') parts.push((r) => subs.some((p) => p(r)))
      else parts.push((r) => !subs.some((p) => p(r)))
    } else if (key.startsWith('$')) {
      throw new BadRequestError(`invalid filter operator ${JSON.stringify(key)}`)
    } else parts.push(compileField(runField(key), value))
  }
  return (r) => parts.every((p) => p(r))
}

/** Compiles the condition on one field: a bare value means `$eq`. */
function compileField(field: RunField, condition: unknown): RunPredicate {
  const ops = isRecord(condition) && Object.keys(condition).some((k) => k.startsWith('$'))
    ? Object.entries(condition)
    : [['$eq', condition] as [string, unknown]]
  const tests = ops.map(([op, operand]) => compileOp(field, op, operand, condition))
  return (r) => {
    const value = field.read(r)
    return tests.every((t) => t(value))
  }
}

/** Compiles one operator of a field condition into a value test. */
function compileOp(
  field: RunField,
  op: string,
  operand: unknown,
  condition: unknown,
): (value: unknown) => boolean {
  const norm = (v: unknown) => normalize(field, v)
  switch (op) {
    case '$eq':
      return (v) => anyOf(v, (x) => equal(norm(x), norm(operand)))
    case '$ne':
      return (v) => !anyOf(v, (x) => equal(norm(x), norm(operand)))
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      const want = norm(operand)
      return (v) =>
        anyOf(v, (x) => {
          const c = compareValues(norm(x), want)
          if (c === undefined) return false
          return op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0
        })
    }
    case '$in':
    case '$nin': {
      if (!Array.isArray(operand)) throw new BadRequestError(`invalid filter: ${op} needs a list`)
      const wanted = operand.map(norm)
      const hit = (v: unknown) => anyOf(v, (x) => wanted.some((w) => equal(norm(x), w)))
      return op === '$in' ? hit : (v) => !hit(v)
    }
    case '$exists':
      return (v) => (v !== undefined) === Boolean(operand)
    case '$regex': {
      const flags = isRecord(condition) && typeof condition.$options === 'string'
        ? condition.$options
        : ''
      let re: RegExp
      try {
        re = new RegExp(String(operand), flags.replace(/[^imsu]/g, ''))
      } catch {
        throw new BadRequestError(`invalid filter: bad $regex ${JSON.stringify(operand)}`)
      }
      return (v) => anyOf(v, (x) => typeof x === 'string' && re.test(x))
    }
    case '$options':
      return () => true
    default:
      throw new BadRequestError(`invalid filter operator ${JSON.stringify(op)} on ${field.name}`)
  }
}

/** Applies a test to a value, or to each element when the field value is an array. */
function anyOf(value: unknown, test: (x: unknown) => boolean): boolean {
  return Array.isArray(value) ? value.some(test) || test(value) : test(value)
}

/** Makes a value comparable: times become epoch ms, missing becomes null. */
function normalize(field: RunField, value: unknown): unknown {
  if (field.isDate && typeof value === 'string') {
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : value + 'Z')
    return Number.isNaN(ms) ? value : ms
  }
  return value === undefined ? null : value
}

/** Equality for filter values (deep for arrays and objects). */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b) || isRecord(a) || isRecord(b)) {
    return JSON.stringify(a) === JSON.stringify(b)
  }
  return false
}

/** Compares two values of one kind (numbers, strings, booleans); undefined when not comparable. */
export function compareValues(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return undefined
    return a < b ? -1 : a > b ? 1 : 0
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  return undefined
}
