/**
 * Test-only: a small generated run whose history has values and nulls side by side, for the
 * key-selection tests (a `.wandb` log of a run record and eight history records).
 *
 * @module
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeLog } from '../local/_log_writer.ts'
import { historyRecord, runRecord, type TestItem } from '../local/_proto_writer.ts'

/** The run's id (project `p`, no entity: the test server files it under `test-entity`). */
export const NULL_RUN_ID = 'nullkeys1'

/**
 * Eight steps: `loss` every step; `acc` a value on even steps and null on odd ones; `eval.score`
 * a value at steps 2 and 5, null at step 6; `gone` logged only as null (steps 1 and 4).
 */
function historyItems(step: number): TestItem[] {
  const items: TestItem[] = [[['_step'], String(step)], [['loss'], String(1 / (step + 1))]]
  items.push([['acc'], step % 2 === 0 ? String(step / 10) : 'null'])
  if (step === 2 || step === 5) items.push([['eval', 'score'], String(step * 3)])
  if (step === 6) items.push([['eval', 'score'], 'null'])
  if (step === 1 || step === 4) items.push([['gone'], 'null'])
  return items
}

/** Writes the run folder (a `.wandb` log of a run record and eight history records). */
export async function writeNullRun(root: string): Promise<string> {
  const folder = join(root, 'wandb', `offline-run-20260101_000000-${NULL_RUN_ID}`)
  await mkdir(folder, { recursive: true })
  const records = [runRecord(1, NULL_RUN_ID, 'p')]
  for (let step = 0; step < 8; step++) {
    records.push(historyRecord(step + 2, historyItems(step), step))
  }
  await writeFile(join(folder, `run-${NULL_RUN_ID}.wandb`), writeLog(records))
  return folder
}
