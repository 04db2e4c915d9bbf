import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  jsonLines,
  readConfigYaml,
  readJsonObject,
  textChunks,
} from '../../src/local/pre010_files.ts'
import { emptyDamageReport } from '../../src/local/damage_report.ts'

const temps: string[] = []
after(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

async function dir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'wbx-pre010-files-'))
  temps.push(d)
  return d
}

describe('pre-0.10 file readers', () => {
  it('config.yaml: {desc, value} unwrapped, wandb_version dropped, keys as PyYAML reads them', async () => {
    const d = await dir()
    const path = join(d, 'config.yaml')
    await writeFile(
      path,
      'wandb_version: 1\n\n_wandb:\n  desc: null\n  value:\n    cli_version: 0.8.31\nn:\n  desc: null\n  value: 1.0e-05\nplain: 3\n__proto__:\n  desc: null\n  value: 1\n',
    )
    const config = await readConfigYaml(path)
    assert.deepEqual(Object.keys(config!), ['_wandb', 'n', 'plain', '__proto__'])
    assert.deepEqual(config!._wandb, { cli_version: '0.8.31' })
    assert.equal(config!.n, 1e-5)
    assert.equal(config!.plain, 3)
    assert.equal(Object.getPrototypeOf(config), Object.prototype)
    assert.equal(await readConfigYaml(join(d, 'absent.yaml')), undefined)
  })

  it('JSON objects with NaN; anything else or absent reads as undefined', async () => {
    const d = await dir()
    await writeFile(join(d, 'a.json'), '{"x": NaN, "y": [1]}')
    await writeFile(join(d, 'b.json'), '[1, 2]')
    assert.deepEqual(await readJsonObject(join(d, 'a.json')), { x: NaN, y: [1] })
    assert.equal(await readJsonObject(join(d, 'b.json')), undefined)
    assert.equal(await readJsonObject(join(d, 'c.json')), undefined)
  })

  it('.jsonl lines with byte offsets; a bad line is reported with its range', async () => {
    const d = await dir()
    const path = join(d, 'h.jsonl')
    await writeFile(path, '{"a": "é"}\n\n[1]\n{"b": Infinity}\n')
    const report = emptyDamageReport(path)
    const lines = []
    for await (const line of jsonLines(path, report)) lines.push(line)
    assert.deepEqual(lines, [{ value: { a: 'é' }, offset: 0 }, {
      value: { b: Infinity },
      offset: 17,
    }])
    assert.deepEqual(report.lostRanges, [
      { start: 13, end: 17, reason: 'h.jsonl line is not a JSON object' },
    ])
    const none = []
    for await (const line of jsonLines(join(d, 'absent.jsonl'), report)) none.push(line)
    assert.deepEqual(none, [])
  })

  it('text in chunks, nothing for an absent file', async () => {
    const d = await dir()
    await writeFile(join(d, 'o.log'), 'a\rb\n'.repeat(40000))
    let text = ''
    for await (const chunk of textChunks(join(d, 'o.log'))) text += chunk
    assert.equal(text.length, 160000)
    for await (const _ of textChunks(join(d, 'absent.log'))) assert.fail('absent file yielded text')
  })
})
