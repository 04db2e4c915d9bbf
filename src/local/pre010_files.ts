/**
 * Readers of the files a pre-0.10 run folder holds: `config.yaml` (PyYAML output, read as YAML
 * 1.2 as PyYAML reads it back: `n:` and `y:` stay keys), JSON objects, `.jsonl` lines with their
 * byte offsets, and text in chunks. Absent files read as nothing.
 *
 * @module
 */
import { Buffer } from 'node:buffer'
import { createReadStream } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { createInterface } from 'node:readline'
import { parse as parseYaml } from 'yaml'
import type { DamageReport } from './damage_report.ts'
import { parseJson } from '../json/parse_json.ts'

/** Reads `config.yaml`: `{desc, value}` entries unwrapped, `wandb_version` left out. */
export async function readConfigYaml(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return undefined
  }
  const doc = parseYaml(text)
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return undefined
  const out: Record<string, unknown> = {}
  for (const [key, entry] of Object.entries(doc as Record<string, unknown>)) {
    if (key === 'wandb_version') continue
    const wrapped = typeof entry === 'object' && entry !== null && !Array.isArray(entry) &&
      'value' in entry
    Object.defineProperty(out, key, {
      value: wrapped ? (entry as { value: unknown }).value : entry,
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}

/** Reads a JSON object file, or undefined when absent or not an object. */
export async function readJsonObject(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value = parseJson(await readFile(path, 'utf8'))
    return isObject(value) ? value : undefined
  } catch {
    return undefined
  }
}

/** Yields each JSON-object line of a `.jsonl` file with its byte offset; bad lines go to the report. */
export async function* jsonLines(
  path: string,
  report: DamageReport | undefined,
): AsyncGenerator<{ value: Record<string, unknown>; offset: number }> {
  let input
  try {
    input = createReadStream(path, { encoding: 'utf8' })
    await new Promise<void>((resolve, reject) => {
      input!.once('open', () => resolve())
      input!.once('error', reject)
    })
  } catch {
    return
  }
  const lines = createInterface({ input, crlfDelay: Infinity })
  let offset = 0
  try {
    for await (const line of lines) {
      const start = offset
      offset += Buffer.byteLength(line, 'utf8') + 1
      if (line.trim() === '') continue
      let value: unknown
      try {
        value = parseJson(line)
      } catch {
        value = undefined
      }
      if (isObject(value)) yield { value, offset: start }
      else {
        report?.lostRanges.push({
          start,
          end: offset,
          reason: `${basename(path)} line is not a JSON object`,
        })
      }
    }
  } finally {
    lines.close()
    input.destroy()
  }
}

/** Yields a text file in chunks, or nothing when it is absent. */
export async function* textChunks(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 65536 })
  try {
    for await (const chunk of input) yield chunk as string
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  } finally {
    input.destroy()
  }
}

/** Whether a value is a plain JSON object. */
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
