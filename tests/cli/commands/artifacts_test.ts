import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { artifactsCommand } from '../../../src/cli/commands/artifacts.ts'
import { ownFixturesDir } from '../../_fixtures.ts'
import { runInProcess } from './_in_process.ts'

const WANDB = join(ownFixturesDir, 'runs', 'wandb')
const ARTIFACTS_RUN = join(WANDB, readdirSync(WANDB).find((n) => n.endsWith('-wbxartifacts'))!)

test('wbx artifacts lists the logged artifacts of a run folder, one JSON row each', async () => {
  const { code, out } = await runInProcess(artifactsCommand, {}, [ARTIFACTS_RUN])
  assert.equal(code, 0)
  const rows = out.trimEnd().split('\n').map((l) => JSON.parse(l))
  assert.deepEqual(rows.map((r) => [r.name, r.type, r.direction]), [
    ['wbx-dataset', 'dataset', 'logged'],
    ['wbx-model', 'model', 'logged'],
  ])
  assert.equal(rows[0].file_count, 2)
  assert.equal(rows[1].size, 1024)
})

test('--entries lists manifest entries; --direction used finds none offline; a bad direction is refused', async () => {
  const entries = await runInProcess(artifactsCommand, { entries: true }, [ARTIFACTS_RUN])
  assert.equal(entries.code, 0)
  const paths = entries.out.trimEnd().split('\n').map((l) => JSON.parse(l).path)
  assert.deepEqual(paths.sort(), ['a.txt', 'sub/b.csv', 'weights.bin'])
  const used = await runInProcess(artifactsCommand, { direction: 'used' }, [ARTIFACTS_RUN])
  assert.equal(used.code, 0)
  assert.equal(used.out, '')
  await assert.rejects(runInProcess(artifactsCommand, { direction: 'both' }, [ARTIFACTS_RUN]))
})
