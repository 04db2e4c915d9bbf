/**
 * Hostile output folders: a symbolic link planted at each place an export writes must never
 * redirect a write outside the output folder. The outside file stays byte-identical and the error
 * names the link.
 */
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ownFixturesDir } from '../_fixtures.ts'
import { runCli } from '../cli/_run_cli.ts'

const WANDB = join(ownFixturesDir, 'runs', 'wandb')
const SCALARS = join(WANDB, 'offline-run-20261128_072627-wbxscalars')
const OUTSIDE_TEXT = 'outside: wbx must never write here\n'

/** A scratch area with an export folder `out` and an outside folder holding `victim.txt`. */
function scratch(): { out: string; outside: string; victim: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'wbx-fs-link-'))
  const out = join(root, 'out')
  const outside = join(root, 'outside')
  mkdirSync(out)
  mkdirSync(outside)
  const victim = join(outside, 'victim.txt')
  writeFileSync(victim, OUTSIDE_TEXT)
  return { out, outside, victim, cleanup: () => rmSync(root, { recursive: true, force: true }) }
}

/** Asserts the outside folder still holds only the untouched victim file. */
function assertOutsideUntouched(s: { outside: string; victim: string }): void {
  assert.deepEqual(readdirSync(s.outside), ['victim.txt'])
  assert.equal(readFileSync(s.victim, 'utf8'), OUTSIDE_TEXT)
}

/** Runs `wbx export` of two local runs with every part that writes files. */
function exportRuns(out: string) {
  return runCli([
    'export',
    WANDB,
    '--out',
    out,
    '--runs',
    'wbxmedia,wbxconsole',
    '--history',
    '--files',
    '--logs',
    '--attempts',
    '1',
  ])
}

/** The folder links: each must quarantine the run, naming the link, and write nothing outside. */
const FOLDER_LINKS: { place: string; make: (out: string) => string }[] = [
  { place: 'files/<run>', make: (out) => join(out, 'files', 'wbxmedia') },
  { place: 'files/<run>/sub', make: (out) => join(out, 'files', 'wbxmedia', 'media') },
  { place: 'history/run_id=<id>', make: (out) => join(out, 'history', 'run_id=wbxmedia') },
  { place: 'logs/<run>', make: (out) => join(out, 'logs', 'wbxmedia') },
]

for (const { place, make } of FOLDER_LINKS) {
  test(`a link at out/${place} is refused and nothing is written through it`, async () => {
    const s = scratch()
    try {
      const link = make(s.out)
      mkdirSync(join(link, '..'), { recursive: true })
      symlinkSync(s.outside, link, 'dir')
      const result = await exportRuns(s.out)
      assertOutsideUntouched(s)
      assert.equal(result.code, 1, result.stderr)
      const manifest = JSON.parse(readFileSync(join(s.out, 'wbx-manifest.json'), 'utf8'))
      assert.deepEqual(manifest.failures.map((f: { runId: string }) => f.runId), ['wbxmedia'])
      assert.match(manifest.failures[0].error, new RegExp(`${link} is a symbolic link`))
      // The other run is exported as usual.
      assert.equal(manifest.runs.wbxconsole.complete, true)
    } finally {
      s.cleanup()
    }
  })
}

test('links at the old fixed temporary names are never opened (temp files are created exclusively)', async () => {
  const s = scratch()
  try {
    symlinkSync(s.victim, join(s.out, '.wbx-manifest.json.wbx-tmp'))
    mkdirSync(join(s.out, 'logs', 'wbxconsole'), { recursive: true })
    symlinkSync(s.victim, join(s.out, 'logs', 'wbxconsole', '.output.log.wbx-tmp'))
    mkdirSync(join(s.out, 'history', 'run_id=wbxconsole'), { recursive: true })
    symlinkSync(
      s.victim,
      join(s.out, 'history', 'run_id=wbxconsole', '.part-00000.parquet.wbx-tmp'),
    )
    const result = await exportRuns(s.out)
    assert.equal(result.code, 0, result.stderr)
    assertOutsideUntouched(s)
    assert.match(readFileSync(join(s.out, 'wbx-manifest.json'), 'utf8'), /"complete": true/)
  } finally {
    s.cleanup()
  }
})

for (const name of ['wbx-manifest.json', '.wbx-journal.ndjson', 'runs.parquet']) {
  test(`a link at out/${name} stops the export with an error naming it`, async () => {
    const s = scratch()
    try {
      const link = join(s.out, name)
      symlinkSync(s.victim, link)
      const result = await exportRuns(s.out)
      assertOutsideUntouched(s)
      assert.notEqual(result.code, 0)
      assert.match(result.stderr, new RegExp(`${link} is a symbolic link`))
    } finally {
      s.cleanup()
    }
  })
}

test('a single-run -o target that is a link is refused, naming it', async () => {
  const s = scratch()
  try {
    const link = join(s.out, 'history.csv')
    symlinkSync(s.victim, link)
    const result = await runCli(['history', SCALARS, '-o', link])
    assert.equal(result.code, 1)
    assert.match(result.stderr, new RegExp(`${link} is a symbolic link`))
    assertOutsideUntouched(s)
    assert.deepEqual(readdirSync(s.out), ['history.csv'], 'no temporary file is left')
  } finally {
    s.cleanup()
  }
})
