/** Test-only protobuf encoder for building `wandb_internal.Record` payloads by field number. */

/** Appends protobuf fields to a growing byte list. */
export class ProtoWriter {
  #bytes: number[] = []

  /** Writes a raw varint (no tag); accepts numbers (incl. negative, sign-extended to 64 bits) and bigints. */
  rawVarint(value: number | bigint): this {
    let v = BigInt.asUintN(64, BigInt(value))
    while (v >= 0x80n) {
      this.#bytes.push(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    this.#bytes.push(Number(v))
    return this
  }

  /** Writes a tag for a field number and wire type. */
  tag(field: number, wireType: number): this {
    return this.rawVarint(field * 8 + wireType)
  }

  /** Writes a varint field (int32, int64, uint64, enum). */
  varint(field: number, value: number | bigint): this {
    return this.tag(field, 0).rawVarint(value)
  }

  /** Writes a zigzag sint64 field. */
  sint64(field: number, value: bigint): this {
    const v = BigInt.asIntN(64, value)
    return this.tag(field, 0).rawVarint((v << 1n) ^ (v >> 63n))
  }

  /** Writes a bool field. */
  bool(field: number, value: boolean): this {
    return this.varint(field, value ? 1 : 0)
  }

  /** Writes a double field (wire type 1). */
  double(field: number, value: number): this {
    const b = new Uint8Array(8)
    new DataView(b.buffer).setFloat64(0, value, true)
    this.tag(field, 1)
    for (const x of b) this.#bytes.push(x)
    return this
  }

  /** Writes a fixed32 field (wire type 5). */
  fixed32(field: number, value: number): this {
    this.tag(field, 5)
    for (let i = 0; i < 4; i++) this.#bytes.push((value >>> (8 * i)) & 0xff)
    return this
  }

  /** Writes a length-delimited bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2).rawVarint(value.length)
    for (const x of value) this.#bytes.push(x)
    return this
  }

  /** Writes a UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value))
  }

  /** Writes a sub-message field (an empty builder gives a present, zero-length message). */
  message(field: number, build: (w: ProtoWriter) => void = () => {}): this {
    const w = new ProtoWriter()
    build(w)
    return this.bytes(field, w.finish())
  }

  /** Returns the encoded bytes. */
  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes)
  }
}

/** Builds a Record payload with the given body. */
export function record(build: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter()
  build(w)
  return w.finish()
}

/** An item for historyRecord: a key (string) or a nested key path (array), and value_json. */
export type TestItem = [key: string | string[], valueJson: string]

/** Writes HistoryItem/SummaryItem fields into a builder. */
export function writeItem(w: ProtoWriter, [key, valueJson]: TestItem): void {
  if (typeof key === 'string') w.string(1, key)
  else for (const k of key) w.string(2, k)
  w.string(16, valueJson)
}

/** Builds a Record with a HistoryRecord (field 2); `step` undefined omits the step message. */
export function historyRecord(num: number, items: TestItem[], step?: number): Uint8Array {
  return record((w) => {
    if (num) w.varint(1, num)
    w.message(2, (h) => {
      for (const item of items) h.message(1, (i) => writeItem(i, item))
      if (step !== undefined) h.message(2, (s) => step && s.varint(1, step))
    })
  })
}

/** Builds a Record with a RunRecord (field 17) carrying a run id and a project. */
export function runRecord(num: number, runId: string, project = 'p'): Uint8Array {
  return record((w) => {
    if (num) w.varint(1, num)
    w.message(17, (r) => r.string(1, runId).string(3, project))
  })
}

/** Metric keys of a synthetic training run, as wandb-core writes them (one `nested_key` leaf each). */
const SYNTHETIC_KEYS = [
  'train/loss',
  'train/acc',
  'val/loss',
  'val/acc',
  'lr',
  'epoch',
  'grad_norm',
  '_runtime',
  '_timestamp',
]

/** A wandb-core style history row: `_step` plus nine float metrics, numbered `step + 1`. */
export function syntheticHistoryRecord(step: number, random: () => number): Uint8Array {
  return record((w) => {
    w.varint(1, step + 1)
    w.message(2, (h) => {
      h.message(1, (i) => i.string(2, '_step').string(16, String(step)))
      for (const k of SYNTHETIC_KEYS) {
        h.message(1, (i) => i.string(2, k).string(16, String(random())))
      }
      h.message(2, (s) => step && s.varint(1, step))
    })
  })
}
