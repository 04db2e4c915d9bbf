import { after, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  isRunFolderName,
  listRunFolders,
  resolveRunFolder,
  resolveWandbDir,
} from '../../src/local/run_folder.ts'
import { sharedFixture, skipWithoutSharedFixtures } from '../_fixtures.ts'
import { fileURLToPath } from 'node:url'

const skip = skipWithoutSharedFixtures
const TINY_WANDB = sharedFixture('wandb-leet-fixtures/wandb/single-tiny/wandb')
const TINY_FOLDER = join(TINY_WANDB, 'run-20260102_030405-tiny0001')
const WORKSPACE = sharedFixture('wandb-leet-fixtures/wandb/workspace-multi')
/** The bundled sample run's log: always present, unlike the shared fixtures. */
const SAMPLE_FILE = fileURLToPath(
  new URL(
    '../../samples/wandb/offline-run-20261128_072908-wbxdemo1/run-wbxdemo1.wandb',
    import.meta.url,
  ),
)
const COMPAT_FILE = sharedFixture(
  'wandb-compat-logs-synthesized/offline-run-old_auto_steps/run-old_auto_steps.wandb',
)

const temps: string[] = []
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wbx-run-folder-'))
  temps.push(dir)
  return dir
}
after(async () => {
  for (const dir of temps) await rm(dir, { recursive: true, force: true })
})

describe('isRunFolderName', () => {
  it('accepts run-/offline-run- folders and rejects .wandb files and latest-run', () => {
    assert.equal(isRunFolderName('run-20260102_030405-tiny0001'), true)
    assert.equal(isRunFolderName('offline-run-20210216_154407-g9dvvkua'), true)
    assert.equal(isRunFolderName('offline-run-old_auto_steps'), true)
    assert.equal(isRunFolderName('run-tiny0001.wandb'), false)
    assert.equal(isRunFolderName('run-tiny0001.wandb.synced'), false)
    assert.equal(isRunFolderName('latest-run'), false)
  })
})

describe('resolveRunFolder', () => {
  it('accepts a run folder and takes the id from the .wandb file name', { skip }, async () => {
    const f = await resolveRunFolder(TINY_FOLDER)
    assert.equal(f.folder, TINY_FOLDER)
    assert.equal(f.wandbFile, join(TINY_FOLDER, 'run-tiny0001.wandb'))
    assert.equal(f.filesDir, join(TINY_FOLDER, 'files'))
    assert.equal(f.id, 'tiny0001')
    assert.equal(f.offline, false)
  })

  it('accepts the .wandb file itself', { skip }, async () => {
    const f = await resolveRunFolder(join(TINY_FOLDER, 'run-tiny0001.wandb'))
    assert.equal(f.folder, TINY_FOLDER)
    assert.equal(f.id, 'tiny0001')
  })

  it(
    'follows latest-run checked out as a text file holding the folder name',
    { skip },
    async () => {
      const f = await resolveRunFolder(join(TINY_WANDB, 'latest-run'))
      assert.equal(f.folder, TINY_FOLDER)
    },
  )

  it('follows a real latest-run symlink to the folder', { skip }, async () => {
    const dir = await tempDir()
    const run = join(dir, 'offline-run-20260101_000000-ab-cd')
    await mkdir(run)
    await copyFile(COMPAT_FILE, join(run, 'run-ab-cd.wandb'))
    await symlink('offline-run-20260101_000000-ab-cd', join(dir, 'latest-run'))
    const f = await resolveRunFolder(join(dir, 'latest-run'))
    assert.equal(f.id, 'ab-cd')
    assert.equal(f.offline, true)
    assert.ok(f.folder.endsWith('offline-run-20260101_000000-ab-cd'))
  })

  it('rejects a wandb/ folder and names its runs and latest-run', { skip }, async () => {
    await assert.rejects(resolveRunFolder(join(WORKSPACE, 'wandb')), (err: Error) => {
      assert.match(
        err.message,
        /is a wandb\/ folder with 5 run\(s\) \(wm1plain, wm2notes, wm3live, wm4crash, wm5best\)/,
      )
      assert.match(err.message, /latest-run/)
      return true
    })
  })

  it('names the path when it does not exist', async () => {
    await assert.rejects(
      resolveRunFolder('/no/such/wbx/run'),
      /Cannot open \/no\/such\/wbx\/run: no such file or folder; pass a W&B run folder/,
    )
  })

  it('rejects a file that is not a .wandb log', { skip }, async () => {
    await assert.rejects(
      resolveRunFolder(sharedFixture('wandb-offline-run-2021/files/config.yaml')),
      /config\.yaml: expected a \.wandb transaction log/,
    )
  })

  it('rejects a folder without a .wandb file and says why', async () => {
    const dir = await tempDir()
    await assert.rejects(
      resolveRunFolder(dir),
      /it holds no run-<id>\.wandb file \(nor the wandb-history\.jsonl \/ wandb-summary\.json of a pre-0\.10 run\); is this a wandb\/run-\* folder\?/,
    )
  })
})

describe('listRunFolders', () => {
  it('lists the five workspace runs from the folder holding wandb/', { skip }, async () => {
    const listing = await listRunFolders(WORKSPACE)
    assert.equal(listing.wandbDir, join(WORKSPACE, 'wandb'))
    assert.deepEqual(listing.runs.map((r) => r.id), [
      'wm1plain',
      'wm2notes',
      'wm3live',
      'wm4crash',
      'wm5best',
    ])
    assert.deepEqual(listing.skipped, [])
  })

  it('orders by the timestamp in the name (offline- ignored), keeps duplicate ids, lists pre-0.10 folders, reports unusable ones', async () => {
    const dir = await tempDir()
    const wandb = join(dir, '.wandb')
    for (const name of ['run-20260101_000001-abc', 'offline-run-20260101_000000-abc']) {
      await mkdir(join(wandb, name), { recursive: true })
      await copyFile(SAMPLE_FILE, join(wandb, name, 'run-abc.wandb'))
    }
    await mkdir(join(wandb, 'run-20251231_235959-old'))
    await writeFile(join(wandb, 'run-20251231_235959-old', 'wandb-history.jsonl'), '{}\n')
    await mkdir(join(wandb, 'run-20251231_235958-none'))
    await writeFile(join(wandb, 'debug.log'), '')
    const listing = await listRunFolders(dir)
    assert.equal(listing.wandbDir, wandb)
    assert.deepEqual(listing.runs.map((r) => [r.id, r.offline, r.layout]), [
      ['old', false, 'pre-0.10'],
      ['abc', true, undefined],
      ['abc', false, undefined],
    ])
    assert.equal(listing.runs[0].wandbFile, join(wandb, 'run-20251231_235959-old'))
    assert.equal(listing.skipped.length, 1)
    assert.match(listing.skipped[0].reason, /no run-<id>\.wandb file/)
  })

  it('fails with a clear message when there are no run folders', async () => {
    const dir = await tempDir()
    await assert.rejects(
      resolveWandbDir(dir),
      /no run-\*, offline-run-\* or dryrun-\* folders there or in its wandb\/ subfolder/,
    )
  })
})
