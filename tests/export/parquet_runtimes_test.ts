import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'
import { spoolDecompressors } from '../../src/export/parquet_codec.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))
const child = fileURLToPath(new URL('./_parquet_bytes_writer.ts', import.meta.url))
const FILES = ['default.parquet', 'bulk-zstd.parquet', 'zstd-late-column.parquet']

/** The first of `candidates` that runs and whose `--version` passes `ok`, else undefined. */
function firstWorking(
  candidates: (string | undefined)[],
  ok: (version: string) => boolean,
): string | undefined {
  for (const candidate of candidates) {
    if (!candidate) continue
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' })
    if (r.status === 0 && ok(r.stdout.trim())) return candidate
  }
  return undefined
}

/** Node runs the .ts sources directly from 22.18 / 23.6 on. */
function nodeRunsTypeScript(version: string): boolean {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number)
  return major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)
}

const tools = join(root, '.tools/node_modules/.bin')
const deno = firstWorking([join(tools, 'deno'), 'deno'], () => true)
const bun = firstWorking([join(tools, 'bun'), 'bun'], () => true)
const node = firstWorking([join(tools, 'node'), process.env.WBX_NODE, 'node'], nodeRunsTypeScript)
const runtimes: { name: string; command: string[] | undefined }[] = [
  { name: 'deno', command: deno ? [deno, 'run', '-A', child] : undefined },
  { name: 'bun', command: bun ? [bun, child] : undefined },
  { name: 'node', command: node ? [node, child] : undefined },
]
const missing = runtimes.filter((r) => !r.command).map((r) => r.name)
const skip = missing.length
  ? `runtime(s) not found: ${
    missing.join(', ')
  } (\`npm run tools\` puts Deno, Bun and Node 24 in .tools/; CI has them)`
  : false

test('Deno, Bun and Node write byte-identical Parquet for the same rows (snappy default, zstd)', {
  skip,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wbx-pq-runtimes-'))
  try {
    const hashes: Record<string, Record<string, string>> = {}
    for (const { name, command } of runtimes) {
      const out = join(dir, name)
      mkdirSync(out)
      const r = spawnSync(command![0], [...command!.slice(1), out], {
        cwd: root,
        encoding: 'utf8',
        timeout: 120_000,
      })
      assert.equal(r.status, 0, `${name} failed: ${r.stderr}`)
      hashes[name] = {}
      for (const file of FILES) {
        const path = join(out, file)
        assert.ok(existsSync(path), `${name} wrote no ${file}`)
        hashes[name][file] = createHash('sha256').update(readFileSync(path)).digest('hex')
      }
    }
    assert.deepEqual(hashes.bun, hashes.deno, 'Bun and Deno wrote different bytes')
    assert.deepEqual(hashes.node, hashes.deno, 'Node and Deno wrote different bytes')
    // The files are real Parquet: hyparquet reads every row back with the codec named in them.
    for (const file of FILES) {
      const buffer = await asyncBufferFromFile(join(dir, 'deno', file))
      const metadata = await parquetMetadataAsync(buffer)
      const codec = metadata.row_groups[0].columns[0].meta_data?.codec
      assert.equal(codec, file === 'default.parquet' ? 'SNAPPY' : 'ZSTD')
      const rows = await parquetReadObjects({
        file: buffer,
        compressors: spoolDecompressors,
      }) as Record<string, unknown>[]
      assert.equal(rows.length, 5000)
      assert.equal(rows[4999]._step, 4999n)
      assert.equal(rows[1000].lr, 0.0001)
      assert.equal(rows[1000].phase, 'phase-2')
      assert.equal(rows[3000].late !== null, true)
      assert.equal(rows[2499].late, null)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
