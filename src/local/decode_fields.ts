/**
 * Table-driven decoding of the small `.wandb` messages (run, artifact, manifest, exit, alert,
 * metric, header, files): a message is a table of its fields by number, as wandb_internal.proto
 * lists them, each saying the wire type it arrives with and where its value goes. A field the
 * table does not name, or one that arrives with another wire type, is skipped. The hot bodies
 * (history items, stats, console output) keep their hand-written loops in decode_items.ts and
 * decode_messages.ts.
 *
 * @module
 */
import { readTimestamp, sub } from './decode_items.ts'
import type { Timestamp } from './record_types.ts'
import { type ProtoReader, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './protobuf_reader.ts'

/** Stores one field's value, read from `r`, into the message being built. */
export type FieldRead<T> = (r: ProtoReader, into: T) => void

/** One field of a message: the wire type it must arrive with and how its value is stored. */
export interface FieldSpec<T> {
  /** The wire type (`WIRE_VARINT`, `WIRE_FIXED64`, `WIRE_LEN`). */
  readonly wire: number
  /** Reads the value and stores it. */
  readonly read: FieldRead<T>
}

/** A compiled message table: the store of each tag (`field << 3 | wire`), by tag. */
export type FieldTable<T> = readonly (FieldRead<T> | undefined)[]

/** The keys of `T` whose value type (optional or not) is `V`. */
type KeyOf<T, V> = { [K in keyof T]-?: NonNullable<T[K]> extends V ? K : never }[keyof T]

/** Compiles a message's fields, by field number, into a table indexed by tag. */
export function fieldTable<T>(fields: Readonly<Record<number, FieldSpec<T>>>): FieldTable<T> {
  const specs = Object.entries(fields).map(([n, spec]) => ({
    tag: Number(n) * 8 + spec.wire,
    spec,
  }))
  const table: (FieldRead<T> | undefined)[] = new Array(Math.max(0, ...specs.map((s) => s.tag)) + 1)
    .fill(undefined)
  for (const { tag, spec } of specs) table[tag] = spec.read
  return table
}

/** Reads every field of the current message (`r.pos` to `r.end`) into `into` and returns it. */
export function readFields<T>(r: ProtoReader, table: FieldTable<T>, into: T): T {
  while (r.pos < r.end) {
    const tag = r.tag()
    const read = table[tag]
    if (read === undefined) r.skip(tag & 7)
    else read(r, into)
  }
  return into
}

/** Stores `value` at `key` (the typed field helpers below guarantee the type). */
function store<T>(into: T, key: PropertyKey, value: unknown): void {
  ;(into as Record<PropertyKey, unknown>)[key] = value
}

/** A `string` field. */
export function text<T>(key: KeyOf<T, string>): FieldSpec<T> {
  return { wire: WIRE_LEN, read: (r, into) => store(into, key, r.string()) }
}

/** A `repeated string` field, appended to the array at `key`. */
export function texts<T>(key: KeyOf<T, string[]>): FieldSpec<T> {
  return { wire: WIRE_LEN, read: (r, into) => (into[key] as string[]).push(r.string()) }
}

/** A `bool` field. */
export function flag<T>(key: KeyOf<T, boolean>): FieldSpec<T> {
  return { wire: WIRE_VARINT, read: (r, into) => store(into, key, r.bool()) }
}

/** An `int32` field. */
export function int32<T>(key: KeyOf<T, number>): FieldSpec<T> {
  return { wire: WIRE_VARINT, read: (r, into) => store(into, key, r.int32()) }
}

/** An `int64` field (as a number). */
export function int64<T>(key: KeyOf<T, number>): FieldSpec<T> {
  return { wire: WIRE_VARINT, read: (r, into) => store(into, key, r.int64()) }
}

/** A `double` field. */
export function double<T>(key: KeyOf<T, number>): FieldSpec<T> {
  return { wire: WIRE_FIXED64, read: (r, into) => store(into, key, r.double()) }
}

/** An enum field stored as its name; a number outside `names` stores `names[0]`. */
export function enumName<T, K extends KeyOf<T, string>>(
  key: K,
  names: readonly T[K][],
): FieldSpec<T> {
  return { wire: WIRE_VARINT, read: (r, into) => store(into, key, names[r.uint32()] ?? names[0]) }
}

/** A `google.protobuf.Timestamp` field. */
export function timestamp<T>(key: KeyOf<T, Timestamp>): FieldSpec<T> {
  return { wire: WIRE_LEN, read: (r, into) => store(into, key, readTimestamp(r)) }
}

/** A sub-message field, its body decoded by `read`. */
export function message<T, V>(key: KeyOf<T, V>, read: (r: ProtoReader) => V): FieldSpec<T> {
  return { wire: WIRE_LEN, read: (r, into) => store(into, key, sub(r, read)) }
}

/** A `repeated` sub-message field, each decoded by `read` and appended to the array at `key`. */
export function messages<T, V>(key: KeyOf<T, V[]>, read: (r: ProtoReader) => V): FieldSpec<T> {
  return { wire: WIRE_LEN, read: (r, into) => (into[key] as V[]).push(sub(r, read)) }
}

/** A length-delimited field with its own store (flag sets, maps, nested messages read in place). */
export function bytesField<T>(read: FieldRead<T>): FieldSpec<T> {
  return { wire: WIRE_LEN, read }
}
