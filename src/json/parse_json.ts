/**
 * JSON parsing that also accepts the bare `NaN`, `Infinity` and `-Infinity` tokens W&B writes.
 *
 * @module
 */
import { defineKey } from './json_edit.ts'

/** Parses JSON text, accepting bare NaN/Infinity/-Infinity outside strings; throws SyntaxError otherwise. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err
    return new ExtendedJsonParser(text).parseDocument()
  }
}

/** A small recursive-descent parser used only when JSON.parse rejects the text. */
class ExtendedJsonParser {
  #text: string
  #pos = 0

  constructor(text: string) {
    this.#text = text
  }

  /** Parses the whole text as one value. */
  parseDocument(): unknown {
    const value = this.#value()
    this.#ws()
    if (this.#pos !== this.#text.length) this.#fail('unexpected trailing text')
    return value
  }

  #fail(what: string): never {
    throw new SyntaxError(`Cannot parse JSON: ${what} at position ${this.#pos}`)
  }

  #ws(): void {
    const t = this.#text
    while (this.#pos < t.length) {
      const c = t.charCodeAt(this.#pos)
      if (c === 32 || c === 9 || c === 10 || c === 13) this.#pos++
      else break
    }
  }

  #value(): unknown {
    this.#ws()
    const t = this.#text
    const c = t[this.#pos]
    if (c === '{') return this.#object()
    if (c === '[') return this.#array()
    if (c === '"') return this.#string()
    if (t.startsWith('NaN', this.#pos)) return this.#word('NaN', NaN)
    if (t.startsWith('Infinity', this.#pos)) return this.#word('Infinity', Infinity)
    if (t.startsWith('-Infinity', this.#pos)) return this.#word('-Infinity', -Infinity)
    if (t.startsWith('true', this.#pos)) return this.#word('true', true)
    if (t.startsWith('false', this.#pos)) return this.#word('false', false)
    if (t.startsWith('null', this.#pos)) return this.#word('null', null)
    return this.#number()
  }

  #word(word: string, value: unknown): unknown {
    this.#pos += word.length
    return value
  }

  #number(): number {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
    m.lastIndex = this.#pos
    const found = m.exec(this.#text)
    if (!found || found[0] === '' || found[0] === '-') this.#fail('unexpected character')
    this.#pos += found[0].length
    return Number(found[0])
  }

  #string(): string {
    const t = this.#text
    const start = this.#pos
    let end = start + 1
    while (end < t.length) {
      const c = t.charCodeAt(end)
      if (c === 34) break
      end += c === 92 ? 2 : 1
    }
    if (end >= t.length) this.#fail('unterminated string')
    this.#pos = end + 1
    return JSON.parse(t.slice(start, end + 1))
  }

  #array(): unknown[] {
    this.#pos++
    const out: unknown[] = []
    this.#ws()
    if (this.#text[this.#pos] === ']') {
      this.#pos++
      return out
    }
    for (;;) {
      out.push(this.#value())
      this.#ws()
      const c = this.#text[this.#pos++]
      if (c === ']') return out
      if (c !== ',') this.#fail('expected , or ]')
    }
  }

  #object(): Record<string, unknown> {
    this.#pos++
    const out: Record<string, unknown> = {}
    this.#ws()
    if (this.#text[this.#pos] === '}') {
      this.#pos++
      return out
    }
    for (;;) {
      this.#ws()
      if (this.#text[this.#pos] !== '"') this.#fail('expected a key')
      const key = this.#string()
      this.#ws()
      if (this.#text[this.#pos++] !== ':') this.#fail('expected :')
      const value = this.#value()
      defineKey(out, key, value)
      this.#ws()
      const c = this.#text[this.#pos++]
      if (c === '}') return out
      if (c !== ',') this.#fail('expected , or }')
    }
  }
}
